"""Double submission (rules.double_submissions, rules.submission_clashes): two recruiters
submitting you to the same employer within 183 days of each other. double_submissions lists
the submissions of the last 183 days (today - 183 <= submitted_on <= today, today in the
user's time zone) that clash with another recruiter's."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Role
from tests.factories import make_firm, make_recruiter, make_role

TODAY = date(2026, 6, 10)
NOW = datetime.combine(TODAY, time(12), tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAYS = timedelta(days=1)


def doubles(user, now=NOW):
    return list(rules.double_submissions(user.profile, now))


def submit(user, employer, recruiter, on):
    return make_role(
        user, employer=employer, recruiter=recruiter, submitted_on=on, stage=Role.Stage.SUBMITTED
    )


@pytest.fixture
def employer(user):
    return make_firm(user, name="Acme", kind="employer")


@pytest.fixture
def ann(user):
    return make_recruiter(user, name="Ann")


@pytest.fixture
def bob(user):
    return make_recruiter(user, name="Bob")


def set_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()


# How far apart ------------------------------------------------------------------------------


def test_submissions_183_days_apart_are_a_double_submission(user, employer, ann, bob):
    first = submit(user, employer, ann, TODAY - 183 * DAYS)
    second = submit(user, employer, bob, TODAY)
    found = doubles(user)
    assert found == [first, second]
    assert [role.clash_count for role in found] == [1, 1]


def test_submissions_182_days_apart_are_a_double_submission(user, employer, ann, bob):
    submit(user, employer, ann, TODAY - 182 * DAYS)
    second = submit(user, employer, bob, TODAY)
    assert second in doubles(user)


def test_submissions_184_days_apart_are_not_a_double_submission(user, employer, ann, bob):
    submit(user, employer, ann, TODAY - 184 * DAYS)
    submit(user, employer, bob, TODAY)
    assert doubles(user) == []


def test_submissions_on_the_same_day_are_a_double_submission(user, employer, ann, bob):
    first = submit(user, employer, ann, TODAY - 10 * DAYS)
    second = submit(user, employer, bob, TODAY - 10 * DAYS)
    assert set(doubles(user)) == {first, second}


def test_the_same_recruiter_submitting_twice_is_not_a_double_submission(user, employer, ann):
    submit(user, employer, ann, TODAY - 30 * DAYS)
    submit(user, employer, ann, TODAY)
    assert doubles(user) == []


def test_different_employers_do_not_clash(user, employer, ann, bob):
    submit(user, employer, ann, TODAY - 30 * DAYS)
    submit(user, make_firm(user, name="Globex"), bob, TODAY)
    assert doubles(user) == []


def test_clash_count_counts_the_other_recruiters_submissions(user, employer, ann, bob):
    mine = submit(user, employer, ann, TODAY)
    submit(user, employer, ann, TODAY - DAYS)  # Ann's own: no clash with hers
    submit(user, employer, bob, TODAY - 2 * DAYS)
    submit(user, employer, make_recruiter(user), TODAY - 3 * DAYS)
    counts = {role.pk: role.clash_count for role in doubles(user)}
    assert counts[mine.pk] == 2


def test_authorised_clash_count_counts_the_clashes_you_authorised(user, employer, ann, bob):
    """Which of the clashing submissions you authorised (right to represent): the figure
    that lets the warning say so."""
    mine = submit(user, employer, ann, TODAY)
    Role.objects.filter(pk=submit(user, employer, bob, TODAY - DAYS).pk).update(
        submission_authorised=True
    )
    submit(user, employer, make_recruiter(user), TODAY - 2 * DAYS)  # not authorised
    Role.objects.filter(pk=mine.pk).update(submission_authorised=True)  # not a clash of its own
    found = {role.pk: (role.clash_count, role.authorised_clash_count) for role in doubles(user)}
    assert found[mine.pk] == (2, 1)


def test_authorised_clash_count_is_zero_when_you_authorised_none(user, employer, ann, bob):
    submit(user, employer, ann, TODAY - 30 * DAYS)
    submit(user, employer, bob, TODAY)
    assert [role.authorised_clash_count for role in doubles(user)] == [0, 0]


def test_a_role_without_a_submission_date_does_not_clash(user, employer, ann, bob):
    submit(user, employer, ann, TODAY)
    make_role(user, employer=employer, recruiter=bob, stage=Role.Stage.PITCHED)
    assert doubles(user) == []


def test_a_role_without_a_recruiter_does_not_clash(user, employer, ann):
    submit(user, employer, ann, TODAY)
    submit(user, employer, None, TODAY - DAYS)  # applied directly
    assert doubles(user) == []


def test_another_users_submissions_do_not_clash(user, other_user, employer, ann):
    submit(user, employer, ann, TODAY)
    theirs = make_firm(other_user, name="Acme", kind="employer")
    submit(other_user, theirs, make_recruiter(other_user), TODAY)
    assert doubles(user) == []
    assert doubles(other_user) == []


# Which submissions are listed: the last 183 days up to today ------------------------------


def test_only_submissions_within_the_last_183_days_are_listed(user, employer, ann, bob):
    recent = submit(user, employer, ann, TODAY - 100 * DAYS)
    submit(user, employer, bob, TODAY - 250 * DAYS)  # clashes with it, but is too old
    assert doubles(user) == [recent]


@pytest.mark.parametrize(
    ("age_days", "listed"),
    [(182, True), (183, True), (184, False)],
    ids=["one_day_inside", "exactly_183_days_ago", "one_day_outside"],
)
def test_the_oldest_listed_submission_is_183_days_ago(user, employer, ann, bob, age_days, listed):
    old = submit(user, employer, ann, TODAY - age_days * DAYS)
    submit(user, employer, bob, TODAY - 100 * DAYS)
    assert (old in doubles(user)) is listed


def test_a_submission_dated_after_today_is_not_listed(user, employer, ann, bob):
    today = submit(user, employer, ann, TODAY)
    submit(user, employer, bob, TODAY + DAYS)
    assert doubles(user) == [today]


# Today is the user's local date ---------------------------------------------------------


@pytest.mark.parametrize(
    ("shift", "listed"),
    [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)],
    ids=["one_minute_before_local_midnight", "at_local_midnight", "one_minute_after"],
)
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_submission_dated_today_is_listed_from_local_midnight(
    user, employer, ann, bob, zone, shift, listed
):
    set_zone(user, zone)
    submit(user, employer, ann, TODAY - 9 * DAYS)
    new = submit(user, employer, bob, TODAY)
    midnight = datetime.combine(TODAY, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert (new in doubles(user, now=midnight + shift)) is listed


@pytest.mark.parametrize(
    ("shift", "listed"),
    [(-MINUTE, True), (timedelta(0), False), (MINUTE, False)],
    ids=["one_minute_before_local_midnight", "at_local_midnight", "one_minute_after"],
)
@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("America/Los_Angeles", date(2026, 3, 8)),
        ("America/Los_Angeles", date(2026, 11, 1)),
        ("Pacific/Kiritimati", date(2026, 6, 1)),
        ("Pacific/Pago_Pago", date(2026, 6, 1)),
    ],
)
def test_a_submission_183_days_old_stops_being_listed_at_local_midnight(
    user, employer, ann, bob, zone, change_day, shift, listed
):
    """On the day of a daylight-saving change, the next local day begins at local 00:00."""
    set_zone(user, zone)
    old = submit(user, employer, ann, change_day - 183 * DAYS)
    submit(user, employer, bob, change_day - 100 * DAYS)
    next_midnight = datetime.combine(change_day + DAYS, time(0), tzinfo=ZoneInfo(zone))
    now = next_midnight.astimezone(UTC) + shift
    assert (old in doubles(user, now=now)) is listed


# The warning when a submission is logged (rules.submission_clashes) --------------------------


def test_logging_a_second_submission_within_183_days_warns(user, employer, ann, bob):
    first = submit(user, employer, ann, TODAY - 183 * DAYS)
    second = submit(user, employer, bob, TODAY)
    assert list(rules.submission_clashes(second)) == [first]


def test_logging_a_second_submission_184_days_later_does_not_warn(user, employer, ann, bob):
    submit(user, employer, ann, TODAY - 184 * DAYS)
    second = submit(user, employer, bob, TODAY)
    assert list(rules.submission_clashes(second)) == []


def test_the_same_recruiter_submitting_again_does_not_warn(user, employer, ann):
    submit(user, employer, ann, TODAY - 30 * DAYS)
    again = submit(user, employer, ann, TODAY)
    assert list(rules.submission_clashes(again)) == []


def test_a_submission_later_than_the_one_logged_also_warns(user, employer, ann, bob):
    later = submit(user, employer, ann, TODAY + 183 * DAYS)
    logged = submit(user, employer, bob, TODAY)
    assert list(rules.submission_clashes(logged)) == [later]


def test_a_role_not_submitted_has_no_clashes(user, employer, ann, bob):
    submit(user, employer, ann, TODAY)
    pitched = make_role(user, employer=employer, recruiter=bob)
    assert list(rules.submission_clashes(pitched)) == []
