"""vCard files (.vcf) as phones and mail clients export them: versions 2.1, 3.0 and 4.0, one
or many cards, folded lines, grouped properties such as `item1.URL` with its
`item1.X-ABLabel:LinkedIn`, escaped values (`http\\://...` from Apple Contacts).

vobject reads the lines (`vobject.base.getLogicalLines`, `parseLine`): folded lines are
joined, and so are vCard 2.1's quoted-printable soft line breaks ("=" at the end of a line);
each line is split into group, name, parameters (2.1's bare ones, `TEL;WORK;VOICE`, too) and
value. Text values are unescaped by vobject's `stringToTextValues`, structured ones (N, ORG)
split by `vobject.vcard.splitFields`. Around that, and why:

- vobject's components (`vobject.readComponents`) are not built. Their text behaviour keeps
  only what comes before the first unescaped comma of a value, and vCard 2.1 never escapes
  commas ("NOTE:Met at the café, very helpful." would be "Met at the café"); their content
  lines decode quoted-printable in whatever codec CHARSET names (`unicode_escape` or
  `utf-7` make any character at all); and reading a file into them takes three times as
  long as reading it this way (5,000 cards: 1.7 s against 0.5 s).
- Quoted-printable values are decoded here, in the CHARSET only if it is a character set
  (`CHARSETS`). A card with any other CHARSET, or with a NUL or a lone surrogate in a value
  Callback reads, is not imported: its row in the preview says why (`Contact.problem`). A
  value that is not valid in its character set is read as Windows-1252, with a warning.
- vobject numbers the first line 0, and a line after a blank line as the blank line:
  `content_lines` numbers them as a text editor does.
- Apple Contacts escapes colons (`https\\://`), which vCard does not: unescaped here.
"""

import codecs
import io
import quopri
import re
from dataclasses import dataclass

from vobject.base import ParseError, getLogicalLines, parseLine
from vobject.icalendar import stringToTextValues
from vobject.vcard import splitFields

from recruiters.bounds import unstorable
from recruiters.imports import outline
from recruiters.imports.files import BadFile, decode_8bit
from recruiters.imports.records import Contact, is_linkedin, join_name

# The character sets a CHARSET may name, by the name Python's codec registry gives each
# (codecs.lookup("windows-1252").name is "cp1252", "latin1" is "iso8859-1"). Left out on
# purpose: the codecs that are not character sets. unicode_escape, raw_unicode_escape and
# utf-7 turn escape sequences ("\x00", "+2AA-") into any character, lone surrogates
# included; idna and punycode encode host names; base64, hex, rot13, uu, zlib, bz2 and
# quopri are not text encodings at all.
CHARSETS = re.compile(
    r"ascii|utf-8|utf-(16|32)(-le|-be)?|iso8859-\d+|cp\d+|mac-[a-z0-9]+|koi8-[rtu]|kz1048"
    r"|ptcp154|tis-620|hp-roman8|shift_jis(_2004|x0213)?|euc_(jp|kr|jis_2004|jisx0213)"
    r"|iso2022_(jp(_1|_2|_3|_2004|_ext)?|kr)|gb2312|gbk|gb18030|hz|big5(hkscs)?|johab"
)
ENCODINGS = ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT")


def charset_codec(name):
    """The codec of a CHARSET parameter if it is a character set, else None."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not info._is_text_encoding or not CHARSETS.fullmatch(info.name):
        return None
    return info.name


@dataclass(slots=True)
class Prop:
    line: int
    name: str  # upper case
    group: str  # lower case, "item1" of "item1.URL"
    params: dict  # upper-case name -> [values]
    value: str  # as vobject read it: still quoted-printable, still escaped


class CardError(Exception):
    """A value of a card that cannot be imported; the card is skipped, the file is not."""

    def __init__(self, prop, message):
        super().__init__(f"line {prop.line}, {prop.name}: {message}")


def parse(text):
    """[Contact] of each card in a vCard text; BadFile on a malformed file. A card that
    cannot be read is a Contact with a `problem`."""
    if "BEGIN:VCARD" not in text.upper():
        raise BadFile("This file has no vCard in it (no BEGIN:VCARD line); is it a .vcf file?")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [
        Card(line, props).contact()
        for line, props in outline.components(content_lines(text), "VCARD")
    ]


def content_lines(text):
    """(line number, line, NAME, value, Prop) of each content line, as vobject reads it."""
    physical = text.split("\n")
    for line, number in getLogicalLines(io.StringIO(text), allowQP=True):
        if number == 0 or not physical[number - 1].strip():
            number += 1  # vobject's count: the first line is 0, one after a blank is short
        try:
            name, params, value, group = parseLine(line, number)
        except ParseError as error:
            raise BadFile(
                f"“{outline.shown(line)}” is not a vCard line (NAME:value).", line=number
            ) from error
        name = name.upper()
        prop = Prop(number, name, (group or "").lower(), parameters(params), value)
        yield number, line, name, value, prop


def parameters(params):
    """vobject's [[name, value...]] as {NAME: [values]}. A bare parameter (vCard 2.1's
    `TEL;WORK;VOICE`, `;QUOTED-PRINTABLE`) is a TYPE, or the ENCODING it names; an empty
    `CHARSET=` is no charset."""
    found = {}
    for name, *values in params:
        key = name.upper()
        if not values:
            if key == "CHARSET":
                continue
            key, values = ("ENCODING", [key]) if key in ENCODINGS else ("TYPE", [name])
        found.setdefault(key, []).extend(values)
    return found


def unescape(value):
    """A text value without its backslash escapes; its unescaped commas stay commas."""
    if "\\" not in value:
        return value.strip()
    return ",".join(stringToTextValues(value.replace("\\:", ":"))).strip()


def split_structured(value):
    """The parts of a structured value (N, ORG) split at its unescaped semicolons."""
    if "\\" not in value:
        return [part.strip() for part in value.split(";")]
    return [
        (",".join(part) if isinstance(part, list) else part).strip()
        for part in splitFields(value.replace("\\:", ":"))
    ]


def types(prop):
    """The TYPE parameter's values (and 2.1's bare parameters), lower case."""
    return {
        part.strip().lower()
        for value in prop.params.get("TYPE", [])
        for part in value.split(",")
        if part.strip()
    }


class Card:
    """The properties of one card, read into a Contact."""

    def __init__(self, line, props):
        self.line = line
        self.warnings = []
        self.by_name = {}
        for prop in props:
            self.by_name.setdefault(prop.name, []).append(prop)
        self.props = props

    def contact(self):
        try:
            for prop in self.props:
                if "CHARSET" in prop.params:
                    self.codec(prop)
            labels = {
                prop.group: self.text(prop).lower()
                for prop in self.by_name.get("X-ABLABEL", [])
                if prop.group
            }
            notes = (self.text(prop) for prop in self.by_name.get("NOTE", []))
            return Contact(
                line=self.line,
                name=self.name(),
                company=self.first("ORG", structured=True),
                position=self.first("TITLE") or self.first("ROLE"),
                email=self.preferred("EMAIL"),
                phone=self.preferred("TEL"),
                linkedin_url=self.linkedin(labels),
                notes="\n".join(note for note in notes if note),
                warnings=self.warnings,
            )
        except CardError as problem:
            try:
                name = self.name()
            except CardError:
                name = ""
            return Contact(line=self.line, name=name, problem=str(problem))

    def codec(self, prop):
        charset = ",".join(prop.params.get("CHARSET", [])).strip()
        if not charset:
            return "utf-8"
        if codec := charset_codec(charset):
            return codec
        raise CardError(
            prop,
            f"CHARSET “{charset[:40]}” is not a character set (such as UTF-8, "
            "Windows-1252, ISO-8859-1 or Shift_JIS)",
        )

    def decoded(self, prop):
        """The value as text, still escaped: quoted-printable decoded in its CHARSET."""
        codec = self.codec(prop)
        value = prop.value
        if "QUOTED-PRINTABLE" in (encoding.upper() for encoding in prop.params.get("ENCODING", [])):
            data = quopri.decodestring(value.encode("utf-8"))
            try:
                value = data.decode(codec)
            except UnicodeDecodeError:
                value = decode_8bit(data)
                self.warnings.append(
                    f"line {prop.line}: {prop.name} is not valid {codec.upper()}: "
                    "read as Windows-1252"
                )
        if problem := unstorable(value):
            raise CardError(prop, f"the value has {problem}, which cannot be stored")
        return value

    def text(self, prop):
        return unescape(self.decoded(prop))

    def parts(self, prop):
        return split_structured(self.decoded(prop))

    def first(self, name, *, structured=False):
        for prop in self.by_name.get(name, []):
            if structured:
                value = next((part for part in self.parts(prop) if part), "")
            else:
                value = self.text(prop)
            if value:
                return value
        return ""

    def name(self):
        if full := self.first("FN"):
            return full
        if names := self.by_name.get("N"):
            family, given, additional, prefix, suffix = (self.parts(names[0]) + [""] * 5)[:5]
            return join_name(prefix, given, additional, family, suffix)
        return ""

    def preferred(self, name):
        """The value marked preferred (TYPE=pref, PREF=1) or work, else the first."""
        ranked = sorted(
            ((prop, text) for prop in self.by_name.get(name, []) if (text := self.text(prop))),
            key=lambda pair: (
                not ("pref" in types(pair[0]) or pair[0].params.get("PREF") == ["1"]),
                "work" not in types(pair[0]),
            ),
        )
        return ranked[0][1].removeprefix("tel:").removeprefix("mailto:") if ranked else ""

    def linkedin(self, labels):
        """The LinkedIn profile among the card's URLs and social profiles."""
        for prop in self.by_name.get("URL", []) + self.by_name.get("X-SOCIALPROFILE", []):
            value = self.text(prop)
            labelled = labels.get(prop.group, "") if prop.group else ""
            if is_linkedin(value) or "linkedin" in labelled or "linkedin" in types(prop):
                value = value.removeprefix("x-apple:")
                if value and "/" not in value:  # a bare user name from X-SOCIALPROFILE
                    value = f"https://www.linkedin.com/in/{value}"
                return value
        return ""
