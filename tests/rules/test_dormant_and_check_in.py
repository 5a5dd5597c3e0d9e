"""Dormant recruiter (no contact either way for 90 days or more) and check-in due (an "invest"
recruiter with no contact either way for 30 days or more): last_contact_at <= now - N days."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction, Recruiter
from tests.factories import make_interaction, make_recruiter

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
EDGES = pytest.mark.parametrize(
    ("shift", "fires"),
    [(MINUTE, False), (timedelta(0), True), (-MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)


def dormant(user, now=NOW):
    return list(rules.dormant_recruiters(user.profile, now))


def check_ins(user, now=NOW):
    return list(rules.check_in_due(user.profile, now))


def touch(recruiter, at, direction=Interaction.Direction.INBOUND):
    return make_interaction(recruiter, occurred_at=at, direction=direction)


# Dormant --------------------------------------------------------------------------------


@EDGES
def test_dormant_at_the_90_day_edge(user, shift, fires):
    recruiter = make_recruiter(user)
    touch(recruiter, NOW - 90 * DAY + shift)
    assert dormant(user) == ([recruiter] if fires else [])


def test_dormant_exactly_at_the_threshold_is_dormant(user):
    recruiter = make_recruiter(user)
    touch(recruiter, NOW - 90 * DAY)
    (found,) = dormant(user)
    assert found == recruiter and found.last_contact_at == NOW - 90 * DAY


def test_dormant_counts_contact_either_way(user):
    recruiter = make_recruiter(user)
    touch(recruiter, NOW - 200 * DAY)
    touch(recruiter, NOW - 10 * DAY, direction=Interaction.Direction.OUTBOUND)
    assert dormant(user) == []


def test_a_recruiter_never_contacted_is_not_dormant(user):
    make_recruiter(user)
    assert dormant(user) == []


def test_dormant_uses_the_profile_setting(user):
    profile = user.profile
    profile.dormant_after_days = 45
    profile.save()
    recruiter = make_recruiter(user)
    touch(recruiter, NOW - 45 * DAY)
    assert dormant(user) == [recruiter]


def test_dormant_ignores_contact_after_now(user):
    recruiter = make_recruiter(user)
    touch(recruiter, NOW - 100 * DAY)
    touch(recruiter, NOW + MINUTE)
    assert dormant(user) == [recruiter]


def test_a_recruiter_whose_only_contact_is_after_now_is_not_dormant(user):
    touch(make_recruiter(user), NOW + DAY)
    assert dormant(user) == []


def test_dormant_is_listed_longest_quiet_first(user):
    newer = make_recruiter(user, name="Newer")
    touch(newer, NOW - 100 * DAY)
    older = make_recruiter(user, name="Older")
    touch(older, NOW - 300 * DAY)
    assert dormant(user) == [older, newer]


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("Europe/London", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 3, 8, 10, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
    ],
)
@EDGES
def test_dormant_across_a_dst_change_counts_elapsed_days(user, zone, change, shift, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user)
    last_contact = change - 40 * DAY
    touch(recruiter, last_contact)
    now = last_contact + 90 * DAY - shift
    assert dormant(user, now=now) == ([recruiter] if fires else [])


def test_dormant_same_instant_given_in_the_users_zone_gives_the_same_answer(user):
    """89 days 23:59 of elapsed time across the spring change: not yet dormant, whether
    `now` is written in UTC or in the user's zone (Python's wall-clock arithmetic on a
    Europe/London datetime would move the cutoff by the hour that the clocks skipped)."""
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    recruiter = make_recruiter(user)
    touch(recruiter, datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC) + 90 * DAY - MINUTE
    assert dormant(user, now=now) == []
    assert dormant(user, now=now.astimezone(ZoneInfo("Europe/London"))) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@EDGES
def test_dormant_in_a_zone_far_from_utc(user, zone, shift, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user)
    last_contact = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo(zone))
    touch(recruiter, last_contact)
    now = last_contact + 90 * DAY - shift
    assert dormant(user, now=now) == ([recruiter] if fires else [])


# Check-in due ---------------------------------------------------------------------------


@EDGES
def test_check_in_at_the_30_day_edge(user, shift, fires):
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    touch(recruiter, NOW - 30 * DAY + shift)
    assert check_ins(user) == ([recruiter] if fires else [])


@pytest.mark.parametrize("tier", [Recruiter.Tier.MAINTAIN, Recruiter.Tier.DORMANT])
def test_check_in_is_only_for_invest_recruiters(user, tier):
    recruiter = make_recruiter(user, tier=tier)
    touch(recruiter, NOW - 60 * DAY)
    assert check_ins(user) == []


def test_check_in_counts_contact_either_way(user):
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    touch(recruiter, NOW - 60 * DAY)
    touch(recruiter, NOW - 29 * DAY, direction=Interaction.Direction.OUTBOUND)
    assert check_ins(user) == []


def test_check_in_uses_the_profile_setting(user):
    profile = user.profile
    profile.check_in_days = 14
    profile.save()
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    touch(recruiter, NOW - 14 * DAY)
    assert check_ins(user) == [recruiter]


def test_check_in_is_not_due_for_a_recruiter_never_contacted(user):
    make_recruiter(user, tier=Recruiter.Tier.INVEST)
    assert check_ins(user) == []


def test_check_in_ignores_contact_after_now(user):
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    touch(recruiter, NOW - 31 * DAY)
    touch(recruiter, NOW + MINUTE)
    assert check_ins(user) == [recruiter]


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("Europe/London", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
    ],
)
@EDGES
def test_check_in_across_a_dst_change_counts_elapsed_days(user, zone, change, shift, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    last_contact = change - 10 * DAY
    touch(recruiter, last_contact)
    now = last_contact + 30 * DAY - shift
    assert check_ins(user, now=now) == ([recruiter] if fires else [])


def test_check_in_same_instant_given_in_the_users_zone_gives_the_same_answer(user):
    """30 days and a minute of elapsed time across the autumn change in Los Angeles: due,
    whether `now` is written in UTC or in the user's zone (Python's wall-clock arithmetic on
    an America/Los_Angeles datetime would move the cutoff by the hour the clocks repeated)."""
    profile = user.profile
    profile.time_zone = "America/Los_Angeles"
    profile.save()
    recruiter = make_recruiter(user, tier=Recruiter.Tier.INVEST)
    touch(recruiter, datetime(2026, 10, 20, 19, 0, tzinfo=UTC))
    now = datetime(2026, 10, 20, 19, 0, tzinfo=UTC) + 30 * DAY + MINUTE
    assert check_ins(user, now=now) == [recruiter]
    assert check_ins(user, now=now.astimezone(ZoneInfo("America/Los_Angeles"))) == [recruiter]
