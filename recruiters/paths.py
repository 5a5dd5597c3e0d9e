"""The paths of rows, as `reverse` gives them, without asking the URL resolver for each row.

A dashboard links each of its rows two or three times, a digest each of its items: a few
hundred `reverse` calls, 20-30 µs each. `path(name, *args)` asks `reverse` once per URL
name and shape (which arguments are ids, and the others' values), with a placeholder for
each id, and then fills the ids in: a few µs a row. Templates say `{% path %}`
(recruiters.templatetags.links) where they would say `{% url %}` for a row. A value that
differs every call, as a digest's signed tokens do, goes in as a `Segment`, like an id.
"""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

# In no path of ours but where an id goes: `path` falls back to `reverse` otherwise.
PLACEHOLDER = 8_642_097_531


# What `reverse` leaves as it is in a path segment (RFC 3986's unreserved characters and
# sub-delimiters, ":" and "@"): a Segment of these fills in as it is, without quoting.
_AS_IS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@]+")


class Segment(str):
    """A value for a `<str:...>` parameter that differs every call (a signed token): `path`
    fills it in as it does an id, instead of asking `reverse` for every new value (75 µs
    for a digest's token, whose every character `reverse` checks and quotes)."""


def _is_id(arg):
    return isinstance(arg, Segment) or (isinstance(arg, int) and not isinstance(arg, bool))


@lru_cache(maxsize=512)  # URL names x shapes: a few dozen; the bound is for a misuse
def _pattern(name, shape):
    """The parts of `name`'s path around its ids, after the script prefix; None if the
    placeholder shows up anywhere but where the ids go."""
    prefix = get_script_prefix()
    full = reverse(name, args=[PLACEHOLDER if arg is None else arg for arg in shape])
    parts = full.removeprefix(prefix).split(str(PLACEHOLDER))
    ids = sum(arg is None for arg in shape)
    if not full.startswith(prefix) or len(parts) != ids + 1:
        return None
    return parts


@receiver(setting_changed)
def _forget_patterns(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # as Django forgets its own resolvers (tests override it)
        _pattern.cache_clear()


def path(name, *args):
    """reverse(name, args=args): for rows' ids (ints), fixed words ("done") and Segments;
    a plain string that differs every call would make a new shape each time."""
    if any(isinstance(arg, Segment) and not _AS_IS.fullmatch(arg) for arg in args):
        return reverse(name, args=args)  # to quote it, or to refuse it
    shape = tuple(None if _is_id(arg) else arg for arg in args)
    parts = _pattern(name, shape)
    if parts is None:
        return reverse(name, args=args)
    ids = iter(str(arg) for arg in args if _is_id(arg))
    pieces = [parts[0]]
    for part in parts[1:]:
        pieces += (next(ids), part)
    return get_script_prefix() + "".join(pieces)
