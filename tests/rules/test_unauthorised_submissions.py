"""Submitted without your authorisation (rules.unauthorised_submissions): a recruiter's role
with a submission date up to today (the user's local date), whose submission you did not
authorise (Role.submission_authorised, the right to represent), at any stage. A submission
dated after today, locally, does not count yet; a direct application never does."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recruiters import rules
from recruiters.models import Role
from tests.factories import make_firm, make_recruiter, make_role

TODAY = date(2026, 6, 10)
NOW = datetime.combine(TODAY, time(12), tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAYS = timedelta(days=1)


def unauthorised(user, now=NOW):
    return list(rules.unauthorised_submissions(user.profile, now))


def submit(user, recruiter, on, *, employer=None, authorised=False, stage=Role.Stage.SUBMITTED):
    return make_role(
        user,
        employer=employer,
        recruiter=recruiter,
        submitted_on=on,
        submission_authorised=authorised,
        stage=stage,
    )


@pytest.fixture
def employer(user):
    return make_firm(user, name="Kestrel", kind="employer")


@pytest.fixture
def marco(user):
    return make_recruiter(user, name="Marco")


def set_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()


def local_midnight(day, zone):
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


# What counts --------------------------------------------------------------------------------


def test_a_submission_you_did_not_authorise_is_listed(user, employer, marco):
    role = submit(user, marco, TODAY - 10 * DAYS, employer=employer)
    assert unauthorised(user) == [role]


def test_a_submission_you_authorised_is_not_listed(user, employer, marco):
    submit(user, marco, TODAY - 10 * DAYS, employer=employer, authorised=True)
    assert unauthorised(user) == []


def test_authorising_it_takes_it_off_the_list(user, employer, marco):
    role = submit(user, marco, TODAY - 10 * DAYS, employer=employer)
    Role.objects.filter(pk=role.pk).update(submission_authorised=True)
    assert unauthorised(user) == []


@pytest.mark.parametrize("stage", Role.Stage.values)
def test_every_stage_counts(user, employer, marco, stage):
    """A submission rejected, withdrawn or closed since was still made without your say."""
    role = submit(user, marco, TODAY - 30 * DAYS, employer=employer, stage=stage)
    assert unauthorised(user) == [role]


def test_a_direct_application_does_not_count(user, employer):
    submit(user, None, TODAY - 10 * DAYS, employer=employer)  # applied directly: no recruiter
    assert unauthorised(user) == []


def test_a_role_not_submitted_does_not_count(user, employer, marco):
    make_role(user, employer=employer, recruiter=marco, stage=Role.Stage.PITCHED)
    # The stage alone does not make a submission: the submission date does.
    make_role(user, employer=employer, recruiter=marco, stage=Role.Stage.SUBMITTED)
    assert unauthorised(user) == []


def test_an_unknown_employer_still_counts(user, marco):
    role = submit(user, marco, TODAY - 3 * DAYS)
    assert unauthorised(user) == [role]


def test_there_is_no_window_a_submission_years_old_counts(user, employer, marco):
    role = submit(user, marco, TODAY - 3 * 365 * DAYS, employer=employer)
    assert unauthorised(user) == [role]


def test_oldest_submission_first_with_employer_and_recruiter_loaded(user, employer, marco):
    dana = make_recruiter(user, name="Dana")
    newer = submit(user, dana, TODAY - DAYS, employer=employer)
    older = submit(user, marco, TODAY - 40 * DAYS)
    with CaptureQueriesContext(connection) as queries:
        found = unauthorised(user)
        shown = [(r.recruiter.name, r.employer and r.employer.name) for r in found]
    assert found == [older, newer]
    assert shown == [("Marco", None), ("Dana", "Kestrel")]
    assert len(queries) == 1


def test_another_users_rows_never_appear(user, other_user, employer, marco):
    mine = submit(user, marco, TODAY - 5 * DAYS, employer=employer)
    theirs = make_firm(other_user, name="Kestrel", kind="employer")
    their_role = submit(other_user, make_recruiter(other_user), TODAY - 5 * DAYS, employer=theirs)
    assert unauthorised(user) == [mine]
    assert unauthorised(other_user) == [their_role]


# Up to today: one day either side ----------------------------------------------------------


@pytest.mark.parametrize(
    ("offset_days", "listed"),
    [(-1, True), (0, True), (1, False)],
    ids=["yesterday", "today", "tomorrow"],
)
def test_a_submission_counts_from_its_day(user, employer, marco, offset_days, listed):
    role = submit(user, marco, TODAY + offset_days * DAYS, employer=employer)
    assert (role in unauthorised(user)) is listed


def test_now_written_in_another_zone_gives_the_same_answer(user, employer, marco):
    set_zone(user, "Pacific/Kiritimati")
    role = submit(user, marco, TODAY + DAYS, employer=employer)  # tomorrow in UTC
    # 12:00 UTC is 02:00 the next day on Kiritimati (UTC+14): the submission's day has come.
    for written_in in ("UTC", "America/Los_Angeles", "Asia/Kathmandu"):
        assert unauthorised(user, NOW.astimezone(ZoneInfo(written_in))) == [role]


# Today is the user's local date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("shift", "listed"),
    [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)],
    ids=["one_minute_before_local_midnight", "at_local_midnight", "one_minute_after"],
)
@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Pacific/Kiritimati", TODAY),  # UTC+14
        ("Pacific/Pago_Pago", TODAY),  # UTC-11
        ("Asia/Kathmandu", TODAY),  # UTC+5:45
        ("Europe/London", date(2026, 3, 29)),  # clocks go forward that night (at 01:00)
        ("Europe/London", date(2026, 10, 25)),  # and back
        ("America/Los_Angeles", date(2026, 3, 8)),
        ("America/Los_Angeles", date(2026, 11, 1)),
        ("America/Havana", date(2026, 3, 8)),  # DST starts at local midnight: 00:00 is 01:00
    ],
)
def test_a_submission_dated_today_counts_from_local_midnight(
    user, employer, marco, zone, day, shift, listed
):
    set_zone(user, zone)
    role = submit(user, marco, day, employer=employer)
    now = local_midnight(day, zone) + shift
    assert (role in unauthorised(user, now=now)) is listed


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_same_instant_is_a_different_day_in_far_zones(user, employer, marco, zone):
    """At 12:00 UTC on 10 June it is already 11 June on Kiritimati and still 10 June in Pago
    Pago: a submission dated 11 June counts only in the first."""
    set_zone(user, zone)
    role = submit(user, marco, TODAY + DAYS, employer=employer)
    assert (role in unauthorised(user)) is (zone == "Pacific/Kiritimati")


# On the recruiter page ----------------------------------------------------------------------


def test_the_recruiter_page_badges_who_submitted_you_without_authorisation(
    client_in, user, employer, marco
):
    submit(user, marco, date.today() - DAYS, employer=employer)
    dana = make_recruiter(user, name="Dana")
    submit(user, dana, date.today() - DAYS, employer=employer, authorised=True)

    def badges(recruiter):
        html = client_in.get(reverse("recruiter_detail", args=[recruiter.pk])).content.decode()
        return re.findall(r'<span class="badge warn rule-([a-z_]+)">([^<]+)</span>', html)

    assert ("unauthorised_submission", "Submitted you without authorisation") in badges(marco)
    assert "unauthorised_submission" not in dict(badges(dana))
    assert ("double_submission", "Double submission") in badges(dana)  # still badged
