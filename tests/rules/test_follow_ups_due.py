"""Overdue follow-ups (effective due < now) and follow-ups due today (now <= effective due <
the end of the user's local day); a snoozed follow-up is due at the end of its snooze."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import FollowUp
from tests.factories import make_follow_up

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def overdue(user, now=NOW):
    return list(rules.overdue_follow_ups(user.profile, now))


def due_today(user, now=NOW):
    return list(rules.due_today_follow_ups(user.profile, now))


def set_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()


def snoozed(user, due_at, until):
    return make_follow_up(user, due_at=due_at, state=FollowUp.State.SNOOZED, snoozed_until=until)


def closed(user, due_at, state):
    return make_follow_up(user, due_at=due_at, state=state, closed_at=due_at)


# Overdue ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in", "is_overdue"),
    [(-MINUTE, True), (timedelta(0), False), (MINUTE, False)],
    ids=["due_one_minute_ago", "due_exactly_now", "due_in_one_minute"],
)
def test_overdue_is_strictly_past_its_due_time(user, due_in, is_overdue):
    follow_up = make_follow_up(user, due_at=NOW + due_in)
    assert overdue(user) == ([follow_up] if is_overdue else [])


@pytest.mark.parametrize(
    ("until_in", "is_overdue"),
    [(-MINUTE, True), (timedelta(0), False), (MINUTE, False)],
    ids=["snooze_ended_one_minute_ago", "snooze_ends_now", "snooze_ends_in_one_minute"],
)
def test_a_snoozed_follow_up_is_overdue_only_past_the_end_of_its_snooze(user, until_in, is_overdue):
    follow_up = snoozed(user, due_at=NOW - 5 * DAY, until=NOW + until_in)
    assert overdue(user) == ([follow_up] if is_overdue else [])


def test_overdue_is_annotated_with_the_effective_due_time(user):
    snoozed(user, due_at=NOW - 5 * DAY, until=NOW - DAY)
    (found,) = overdue(user)
    assert found.current_due_at == NOW - DAY


@pytest.mark.parametrize("state", [FollowUp.State.DONE, FollowUp.State.DISMISSED])
def test_closed_follow_ups_are_never_overdue(user, state):
    closed(user, NOW - DAY, state)
    assert overdue(user) == []


def test_overdue_lists_the_longest_overdue_first(user):
    recent = make_follow_up(user, due_at=NOW - DAY)
    old = make_follow_up(user, due_at=NOW - 9 * DAY)
    from_snooze = snoozed(user, due_at=NOW - 30 * DAY, until=NOW - 2 * DAY)
    assert overdue(user) == [old, from_snooze, recent]


def test_overdue_is_only_the_users_own(user, other_user):
    make_follow_up(other_user, due_at=NOW - DAY)
    assert overdue(user) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"])
def test_overdue_compares_instants_whatever_the_zone(user, zone):
    set_zone(user, zone)
    follow_up = make_follow_up(user, due_at=NOW)
    local_now = NOW.astimezone(ZoneInfo(zone))
    assert overdue(user, now=local_now) == []
    assert overdue(user, now=local_now + MINUTE) == [follow_up]


# Due today ----------------------------------------------------------------------------------


def end_of_local_day(now, zone):
    tomorrow = now.astimezone(ZoneInfo(zone)).date() + DAY
    return datetime.combine(tomorrow, time(0), tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("due_in", "is_due_today"),
    [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)],
    ids=["due_one_minute_ago", "due_exactly_now", "due_in_one_minute"],
)
def test_due_today_starts_at_now(user, due_in, is_due_today):
    follow_up = make_follow_up(user, due_at=NOW + due_in)
    assert due_today(user) == ([follow_up] if is_due_today else [])


@pytest.mark.parametrize(
    ("shift", "is_due_today"),
    [(-MINUTE, True), (timedelta(0), False), (MINUTE, False)],
    ids=["one_minute_before_midnight", "at_midnight", "one_minute_after_midnight"],
)
def test_due_today_ends_at_the_end_of_the_local_day(user, shift, is_due_today):
    follow_up = make_follow_up(user, due_at=datetime(2026, 6, 11, tzinfo=UTC) + shift)
    assert due_today(user) == ([follow_up] if is_due_today else [])


def test_a_follow_up_snoozed_until_later_today_is_due_today(user):
    follow_up = snoozed(user, due_at=NOW - 3 * DAY, until=NOW + 3 * 60 * MINUTE)
    (found,) = due_today(user)
    assert found == follow_up and found.current_due_at == NOW + 3 * 60 * MINUTE


def test_a_follow_up_due_today_but_snoozed_until_tomorrow_is_not_due_today(user):
    snoozed(user, due_at=NOW + MINUTE, until=NOW + DAY)
    assert due_today(user) == []


@pytest.mark.parametrize("state", [FollowUp.State.DONE, FollowUp.State.DISMISSED])
def test_closed_follow_ups_are_never_due_today(user, state):
    closed(user, NOW + MINUTE, state)
    assert due_today(user) == []


def test_due_today_lists_the_soonest_first(user):
    later = make_follow_up(user, due_at=NOW + 5 * 60 * MINUTE)
    sooner = make_follow_up(user, due_at=NOW + MINUTE)
    assert due_today(user) == [sooner, later]


def test_due_today_is_only_the_users_own(user, other_user):
    make_follow_up(other_user, due_at=NOW + MINUTE)
    assert due_today(user) == []


@pytest.mark.parametrize(
    ("zone", "now"),
    [
        # The day the clocks go forward: 23 hours long, ends 23:00 UTC.
        ("Europe/London", datetime(2026, 3, 29, 10, 0, tzinfo=UTC)),
        # The day the clocks go back: 25 hours long, ends 00:00 UTC.
        ("Europe/London", datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 3, 8, 18, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 18, 0, tzinfo=UTC)),
        # Just after midnight, before the clocks change that night.
        ("Europe/London", datetime(2026, 3, 29, 0, 1, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 7, 1, tzinfo=UTC)),
        # Far from UTC: UTC+14 is already tomorrow; UTC-11 is still today.
        ("Pacific/Kiritimati", datetime(2026, 6, 1, 12, 0, tzinfo=UTC)),
        ("Pacific/Pago_Pago", datetime(2026, 6, 1, 12, 0, tzinfo=UTC)),
        ("Pacific/Kiritimati", datetime(2026, 6, 1, 9, 59, tzinfo=UTC)),
        ("Pacific/Pago_Pago", datetime(2026, 6, 1, 10, 59, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize(
    ("shift", "is_due_today"),
    [(-MINUTE, True), (timedelta(0), False), (MINUTE, False)],
    ids=["one_minute_before_local_midnight", "at_local_midnight", "one_minute_after"],
)
def test_due_today_ends_at_local_midnight_in_the_users_zone(user, zone, now, shift, is_due_today):
    set_zone(user, zone)
    follow_up = make_follow_up(user, due_at=end_of_local_day(now, zone) + shift)
    assert due_today(user, now=now) == ([follow_up] if is_due_today else [])


@pytest.mark.parametrize(
    ("zone", "now", "end_utc"),
    [
        ("Europe/London", datetime(2026, 3, 29, 10, 0, tzinfo=UTC), datetime(2026, 3, 29, 23)),
        ("Europe/London", datetime(2026, 10, 25, 10, 0, tzinfo=UTC), datetime(2026, 10, 26, 0)),
        ("America/Los_Angeles", datetime(2026, 3, 8, 18, tzinfo=UTC), datetime(2026, 3, 9, 7)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 18, tzinfo=UTC), datetime(2026, 11, 2, 8)),
        ("Pacific/Kiritimati", datetime(2026, 6, 1, 12, tzinfo=UTC), datetime(2026, 6, 2, 10)),
        ("Pacific/Pago_Pago", datetime(2026, 6, 1, 12, tzinfo=UTC), datetime(2026, 6, 2, 11)),
    ],
)
def test_the_local_day_ends_at_the_expected_utc_instant(user, zone, now, end_utc):
    set_zone(user, zone)
    end = end_utc.replace(tzinfo=UTC)
    last_minute = make_follow_up(user, due_at=end - MINUTE, title="last minute")
    make_follow_up(user, due_at=end, title="tomorrow")
    assert due_today(user, now=now) == [last_minute]


def test_due_today_does_not_depend_on_the_zone_now_is_written_in(user):
    set_zone(user, "Pacific/Kiritimati")
    follow_up = make_follow_up(user, due_at=datetime(2026, 6, 2, 9, 59, tzinfo=UTC))
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    for written_in in (UTC, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")):
        assert due_today(user, now=now.astimezone(written_in)) == [follow_up]


def test_a_follow_up_due_tomorrow_in_utc_is_due_today_in_pago_pago(user):
    set_zone(user, "Pacific/Pago_Pago")
    # Monday 1 June 12:00 UTC is 01:00 in Pago Pago; its day ends 2 June 11:00 UTC.
    follow_up = make_follow_up(user, due_at=datetime(2026, 6, 2, 10, 0, tzinfo=UTC))
    assert follow_up.due_at.date() == date(2026, 6, 2)
    assert due_today(user, now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC)) == [follow_up]


# Overdue or due today, in one list (the dashboard's rule-made sections) ------------------------


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_due_by_end_of_today_is_the_overdue_ones_then_those_due_today(user, zone):
    set_zone(user, zone)
    for hours in (-50, -3, 0, 2, 11, 13, 30, 60):
        make_follow_up(user, due_at=NOW + timedelta(hours=hours))
    snoozed(user, due_at=NOW - 5 * DAY, until=NOW + timedelta(hours=1))
    closed(user, NOW - DAY, FollowUp.State.DONE)
    both = list(rules.due_by_end_of_today_follow_ups(user.profile, NOW))
    assert both == overdue(user) + due_today(user)
    assert overdue(user) and due_today(user)
