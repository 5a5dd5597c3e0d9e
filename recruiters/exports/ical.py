"""A small iCalendar (RFC 5545) writer: just what the follow-up feed needs.

Content lines end in CRLF and are folded so that no line is longer than 75 octets
(continuation lines start with one space; a UTF-8 character is never split). TEXT values
are escaped (backslash, semicolon, comma, newline); date-times are written in UTC with
the `Z` suffix, so the feed needs no VTIMEZONE.
"""

import re
from datetime import UTC

CRLF = "\r\n"
MAX_OCTETS = 75

# Control characters other than HTAB are not allowed in TEXT (RFC 5545, 3.3.11).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text(value):
    """`value` as an escaped TEXT value: \\\\, \\;, \\, and \\n for any line break."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def utc(moment):
    """An aware datetime as a UTC DATE-TIME value, e.g. 20261127T093000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line):
    """`line` folded into chunks of at most 75 octets, joined by CRLF and a space."""
    chunks, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        # The first line has 75 octets to fill; a continuation line 74 after its space.
        if size + octets > (MAX_OCTETS if not chunks else MAX_OCTETS - 1):
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    chunks.append("".join(current))
    return (CRLF + " ").join(chunks)


def content_line(name, value, **params):
    """One folded content line with its CRLF: NAME;PARAM=value:value.

    `value` must already be formatted (`text()` for TEXT, `utc()` for DATE-TIME).
    Parameters are keywords, an underscore standing for a hyphen: VALUE="DURATION".
    """
    head = name + "".join(f";{key.replace('_', '-')}={val}" for key, val in params.items())
    return fold(f"{head}:{value}") + CRLF


def component(name, lines):
    """A BEGIN:name ... END:name block around already written content lines."""
    return f"BEGIN:{name}{CRLF}" + "".join(lines) + f"END:{name}{CRLF}"
