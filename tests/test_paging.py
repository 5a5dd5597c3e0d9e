"""Keyset page cursors (recruiters.paging), and the health card's reply figures worked out
over the window only (health.window_reply_stats) against their definition over the whole
loaded timeline (health.reply_stats)."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from recruiters import health, paging
from recruiters.models import Interaction
from tests.factories import make_recruiter

IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_a_cursor_survives_its_url_to_the_microsecond(at):
    cursor = paging.Cursor(at, 9_223_372_036)
    assert paging.Cursor.parse(str(cursor)) == cursor


def test_a_cursor_in_another_time_zone_is_the_same_moment():
    at = timezone.localtime(timezone.now(), timezone=timezone.get_fixed_timezone(-300))
    assert paging.Cursor.parse(str(paging.Cursor(at, 7))).at == at


@pytest.mark.parametrize("value", [None, ""])
def test_no_cursor_is_the_first_page(value):
    assert paging.Cursor.parse(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12",
        "12_",
        "_12",
        "12-34",
        "12_34_56",
        " 12_34",
        "12_34\n",
        "1.5_3",
        "+12_34",
        "12_-34",
        "١٢_٣",  # digits, but not ASCII ones
        "1234567890123456789_1",  # more digits than any datetime needs
        "999999999999999999_1",  # past the year 9999
        "-999999999999999999_1",  # before the year 1
        "1_9999999999999999999",  # an id past bigint
        "x" * 5000,
    ],
)
def test_a_mangled_cursor_is_refused(value):
    with pytest.raises(paging.BadCursor):
        paging.Cursor.parse(value)


def test_page_of_says_whether_there_is_a_next_page():
    order = paging.Order("at", descending=True)

    class Row:
        def __init__(self, pk):
            self.pk, self.at = pk, datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=pk)

    rows = [Row(pk) for pk in range(1, 5)]
    full = paging.page_of(rows, order, 3)
    assert [r.pk for r in full] == [1, 2, 3]
    assert full.next == paging.Cursor(rows[2].at, 3)
    last = paging.page_of(rows[:3], order, 3)
    assert len(last) == 3 and last.next is None
    empty = paging.page_of([], order, 3)
    assert not empty and empty.next is None


# Reply figures over the window only ----------------------------------------------------------


def random_timeline(recruiter, rng, now):
    """0-40 interactions over 150 days, a few in the future, many sharing a timestamp."""
    moments = [now - timedelta(minutes=rng.randint(-2 * 1440, 150 * 1440)) for _ in range(15)]
    moments.append(now)
    rows = []
    for _ in range(rng.randint(0, 40)):
        direction = rng.choice([IN, OUT])
        rows.append(
            Interaction(
                owner=recruiter.owner,
                recruiter=recruiter,
                occurred_at=rng.choice(moments),
                direction=direction,
                expects_reply=rng.random() < 0.6,
            )
        )
    return Interaction.objects.bulk_create(rows)


def test_window_reply_stats_are_exactly_the_definition_over_the_whole_timeline(user):
    """Whatever the timeline: asks answered or not, at the window's edge, equal timestamps,
    inbound ones that asked for a reply too, interactions after `now`."""
    rng = random.Random(20260301)
    now = timezone.now()
    checked = 0
    for _ in range(60):
        recruiter = make_recruiter(user)
        random_timeline(recruiter, rng, now)
        since = now - timedelta(days=rng.choice([1, 30, 90, 365]))
        whole = list(recruiter.interactions.all())
        expected = health.reply_stats(whole, since, now)
        assert health.window_reply_stats(recruiter, since, now) == expected
        checked += expected.asked > 0 and expected.answered > 0
    assert checked > 20  # most timelines had answered questions to compare


def test_the_health_card_shows_the_reply_figures_of_the_whole_timeline(client_in, user):
    """A question answered 2 hours later, one unanswered, both in the window, behind more
    than a page of newer interactions: 50%, median 2 hours."""
    recruiter = make_recruiter(user)
    now = timezone.now()
    asked = now - timedelta(days=20)
    Interaction.objects.bulk_create(
        [
            Interaction(
                owner=user,
                recruiter=recruiter,
                occurred_at=asked,
                direction=OUT,
                expects_reply=True,
            ),
            Interaction(
                owner=user,
                recruiter=recruiter,
                occurred_at=asked + timedelta(hours=2),
                direction=IN,
            ),
        ]
        + [
            Interaction(
                owner=user,
                recruiter=recruiter,
                occurred_at=now - timedelta(days=10, minutes=i),
                direction=OUT,
                expects_reply=i == 0,
            )
            for i in range(80)
        ]
    )
    html = client_in.get(recruiter.get_absolute_url()).content.decode()
    assert '50% <span class="muted">(1 of 2 questions answered, last 90 days)' in html
    assert "<dt>Median reply</dt><dd>2 hours</dd>" in html
