"""The line format that vCard (RFC 6350, 2426) and iCalendar (RFC 5545) share:

    [group.]NAME[;PARAM=value[,value]...]:value

with long lines folded (a line that starts with a space or a tab continues the one before),
backslash escapes in text values, and in vCard 2.1 quoted-printable values whose soft line
breaks end a line with "=".
"""

import quopri
from dataclasses import dataclass, field

from recruiters.imports.files import BadFile


@dataclass
class Property:
    line: int
    name: str  # upper case
    value: str  # raw, still escaped
    group: str = ""  # lower case, "item1" of "item1.URL"
    params: dict = field(default_factory=dict)  # upper-case name -> [values]

    def param(self, name):
        return ",".join(self.params.get(name, []))

    def types(self):
        """The TYPE parameter's values (and 2.1's bare parameters), lower case."""
        return {
            part.strip().lower()
            for value in self.params.get("TYPE", [])
            for part in value.split(",")
            if part.strip()
        }

    @property
    def text(self):
        return unescape(self.decoded())

    def parts(self):
        """A structured value (N, ORG, ADR) split at its unescaped semicolons."""
        return [unescape(part) for part in split_unescaped(self.decoded(), ";")]

    def decoded(self):
        if self.param("ENCODING").upper() == "QUOTED-PRINTABLE":
            charset = self.param("CHARSET") or "utf-8"
            raw = quopri.decodestring(self.value.encode("latin-1", "replace"))
            try:
                return raw.decode(charset)
            except (LookupError, UnicodeDecodeError):
                return raw.decode("latin-1")
        return self.value


def unfold(text):
    """[(line number, logical line)]: folded lines joined, blank lines dropped."""
    logical = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if line[:1] in (" ", "\t") and logical:
            start, previous = logical[-1]
            logical[-1] = (start, previous + line[1:])
        elif logical and is_soft_broken(logical[-1][1]):
            start, previous = logical[-1]
            logical[-1] = (start, previous[:-1] + line)
        elif line.strip():
            logical.append((number, line))
        else:
            continue
    return logical


def is_soft_broken(line):
    """A quoted-printable value (vCard 2.1) continued on the next line."""
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head and line.endswith("=")


def parse(number, line, what):
    """The Property on `line`; BadFile if it is not NAME:value."""
    colon = value_colon(line)
    if colon is None:
        shown = line if len(line) <= 60 else line[:57] + "..."
        raise BadFile(f"“{shown}” is not a {what} line (NAME:value).", line=number)
    head, value = line[:colon], line[colon + 1 :]
    pieces = split_unescaped(head, ";", quotes=True)
    name = pieces[0].strip()
    group = ""
    if "." in name:
        group, name = name.rsplit(".", 1)
    if not name or not all(c.isalnum() or c == "-" for c in name):
        raise BadFile(f"“{pieces[0]}” is not a {what} property name.", line=number)
    params = {}
    for piece in pieces[1:]:
        key, has_value, values = piece.partition("=")
        if not has_value:  # vCard 2.1: TEL;WORK;VOICE:...
            key, values = "TYPE", key
        params.setdefault(key.strip().upper(), []).append(values.strip().strip('"'))
    return Property(number, name.upper(), value, group.lower(), params)


def value_colon(line):
    """Where the value starts: the first colon outside double quotes."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return None


def split_unescaped(value, separator, *, quotes=False):
    parts, current, escaped, quoted = [], [], False, False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif quotes and char == '"':
            quoted = not quoted
            current.append(char)
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


ESCAPES = {"n": "\n", "N": "\n", "\\": "\\", ",": ",", ";": ";", ":": ":"}


def unescape(value):
    out, escaped = [], False
    for char in value:
        if escaped:
            out.append(ESCAPES.get(char, "\\" + char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out).strip()


def components(text, what, wanted):
    """[(line of BEGIN, [Property])] of each `wanted` component (VCARD, VEVENT).

    Properties of nested components (VALARM inside VEVENT) are left out; BEGIN and END
    must pair up, else BadFile naming the lines.
    """
    found, stack, current = [], [], None
    for number, line in unfold(text):
        prop = parse(number, line, what)
        if prop.name == "BEGIN":
            kind = prop.value.strip().upper()
            if kind == wanted and current is not None:
                raise BadFile(
                    f"A new {wanted} begins before the one from line {current[0]} has ended "
                    f"(END:{wanted} is missing).",
                    line=number,
                )
            stack.append((kind, number))
            if kind == wanted:
                current = (number, [])
        elif prop.name == "END":
            kind = prop.value.strip().upper()
            if not stack or stack[-1][0] != kind:
                expected = f"END:{stack[-1][0]}" if stack else "nothing"
                raise BadFile(f"END:{kind} here, where {expected} was expected.", line=number)
            stack.pop()
            if kind == wanted:
                found.append(current)
                current = None
        elif not stack:
            raise BadFile(
                f"“{line[:40]}” is outside any BEGIN:{wanted} ... END:{wanted}.", line=number
            )
        elif current is not None and stack[-1][0] == wanted:
            current[1].append(prop)
    if stack:
        kind, number = stack[-1]
        raise BadFile(f"BEGIN:{kind} on line {number} has no END:{kind}.", line=number)
    return found
