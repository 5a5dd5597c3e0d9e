"""One-sided relationship (rules.one_sided) over the rolling window (now - 90 days, now]:
they ignore you (at least 3 outbound, 3 x inbound <= outbound), you ignore them (the
mirror), or value flowing one way (at least 2 valuable touches one way, none the other)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
OUT, IN = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND


def one_sided(user, now=NOW):
    return list(rules.one_sided(user.profile, now))


def touches(recruiter, direction, n, at=NOW - 10 * DAY, **fields):
    for i in range(n):
        make_interaction(recruiter, occurred_at=at - i * DAY, direction=direction, **fields)


def history(user, outbound, inbound, **fields):
    recruiter = make_recruiter(user, **fields)
    touches(recruiter, OUT, outbound)
    touches(recruiter, IN, inbound)
    return recruiter


# They ignore you ----------------------------------------------------------------------------


def test_three_out_one_in_is_they_ignore_you(user):
    recruiter = history(user, outbound=3, inbound=1)
    (found,) = one_sided(user)
    assert found == recruiter
    assert found.they_ignore_you and not found.you_ignore_them and not found.value_one_way


def test_three_out_one_in_comes_with_the_figures(user):
    history(user, outbound=3, inbound=1)
    (found,) = one_sided(user)
    assert (found.outbound_in_window, found.inbound_in_window) == (3, 1)


def test_three_out_two_in_is_not_one_sided(user):
    history(user, outbound=3, inbound=2)
    assert one_sided(user) == []


def test_two_out_none_in_is_below_the_three_touch_minimum(user):
    history(user, outbound=2, inbound=0)
    assert one_sided(user) == []


def test_three_out_none_in_is_they_ignore_you(user):
    recruiter = history(user, outbound=3, inbound=0)
    assert one_sided(user) == [recruiter]


def test_six_out_two_in_is_exactly_one_in_three(user):
    recruiter = history(user, outbound=6, inbound=2)
    assert one_sided(user) == [recruiter]


def test_five_out_two_in_is_more_than_one_in_three(user):
    history(user, outbound=5, inbound=2)
    assert one_sided(user) == []


# You ignore them ----------------------------------------------------------------------------


def test_three_in_one_out_is_you_ignore_them(user):
    recruiter = history(user, outbound=1, inbound=3)
    (found,) = one_sided(user)
    assert found == recruiter
    assert found.you_ignore_them and not found.they_ignore_you


def test_three_in_two_out_is_not_one_sided(user):
    history(user, outbound=2, inbound=3)
    assert one_sided(user) == []


def test_two_in_none_out_is_below_the_three_touch_minimum(user):
    history(user, outbound=0, inbound=2)
    assert one_sided(user) == []


def test_six_in_two_out_is_you_ignore_them(user):
    recruiter = history(user, outbound=2, inbound=6)
    assert one_sided(user) == [recruiter]


# Value flowing one way ------------------------------------------------------------------


def test_two_valuable_touches_received_none_given_is_value_one_way(user):
    recruiter = make_recruiter(user)
    touches(recruiter, IN, 2, value="market_intel")
    touches(recruiter, OUT, 2)  # plain touches: not one-sided by counts
    (found,) = one_sided(user)
    assert found == recruiter
    assert found.value_one_way and not found.they_ignore_you and not found.you_ignore_them
    assert (found.value_received_in_window, found.value_given_in_window) == (2, 0)


def test_two_valuable_touches_given_none_received_is_value_one_way(user):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 2, value="referral")
    touches(recruiter, IN, 2)
    (found,) = one_sided(user)
    assert found == recruiter and found.value_one_way


def test_two_valuable_touches_against_one_is_not_one_sided(user):
    recruiter = make_recruiter(user)
    touches(recruiter, IN, 2, value="salary_data")
    touches(recruiter, OUT, 1, value="introduction")
    touches(recruiter, OUT, 1, at=NOW - 20 * DAY)
    assert one_sided(user) == []


def test_a_single_valuable_touch_is_not_value_one_way(user):
    recruiter = make_recruiter(user)
    touches(recruiter, IN, 1, value="role_lead")
    touches(recruiter, IN, 1, at=NOW - 20 * DAY)
    touches(recruiter, OUT, 2)
    assert one_sided(user) == []


def test_valuable_touches_outside_the_window_do_not_balance_value(user):
    recruiter = make_recruiter(user)
    touches(recruiter, IN, 2, value="feedback")
    touches(recruiter, OUT, 2)
    touches(recruiter, OUT, 1, at=NOW - 90 * DAY, value="referral")  # just left the window
    (found,) = one_sided(user)
    assert found == recruiter and found.value_one_way


# The rolling window (now - 90 days, now] -------------------------------------------------


@pytest.mark.parametrize(
    ("age", "fires"),
    [(90 * DAY - MINUTE, True), (90 * DAY, False), (90 * DAY + MINUTE, False)],
    ids=["one_minute_inside", "exactly_window_days_ago", "one_minute_outside"],
)
def test_a_touch_exactly_window_days_ago_has_left_the_window(user, age, fires):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 2)
    touches(recruiter, OUT, 1, at=NOW - age)
    assert one_sided(user) == ([recruiter] if fires else [])


def test_a_reply_that_left_the_window_no_longer_balances_it(user):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 3)
    touches(recruiter, IN, 2, at=NOW - 90 * DAY)  # both exactly 90 and 91 days ago
    (found,) = one_sided(user)
    assert found == recruiter and found.inbound_in_window == 0


def test_the_window_comes_from_the_profile(user):
    profile = user.profile
    profile.one_sided_window_days = 30
    profile.save()
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 2, at=NOW - DAY)
    touches(recruiter, OUT, 1, at=NOW - 30 * DAY)  # exactly the window ago: outside
    assert one_sided(user) == []
    touches(recruiter, OUT, 1, at=NOW - 30 * DAY + MINUTE)
    assert one_sided(user) == [recruiter]


def test_a_touch_exactly_at_now_counts(user):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 3)
    touches(recruiter, IN, 1)
    make_interaction(recruiter, occurred_at=NOW, direction=IN)
    assert one_sided(user) == []  # 3 out, 2 in


def test_touches_after_now_are_ignored(user):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 3)
    touches(recruiter, IN, 1)
    make_interaction(recruiter, occurred_at=NOW + MINUTE, direction=IN)
    (found,) = one_sided(user)
    assert found == recruiter and found.inbound_in_window == 1


def test_touches_after_now_do_not_make_it_one_sided(user):
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 2)
    touches(recruiter, OUT, 1, at=NOW + DAY)
    assert one_sided(user) == []


def test_one_sided_is_only_about_the_users_own_recruiters(user, other_user):
    history(other_user, outbound=3, inbound=0)
    assert one_sided(user) == []


def test_one_sided_recruiters_are_listed_by_name(user):
    zed = history(user, outbound=3, inbound=0, name="Zed")
    amy = history(user, outbound=0, inbound=3, name="Amy")
    assert one_sided(user) == [amy, zed]


# Daylight-saving changes and zones far from UTC: the window is 90 x 24 hours -------------


@pytest.mark.parametrize(
    ("zone", "now"),
    [
        ("Europe/London", datetime(2026, 6, 1, 11, 0, tzinfo=UTC)),  # window holds 29 March
        ("Europe/London", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),  # window holds 25 Oct
        ("America/Los_Angeles", datetime(2026, 5, 1, 19, 0, tzinfo=UTC)),  # holds 8 March
        ("America/Los_Angeles", datetime(2026, 12, 1, 20, 0, tzinfo=UTC)),  # holds 1 Nov
    ],
)
@pytest.mark.parametrize(
    ("age", "fires"),
    [(90 * DAY - MINUTE, True), (90 * DAY, False), (90 * DAY + MINUTE, False)],
    ids=["one_minute_inside", "exactly_window_days_ago", "one_minute_outside"],
)
def test_the_window_across_a_dst_change_is_elapsed_days(user, zone, now, age, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user)
    touches(recruiter, OUT, 2, at=now - DAY)
    touches(recruiter, OUT, 1, at=now - age)
    assert one_sided(user, now=now) == ([recruiter] if fires else [])


def test_one_sided_same_instant_given_in_the_users_zone_gives_the_same_answer(user):
    """A touch 90 x 24 hours less a minute before `now`, across the spring change in London,
    is inside the window whether `now` is written in UTC or in Europe/London."""
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    recruiter = make_recruiter(user)
    now = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    touches(recruiter, OUT, 2, at=now - DAY)
    touches(recruiter, OUT, 1, at=now - 90 * DAY + MINUTE)
    assert one_sided(user, now=now) == [recruiter]
    assert one_sided(user, now=now.astimezone(ZoneInfo("Europe/London"))) == [recruiter]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("age", "fires"),
    [(90 * DAY - MINUTE, True), (90 * DAY, False), (90 * DAY + MINUTE, False)],
    ids=["one_minute_inside", "exactly_window_days_ago", "one_minute_outside"],
)
def test_the_window_in_a_zone_far_from_utc(user, zone, age, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user)
    now = datetime(2026, 6, 10, 23, 30, tzinfo=ZoneInfo(zone))
    touches(recruiter, OUT, 2, at=now - DAY)
    touches(recruiter, OUT, 1, at=now - age)
    assert one_sided(user, now=now) == ([recruiter] if fires else [])
