"""Feedback owed (rules.feedback_owed): an interview with no feedback from that recruiter
after it, once 3 business days (Monday to Friday, in the user's local dates) have passed in
full: owed from local 00:00 of the day after the 3rd business day after the interview's
local date. Monday's interview is owed from Friday 00:00, Friday's from Thursday 00:00."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter, make_role

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
EDGES = pytest.mark.parametrize(
    ("shift", "is_owed"),
    [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)
MONDAY = date(2026, 6, 8)


def local(zone, day, hour=0, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def set_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    return profile


def owed(user, now):
    return list(rules.feedback_owed(user.profile, now))


def interview(recruiter, at, **fields):
    return make_interaction(recruiter, occurred_at=at, kind=Interaction.Kind.INTERVIEW, **fields)


def feedback(recruiter, at, **fields):
    fields.setdefault("kind", Interaction.Kind.INTERVIEW_FEEDBACK)
    fields.setdefault("direction", Interaction.Direction.INBOUND)
    return make_interaction(recruiter, occurred_at=at, **fields)


def check(user, zone, interview_at, owed_from_day, shift, is_owed):
    """The interview at `interview_at` is owed exactly from local 00:00 of `owed_from_day`;
    asked at that moment + `shift`, and feedback_due_at names that moment."""
    profile = set_zone(user, zone)
    done = interview(make_recruiter(user), interview_at)
    owed_from = local(zone, owed_from_day)
    now = owed_from.astimezone(UTC) + shift
    assert owed(user, now) == ([done] if is_owed else [])
    assert rules.feedback_due_at(done, profile) == owed_from


# The edges, in UTC, for an interview on each day of the week ------------------------------

WEEK = [
    ("monday", 0, 4),  # Tue, Wed, Thu: owed from Friday
    ("tuesday", 1, 4),  # Wed, Thu, Fri: owed from Saturday
    ("wednesday", 2, 6),  # Thu, Fri, Mon: owed from Tuesday
    ("thursday", 3, 6),  # Fri, Mon, Tue: owed from Wednesday
    ("friday", 4, 6),  # Mon, Tue, Wed: owed from Thursday
    ("saturday", 5, 5),  # Mon, Tue, Wed: owed from Thursday
    ("sunday", 6, 4),  # Mon, Tue, Wed: owed from Thursday
]


@pytest.mark.parametrize(
    ("weekday", "days_after"), [(w[1], w[2]) for w in WEEK], ids=[w[0] for w in WEEK]
)
@EDGES
def test_feedback_owed_from_midnight_after_the_third_business_day(
    user, weekday, days_after, shift, is_owed
):
    day = MONDAY + timedelta(days=weekday)
    check(user, "UTC", local("UTC", day, 10), day + timedelta(days=days_after), shift, is_owed)


def test_monday_interview_is_owed_from_friday_midnight(user):
    done = interview(make_recruiter(user), local("UTC", MONDAY, 9))
    assert owed(user, local("UTC", date(2026, 6, 11), 23, 59)) == []
    assert owed(user, local("UTC", date(2026, 6, 12))) == [done]


def test_friday_interview_is_owed_from_thursday_midnight(user):
    done = interview(make_recruiter(user), local("UTC", date(2026, 6, 12), 17))
    assert owed(user, local("UTC", date(2026, 6, 17), 23, 59)) == []
    assert owed(user, local("UTC", date(2026, 6, 18))) == [done]


def test_the_interview_time_of_day_does_not_matter_only_its_date(user):
    early = interview(make_recruiter(user), local("UTC", MONDAY, 0, 0))
    late = interview(make_recruiter(user), local("UTC", MONDAY, 23, 59))
    assert owed(user, local("UTC", date(2026, 6, 12))) == [early, late]


def test_feedback_business_days_come_from_the_profile(user):
    profile = user.profile
    profile.feedback_business_days = 1
    profile.save()
    friday = interview(make_recruiter(user), local("UTC", date(2026, 6, 12), 10))
    # The 1st business day after Friday is Monday: owed from Tuesday 00:00.
    assert owed(user, local("UTC", date(2026, 6, 15), 23, 59)) == []
    assert owed(user, local("UTC", date(2026, 6, 16))) == [friday]
    assert rules.feedback_due_at(friday, profile) == local("UTC", date(2026, 6, 16))


# What clears it ---------------------------------------------------------------------------

OWED_NOW = local("UTC", date(2026, 6, 12), 12)  # Friday noon: Monday's interview is owed


def test_feedback_after_the_interview_clears_it(user):
    recruiter = make_recruiter(user)
    interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 10, 1))
    assert owed(user, OWED_NOW) == []


def test_late_feedback_still_clears_it(user):
    recruiter = make_recruiter(user)
    interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, OWED_NOW - MINUTE)
    assert owed(user, OWED_NOW) == []


def test_an_inbound_carrying_the_value_feedback_clears_it(user):
    recruiter = make_recruiter(user)
    interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 15), kind=Interaction.Kind.CHECK_IN, value="feedback")
    assert owed(user, OWED_NOW) == []


def test_an_inbound_without_feedback_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 15), kind=Interaction.Kind.CHECK_IN)
    assert owed(user, OWED_NOW) == [done]


def test_feedback_at_the_same_instant_as_the_interview_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 10))
    assert owed(user, OWED_NOW) == [done]


def test_feedback_before_the_interview_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 9, 59))
    assert owed(user, OWED_NOW) == [done]


def test_outbound_feedback_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 15), direction=Interaction.Direction.OUTBOUND)
    assert owed(user, OWED_NOW) == [done]


def test_another_recruiters_feedback_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(make_recruiter(user), local("UTC", MONDAY, 15))
    assert owed(user, OWED_NOW) == [done]


def test_feedback_after_now_does_not_clear_it(user):
    recruiter = make_recruiter(user)
    done = interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, OWED_NOW + MINUTE)
    assert owed(user, OWED_NOW) == [done]


def test_feedback_between_two_interviews_clears_only_the_first(user):
    recruiter = make_recruiter(user)
    interview(recruiter, local("UTC", MONDAY, 10))
    feedback(recruiter, local("UTC", MONDAY, 15))
    second = interview(recruiter, local("UTC", MONDAY, 16))
    assert owed(user, OWED_NOW) == [second]


def test_an_interview_after_now_is_not_owed(user):
    interview(make_recruiter(user), local("UTC", MONDAY, 10))
    owed_now = owed(user, OWED_NOW)
    interview(make_recruiter(user), OWED_NOW + MINUTE)
    assert owed(user, OWED_NOW) == owed_now


def test_only_interviews_owe_feedback(user):
    recruiter = make_recruiter(user)
    make_interaction(recruiter, occurred_at=local("UTC", MONDAY, 10), kind="submission")
    assert owed(user, OWED_NOW) == []


def test_other_users_interviews_are_not_listed(user, other_user):
    interview(make_recruiter(other_user), local("UTC", MONDAY, 10))
    assert owed(user, OWED_NOW) == []


def test_owed_interviews_come_with_their_recruiter_and_role_oldest_first(user):
    recruiter = make_recruiter(user, name="Ann")
    role = make_role(user, recruiter=recruiter, title="Staff engineer")
    later = interview(recruiter, local("UTC", MONDAY, 14), role=role)
    earlier = interview(recruiter, local("UTC", MONDAY, 9))
    found = owed(user, OWED_NOW)
    assert found == [earlier, later]
    assert found[1].recruiter.name == "Ann" and found[1].role.title == "Staff engineer"


# Zones far from UTC: the interview's local date, not its UTC date ---------------------------


@EDGES
def test_kiritimati_early_monday_interview_is_a_sunday_in_utc_but_owed_from_local_friday(
    user, shift, is_owed
):
    # Monday 08:00 in UTC+14 is Sunday 18:00 UTC; owed from local Friday 00:00
    # (Thursday 10:00 UTC), not from Thursday 00:00 UTC as a Sunday interview would be.
    at = local("Pacific/Kiritimati", MONDAY, 8)
    assert at.astimezone(UTC).date() == date(2026, 6, 7)
    check(user, "Pacific/Kiritimati", at, date(2026, 6, 12), shift, is_owed)


@EDGES
def test_kiritimati_monday_2330_interview_is_owed_from_local_friday(user, shift, is_owed):
    check(
        user,
        "Pacific/Kiritimati",
        local("Pacific/Kiritimati", MONDAY, 23, 30),
        date(2026, 6, 12),
        shift,
        is_owed,
    )


@EDGES
def test_kiritimati_saturday_interview_that_is_friday_in_utc_is_a_weekend_interview(
    user, shift, is_owed
):
    at = local("Pacific/Kiritimati", date(2026, 6, 13), 2)  # Friday 12:00 UTC
    assert at.astimezone(UTC).date() == date(2026, 6, 12)
    check(user, "Pacific/Kiritimati", at, date(2026, 6, 18), shift, is_owed)


@EDGES
def test_pago_pago_friday_2330_interview_is_saturday_in_utc_but_owed_from_local_thursday(
    user, shift, is_owed
):
    # Friday 23:30 in UTC-11 is Saturday 10:30 UTC; owed from local Thursday 00:00
    # (Thursday 11:00 UTC), not from Thursday 00:00 UTC.
    at = local("Pacific/Pago_Pago", date(2026, 6, 12), 23, 30)
    assert at.astimezone(UTC).date() == date(2026, 6, 13)
    check(user, "Pacific/Pago_Pago", at, date(2026, 6, 18), shift, is_owed)


@EDGES
def test_pago_pago_sunday_evening_interview_is_monday_in_utc_but_a_weekend_interview(
    user, shift, is_owed
):
    at = local("Pacific/Pago_Pago", date(2026, 6, 14), 20)  # Monday 07:00 UTC
    assert at.astimezone(UTC).date() == date(2026, 6, 15)
    check(user, "Pacific/Pago_Pago", at, date(2026, 6, 18), shift, is_owed)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_now_may_be_given_in_any_zone(user, zone):
    set_zone(user, zone)
    done = interview(make_recruiter(user), local(zone, MONDAY, 10))
    owed_from = local(zone, date(2026, 6, 12))
    for written_in in (UTC, ZoneInfo(zone), ZoneInfo("Asia/Tokyo")):
        assert owed(user, (owed_from - MINUTE).astimezone(written_in)) == []
        assert owed(user, owed_from.astimezone(written_in)) == [done]


# Daylight-saving changes: local midnights move with the clocks ----------------------------


@EDGES
def test_london_thursday_interview_before_spring_change_owed_from_wednesday_bst(
    user, shift, is_owed
):
    # Thu 26 March (GMT) -> Fri, Mon, Tue -> Wed 1 April 00:00 BST = 31 March 23:00 UTC.
    at = local("Europe/London", date(2026, 3, 26), 10)
    check(user, "Europe/London", at, date(2026, 4, 1), shift, is_owed)


@EDGES
def test_london_interview_on_the_spring_change_sunday_owed_from_thursday(user, shift, is_owed):
    at = local("Europe/London", date(2026, 3, 29), 0, 30)  # GMT, half an hour before the change
    check(user, "Europe/London", at, date(2026, 4, 2), shift, is_owed)


@EDGES
def test_london_just_after_midnight_bst_is_still_the_previous_day_in_utc(user, shift, is_owed):
    # Tue 7 April 00:30 BST is Mon 6 April 23:30 UTC: a Tuesday interview, owed from
    # Sat 11 April 00:00 BST (Fri 23:00 UTC), not from Friday 00:00 UTC.
    at = local("Europe/London", date(2026, 4, 7), 0, 30)
    assert at.astimezone(UTC).date() == date(2026, 4, 6)
    check(user, "Europe/London", at, date(2026, 4, 11), shift, is_owed)


@EDGES
def test_london_friday_interview_before_autumn_change_owed_from_thursday_gmt(user, shift, is_owed):
    at = local("Europe/London", date(2026, 10, 23), 16)
    check(user, "Europe/London", at, date(2026, 10, 29), shift, is_owed)


@EDGES
def test_los_angeles_thursday_interview_before_spring_change_owed_from_wednesday_pdt(
    user, shift, is_owed
):
    at = local("America/Los_Angeles", date(2026, 3, 5), 10)
    check(user, "America/Los_Angeles", at, date(2026, 3, 11), shift, is_owed)


@EDGES
def test_los_angeles_friday_interview_before_autumn_change_owed_from_thursday_pst(
    user, shift, is_owed
):
    at = local("America/Los_Angeles", date(2026, 10, 30), 16)
    check(user, "America/Los_Angeles", at, date(2026, 11, 5), shift, is_owed)


@EDGES
def test_los_angeles_sunday_evening_of_the_autumn_change_is_a_weekend_interview(
    user, shift, is_owed
):
    at = local("America/Los_Angeles", date(2026, 11, 1), 20)  # Monday 04:00 UTC
    assert at.astimezone(UTC).date() == date(2026, 11, 2)
    check(user, "America/Los_Angeles", at, date(2026, 11, 5), shift, is_owed)
