"""Who knows you are looking (rules.aware_of_search): the recruiters who hold your CV or were
told of your search, up to `now`, and since when (aware_since). A submitted_on date counts
from the user's local midnight starting that day."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recruiters import rules
from recruiters.models import Interaction, Role
from tests.factories import make_interaction, make_recruiter, make_role

NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
K, S = Interaction.Kind, Role.Stage
EDGES = pytest.mark.parametrize(
    ("shift", "counts"),
    [(-MINUTE, True), (timedelta(0), True), (MINUTE, False)],
    ids=["one_minute_before_now", "exactly_now", "one_minute_after_now"],
)


def aware(user, now=NOW):
    return {r.name: r.aware_since for r in rules.aware_of_search(user.profile, now)}


def set_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()


def local_midnight(day, zone):
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


# Interactions -----------------------------------------------------------------------------


@EDGES
@pytest.mark.parametrize("direction", [IN, OUT])
def test_a_submission_either_way_counts_from_when_it_happened(user, direction, shift, counts):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, kind=K.SUBMISSION, direction=direction, occurred_at=NOW + shift)
    assert aware(user) == ({"Dana": NOW + shift} if counts else {})


@EDGES
@pytest.mark.parametrize("kind", [K.OUTREACH, K.STATUS_UPDATE])
def test_your_outreach_and_status_updates_tell_them(user, kind, shift, counts):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, kind=kind, direction=OUT, occurred_at=NOW + shift)
    assert aware(user) == ({"Dana": NOW + shift} if counts else {})


@pytest.mark.parametrize("kind", [K.OUTREACH, K.STATUS_UPDATE])
def test_their_outreach_or_status_update_tells_them_nothing(user, kind):
    make_interaction(make_recruiter(user), kind=kind, direction=IN, occurred_at=NOW - DAY)
    assert aware(user) == {}


@pytest.mark.parametrize(
    "kind", [k for k in K.values if k not in (K.SUBMISSION, K.OUTREACH, K.STATUS_UPDATE)]
)
def test_other_kinds_of_interaction_do_not_count(user, kind):
    dana = make_recruiter(user)
    for direction in (IN, OUT):
        make_interaction(dana, kind=kind, direction=direction, occurred_at=NOW - DAY)
    assert aware(user) == {}


# Roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [S.SUBMITTED, S.INTERVIEWING, S.OFFER, S.ACCEPTED])
@EDGES
def test_a_role_put_forward_counts_from_its_stage_change(user, stage, shift, counts):
    dana = make_recruiter(user, name="Dana")
    make_role(user, recruiter=dana, stage=stage, stage_changed_at=NOW + shift)
    assert aware(user) == ({"Dana": NOW + shift} if counts else {})


@pytest.mark.parametrize("stage", [S.PITCHED, S.REJECTED, S.WITHDRAWN, S.CLOSED])
def test_a_role_not_put_forward_and_not_submitted_does_not_count(user, stage):
    dana = make_recruiter(user)
    make_role(user, recruiter=dana, stage=stage, stage_changed_at=NOW - 10 * DAY)
    assert aware(user) == {}


@pytest.mark.parametrize("stage", [S.PITCHED, S.REJECTED, S.WITHDRAWN, S.CLOSED])
def test_a_submission_date_counts_whatever_the_stage_now(user, stage):
    dana = make_recruiter(user, name="Dana")
    make_role(user, recruiter=dana, stage=stage, submitted_on=date(2026, 10, 1))
    assert aware(user) == {"Dana": datetime(2026, 10, 1, tzinfo=UTC)}


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/Los_Angeles", date(2026, 11, 1)),  # the clocks go back at 02:00
        ("America/Los_Angeles", date(2026, 11, 2)),  # the first day on standard time
        ("America/Havana", date(2026, 11, 1)),  # midnight happens twice: the first counts
        ("America/Havana", date(2026, 3, 8)),  # midnight never happens: 01:00 starts the day
        ("Pacific/Kiritimati", date(2026, 11, 4)),  # UTC+14: the day began on 3 Nov, 10:00 UTC
        ("Pacific/Pago_Pago", date(2026, 11, 4)),  # UTC-11
        ("Asia/Kathmandu", date(2026, 11, 4)),  # UTC+5:45
    ],
)
@pytest.mark.parametrize(
    ("shift", "counts"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)]
)
def test_a_submission_date_counts_from_local_midnight(user, zone, day, shift, counts):
    set_zone(user, zone)
    midnight = local_midnight(day, zone)
    dana = make_recruiter(user, name="Dana")
    make_role(user, recruiter=dana, stage=S.REJECTED, submitted_on=day)
    assert aware(user, now=midnight + shift) == ({"Dana": midnight} if counts else {})


def test_havana_midnights_are_the_first_moments_of_the_day(user):
    set_zone(user, "America/Havana")
    dana, lee = make_recruiter(user, name="Dana"), make_recruiter(user, name="Lee")
    make_role(user, recruiter=dana, submitted_on=date(2026, 11, 1))
    make_role(user, recruiter=lee, submitted_on=date(2026, 3, 8))
    assert aware(user) == {
        "Dana": datetime(2026, 11, 1, 4, 0, tzinfo=UTC),  # 00:00 CDT, not 00:00 CST
        "Lee": datetime(2026, 3, 8, 5, 0, tzinfo=UTC),  # 01:00 CDT, when the day begins
    }


def test_a_submission_dated_tomorrow_does_not_count_yet(user):
    dana = make_recruiter(user)
    make_role(user, recruiter=dana, stage=S.PITCHED, submitted_on=NOW.date() + DAY)
    assert aware(user) == {}


def test_a_role_of_another_recruiter_or_none_tells_this_one_nothing(user):
    dana, lee = make_recruiter(user, name="Dana"), make_recruiter(user, name="Lee")
    make_role(user, recruiter=lee, stage=S.SUBMITTED, stage_changed_at=NOW - DAY)
    make_role(user, stage=S.INTERVIEWING, submitted_on=date(2026, 10, 1))  # applied directly
    assert aware(user) == {"Lee": NOW - DAY}
    assert dana.pk not in {r.pk for r in rules.aware_of_search(user.profile, NOW)}


# aware_since and the rows ---------------------------------------------------------------


def test_aware_since_is_the_earliest_way_they_learnt_of_it(user):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, kind=K.OUTREACH, direction=OUT, occurred_at=NOW - 20 * DAY)
    make_interaction(dana, kind=K.SUBMISSION, direction=IN, occurred_at=NOW - 5 * DAY)
    make_role(user, recruiter=dana, stage=S.INTERVIEWING, stage_changed_at=NOW - 3 * DAY)
    make_role(user, recruiter=dana, stage=S.REJECTED, submitted_on=date(2026, 10, 1))
    assert aware(user) == {"Dana": datetime(2026, 10, 1, tzinfo=UTC)}


def test_aware_since_ignores_what_comes_after_now(user):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, kind=K.OUTREACH, direction=OUT, occurred_at=NOW + DAY)
    make_interaction(dana, kind=K.SUBMISSION, direction=IN, occurred_at=NOW - DAY)
    make_role(user, recruiter=dana, stage=S.OFFER, stage_changed_at=NOW + MINUTE)
    assert aware(user) == {"Dana": NOW - DAY}


def test_earliest_first_then_by_name(user):
    for name, days in [("Zoe", 9), ("bea", 2), ("Adam", 2), ("Mia", 30)]:
        recruiter = make_recruiter(user, name=name)
        make_interaction(recruiter, kind=K.OUTREACH, direction=OUT, occurred_at=NOW - days * DAY)
    assert list(aware(user)) == ["Mia", "Zoe", "Adam", "bea"]


def test_now_written_in_another_zone_is_the_same_instant(user):
    dana = make_recruiter(user, name="Dana")
    make_interaction(dana, kind=K.SUBMISSION, direction=OUT, occurred_at=NOW)
    assert aware(user, now=NOW.astimezone(ZoneInfo("Asia/Kathmandu"))) == {"Dana": NOW}
    assert aware(user, now=NOW.astimezone(ZoneInfo("Asia/Kathmandu")) - MINUTE) == {}


def test_another_users_recruiters_are_never_returned(user, other_user):
    theirs = make_recruiter(other_user, name="Zebulon")
    make_interaction(theirs, kind=K.SUBMISSION, direction=OUT, occurred_at=NOW - DAY)
    make_role(other_user, recruiter=theirs, stage=S.SUBMITTED, submitted_on=date(2026, 10, 1))
    mine = make_recruiter(user, name="Dana")
    assert aware(user) == {}
    make_interaction(mine, kind=K.OUTREACH, direction=OUT, occurred_at=NOW - DAY)
    assert aware(user) == {"Dana": NOW - DAY}


def test_one_query_however_many_recruiters(user):
    for n in range(12):
        recruiter = make_recruiter(user)
        make_interaction(recruiter, kind=K.OUTREACH, direction=OUT, occurred_at=NOW - n * DAY)
        make_role(user, recruiter=recruiter, submitted_on=date(2026, 9, 1 + n))
    with CaptureQueriesContext(connection) as queries:
        found = list(rules.aware_of_search(user.profile, NOW))
        assert all(r.firm is None for r in found)  # the firm comes with the row
    assert len(found) == 12
    assert len(queries) == 1
