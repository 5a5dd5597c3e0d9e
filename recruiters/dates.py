"""Dates and times as the template filter `date` shows them, in a tenth of its time.

A page or a digest shows a date or two for each of up to a hundred rows, and the filter's
general machinery (any format, any language) costs about 80 µs a value; these formats take
under 10. USE_I18N is off: the names are English, as the filter's are. Templates say
`{{ value|when:"j M Y" }}` (recruiters.templatetags.callback) where they would say `date`.
"""

from datetime import datetime
from functools import lru_cache

from django.utils import timezone

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# The letters of the `date` filter that the rows use (see its documentation).
LETTERS = {
    "D": lambda value: _DAYS[value.weekday()],
    "j": lambda value: str(value.day),
    "M": lambda value: _MONTHS[value.month - 1],
    "Y": lambda value: str(value.year),
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "c": lambda value: value.isoformat(),
}


@lru_cache
def _parts(format):
    """`format`'s letters as functions of the value and its other characters as they are."""
    if unknown := {char for char in format if char.isalpha()} - LETTERS.keys():
        raise ValueError(f"No date letter {''.join(sorted(unknown))} here: see dates.LETTERS.")
    return [LETTERS.get(char, char) for char in format]


def wall_clock(value, format):
    """`value` (a datetime or a date) with `format`, whose letters are LETTERS', in the
    time zone it is written in: what the filter `date` shows of a value it was given."""
    return "".join(part if isinstance(part, str) else part(value) for part in _parts(format))


def local(value, format):
    """`value` as `{{ value|date:format }}` shows it: a datetime in the current time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return wall_clock(value, format)
