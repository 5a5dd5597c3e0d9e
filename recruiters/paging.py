"""Keyset pagination: the next rows of a list after the last one shown, never an OFFSET.

A list is sorted by one timestamp column and the id (the tiebreaker): the timeline by
(occurred_at, id) newest first, open follow-ups by (due_at, id) soonest first, a stage of
the role board by (updated_at, id) newest first. A page ends with the cursor of its last
row, and the next page is the rows after that cursor in the list's order: an index range
scan, as fast for the thousandth page as for the first, and stable while rows above it
change (a follow-up marked done does not shift the next page).

A cursor is written in a URL as "<microseconds since 1970 UTC>_<id>" (`?after=...`): it
names a point in the order, not a row, so it needs no lookup and reveals nothing. A cursor
copied from another user's row only positions the user's own rows, which are all a list
ever queries.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Digits bounded so that the time stays within datetime's range and the id within bigint.
CURSOR = re.compile(r"(-?[0-9]{1,18})_([0-9]{1,18})")  # ASCII digits only (not \d)


class BadCursor(ValueError):
    """A page cursor that is not one this module wrote (a mangled or hand-made URL)."""


@dataclass(frozen=True)
class Cursor:
    """A point in a list's order: the sort key of a row and its id."""

    at: datetime
    pk: int

    @classmethod
    def of(cls, row, field):
        return cls(getattr(row, field), row.pk)

    @classmethod
    def parse(cls, value):
        """The cursor written as `value`; None for no value (the first page). Raises
        BadCursor for anything else."""
        if value is None or value == "":
            return None
        match = CURSOR.fullmatch(value)
        if not match:
            raise BadCursor(f"{value[:40]!r} is not a page cursor")
        micros, pk = (int(group) for group in match.groups())
        try:
            at = EPOCH + timedelta(microseconds=micros)
        except OverflowError:
            raise BadCursor(f"{value[:40]!r} is out of range") from None
        return cls(at, pk)

    def __str__(self):
        delta = self.at - EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}_{self.pk}"


@dataclass(frozen=True)
class Order:
    """How a list is sorted: by `field` then the id, both ascending or both descending."""

    field: str
    descending: bool

    def order_by(self):
        sign = "-" if self.descending else ""
        return [f"{sign}{self.field}", f"{sign}pk"]

    def after(self, cursor):
        """A filter for the rows after `cursor` in this order. The redundant bound on the
        field alone (<= or >=) is what lets an index on it start the scan at the cursor."""
        before, beyond = ("lt", "lte") if self.descending else ("gt", "gte")
        return Q(**{f"{self.field}__{beyond}": cursor.at}) & (
            Q(**{f"{self.field}__{before}": cursor.at}) | Q(**{f"pk__{before}": cursor.pk})
        )


@dataclass
class Page:
    """One page of a list: its rows, the cursor it started after (None on the first
    page), and the cursor of the next page (None on the last)."""

    rows: list
    after: Cursor | None = None
    next: Cursor | None = None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def page_of(rows, order, size, after=None):
    """The Page of `rows` (a list of up to size + 1 rows, in `order`): one extra row means
    that there is a next page."""
    rows = list(rows)
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, after, Cursor.of(rows[-1], order.field) if more else None)


def page(queryset, order, size, after=None):
    """The `size` rows of `queryset` after the cursor `after` (from the start if None), in
    `order`, and the cursor of the next page: one query."""
    if after is not None:
        queryset = queryset.filter(order.after(after))
    return page_of(queryset.order_by(*order.order_by())[: size + 1], order, size, after)
