"""What Callback accepts from outside, in one place: dates it can compute with, and text a
database column can hold. Every way in uses these: the forms (recruiters.forms), the imports
(vCard, .ics, LinkedIn) and the restore of a JSON export.

Dates lie between EARLIEST and LATEST, 1 Jan 1900 to 31 Dec 2200. The rules, the digests and
the calendar feed add days and months to them (a double submission is one within six months
of another), and Python's dates end at 31 Dec 9999 while PostgreSQL stores years past 10000
and dates BC that psycopg cannot read back: one such row made every page of its account, its
digest and its export fail. A time is compared in UTC, as it is stored, so that no time zone
carries it out of the range ("9999-12-31 23:59" at UTC-12 is in the year 10000).

Text may hold neither a NUL (PostgreSQL refuses U+0000 in text and JSON) nor a lone surrogate
(U+D800 to U+DFFF is not a character: it cannot be encoded, in a query or in a page). A form
field refuses a NUL itself (Django's ProhibitNullCharactersValidator) and a request cannot
carry a lone surrogate (Django decodes what is not UTF-8 as U+FFFD); files can hold both.
"""

import re
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
EARLIEST_MOMENT = datetime.combine(EARLIEST, time.min, tzinfo=UTC)
LATEST_MOMENT = datetime.combine(LATEST, time.max, tzinfo=UTC)

DATES = f"between {EARLIEST:%-d %b %Y} and {LATEST:%-d %b %Y}"
MOMENTS = f"{DATES} (UTC)"


def in_range(value):
    """Whether a date, or an aware datetime, lies within the range. An aware datetime is
    compared with the range's ends as a moment (CPython does that without converting it, so
    a moment past the year 9999 in UTC compares rather than overflows)."""
    if isinstance(value, datetime):
        return EARLIEST_MOMENT <= value <= LATEST_MOMENT
    return EARLIEST <= value <= LATEST


def range_of(value):
    """The range of `value`'s kind, as the messages say it."""
    return MOMENTS if isinstance(value, datetime) else DATES


def validate_in_range(value):
    """The validator of every date and date-time form field."""
    if not in_range(value):
        what = "date and time" if isinstance(value, datetime) else "date"
        raise ValidationError(f"Enter a {what} {range_of(value)}.", code="out_of_range")


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(value):
    """What in the text `value` no database column can hold (a NUL, a lone surrogate), else
    ""."""
    if "\x00" in value:
        return "a NUL character (U+0000)"
    if not value.isascii() and (match := LONE_SURROGATE.search(value)):
        return f"a lone surrogate (U+{ord(match[0]):04X})"
    return ""


def shown(value):
    """`value` safe to show in a page or a message: a lone surrogate as U+FFFD."""
    return LONE_SURROGATE.sub("\ufffd", value) if not value.isascii() else value
