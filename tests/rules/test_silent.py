"""Silent recruiter (rules.silent_recruiters): an open thread and nothing inbound from them
for longer than the silence threshold, `now - silent_since > threshold days` (elapsed time)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction, Recruiter, Role
from tests.factories import make_interaction, make_recruiter, make_role

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def silent(user, now=NOW):
    return list(rules.silent_recruiters(user.profile, now))


def with_open_role(user, stage=Role.Stage.SUBMITTED, **fields):
    recruiter = make_recruiter(user, **fields)
    make_role(user, recruiter=recruiter, stage=stage)
    return recruiter


def inbound(recruiter, at, **fields):
    return make_interaction(
        recruiter, occurred_at=at, direction=Interaction.Direction.INBOUND, **fields
    )


def outbound(recruiter, at, **fields):
    return make_interaction(
        recruiter, occurred_at=at, direction=Interaction.Direction.OUTBOUND, **fields
    )


# The threshold edge (agency: 7 days) --------------------------------------------------------


def test_silent_exactly_at_the_threshold_is_not_silent(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY)
    inbound(recruiter, NOW - 7 * DAY)
    assert silent(user) == []


def test_silent_one_minute_before_the_threshold_is_not_silent(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY)
    inbound(recruiter, NOW - 7 * DAY + MINUTE)
    assert silent(user) == []


def test_silent_one_minute_after_the_threshold_is_silent(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY)
    inbound(recruiter, NOW - 7 * DAY - MINUTE)
    assert silent(user) == [recruiter]


def test_silent_recruiter_is_annotated_with_since_when_and_its_threshold(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY)
    inbound(recruiter, NOW - 8 * DAY)
    (found,) = silent(user)
    assert found.silent_since == NOW - 8 * DAY
    assert found.silence_threshold == 7


# Thresholds: kind defaults, the profile's settings, the recruiter's override -----------------

KIND_DEFAULTS = [
    (Recruiter.Kind.AGENCY, 7),
    (Recruiter.Kind.IN_HOUSE, 10),
    (Recruiter.Kind.RETAINED, 14),
    (Recruiter.Kind.CONTRACT, 7),
]


@pytest.mark.parametrize(("kind", "days"), KIND_DEFAULTS)
def test_kind_default_exactly_reached_is_not_silent(user, kind, days):
    recruiter = with_open_role(user, kind=kind)
    inbound(recruiter, NOW - days * DAY)
    assert silent(user) == []


@pytest.mark.parametrize(("kind", "days"), KIND_DEFAULTS)
def test_kind_default_passed_by_a_minute_is_silent(user, kind, days):
    recruiter = with_open_role(user, kind=kind)
    inbound(recruiter, NOW - days * DAY - MINUTE)
    assert silent(user) == [recruiter]


@pytest.mark.parametrize(
    ("kind", "setting"),
    [
        (Recruiter.Kind.AGENCY, "silence_days_agency"),
        (Recruiter.Kind.IN_HOUSE, "silence_days_in_house"),
        (Recruiter.Kind.RETAINED, "silence_days_retained"),
        (Recruiter.Kind.CONTRACT, "silence_days_contract"),
    ],
)
def test_the_profile_setting_for_the_kind_is_the_threshold(user, kind, setting):
    profile = user.profile
    setattr(profile, setting, 3)
    profile.save()
    quiet_for_3_days = with_open_role(user, kind=kind, name="Three days")
    inbound(quiet_for_3_days, NOW - 3 * DAY - MINUTE)
    just_at_3_days = with_open_role(user, kind=kind, name="Exactly")
    inbound(just_at_3_days, NOW - 3 * DAY)
    assert silent(user) == [quiet_for_3_days]


def test_per_recruiter_override_shorter_than_the_kind_default_wins(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.RETAINED, silence_threshold_days=2)
    inbound(recruiter, NOW - 2 * DAY - MINUTE)
    assert silent(user) == [recruiter]


def test_per_recruiter_override_longer_than_the_kind_default_wins(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY, silence_threshold_days=20)
    inbound(recruiter, NOW - 19 * DAY)
    assert silent(user) == []


def test_per_recruiter_override_exactly_reached_is_not_silent(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY, silence_threshold_days=20)
    inbound(recruiter, NOW - 20 * DAY)
    assert silent(user) == []


def test_per_recruiter_override_passed_by_a_minute_is_silent(user):
    recruiter = with_open_role(user, kind=Recruiter.Kind.AGENCY, silence_threshold_days=20)
    inbound(recruiter, NOW - 20 * DAY - MINUTE)
    (found,) = silent(user)
    assert found == recruiter and found.silence_threshold == 20


# What is an open thread --------------------------------------------------------------------


def test_no_open_thread_is_not_silent_however_long_the_silence(user):
    recruiter = make_recruiter(user)
    make_role(user, recruiter=recruiter, stage=Role.Stage.PITCHED)
    inbound(recruiter, NOW - 80 * DAY)
    outbound(recruiter, NOW - 79 * DAY)  # said something, asked nothing
    assert silent(user) == []


@pytest.mark.parametrize(
    "stage",
    [
        Role.Stage.PITCHED,
        Role.Stage.ACCEPTED,
        Role.Stage.REJECTED,
        Role.Stage.WITHDRAWN,
        Role.Stage.CLOSED,
    ],
)
def test_a_role_not_in_an_active_stage_is_no_open_thread(user, stage):
    recruiter = with_open_role(user, stage=stage)
    inbound(recruiter, NOW - 30 * DAY)
    assert silent(user) == []


@pytest.mark.parametrize("stage", [Role.Stage.SUBMITTED, Role.Stage.INTERVIEWING, Role.Stage.OFFER])
def test_a_role_submitted_interviewing_or_at_offer_is_an_open_thread(user, stage):
    recruiter = with_open_role(user, stage=stage)
    inbound(recruiter, NOW - 30 * DAY)
    assert silent(user) == [recruiter]


def test_open_role_and_they_never_wrote_counts_from_the_first_contact(user):
    recruiter = with_open_role(user)
    outbound(recruiter, NOW - 7 * DAY - MINUTE)
    outbound(recruiter, NOW - 2 * DAY)
    (found,) = silent(user)
    assert found.silent_since == NOW - 7 * DAY - MINUTE


def test_open_role_and_they_never_wrote_exactly_at_the_threshold_is_not_silent(user):
    recruiter = with_open_role(user)
    outbound(recruiter, NOW - 7 * DAY)
    assert silent(user) == []


def test_open_role_and_no_contact_at_all_is_not_silent(user):
    with_open_role(user)
    assert silent(user) == []


def test_an_unanswered_question_is_an_open_thread(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW - 7 * DAY - MINUTE, expects_reply=True)
    (found,) = silent(user)
    assert found == recruiter and found.silent_since == NOW - 7 * DAY - MINUTE


def test_an_unanswered_question_exactly_at_the_threshold_is_not_silent(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW - 7 * DAY, expects_reply=True)
    assert silent(user) == []


def test_an_unanswered_question_one_minute_before_the_threshold_is_not_silent(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW - 7 * DAY + MINUTE, expects_reply=True)
    assert silent(user) == []


def test_silence_after_questions_counts_from_the_first_unanswered_one(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW - 8 * DAY, expects_reply=True)
    outbound(recruiter, NOW - 1 * DAY, expects_reply=True)
    (found,) = silent(user)
    assert found.silent_since == NOW - 8 * DAY


def test_an_answered_question_is_no_open_thread(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW - 30 * DAY, expects_reply=True)
    inbound(recruiter, NOW - 29 * DAY)
    assert silent(user) == []


def test_an_open_role_counts_from_the_last_inbound_even_with_a_later_question(user):
    recruiter = with_open_role(user)
    inbound(recruiter, NOW - 8 * DAY)
    outbound(recruiter, NOW - 1 * DAY, expects_reply=True)
    (found,) = silent(user)
    assert found.silent_since == NOW - 8 * DAY


# Only interactions up to `now` count --------------------------------------------------------


def test_an_inbound_after_now_does_not_break_the_silence(user):
    recruiter = with_open_role(user)
    inbound(recruiter, NOW - 8 * DAY)
    inbound(recruiter, NOW + MINUTE)
    assert silent(user) == [recruiter]


def test_an_inbound_exactly_at_now_breaks_the_silence(user):
    recruiter = with_open_role(user)
    inbound(recruiter, NOW - 8 * DAY)
    inbound(recruiter, NOW)
    assert silent(user) == []


def test_a_question_after_now_is_no_open_thread_yet(user):
    recruiter = make_recruiter(user)
    outbound(recruiter, NOW + MINUTE, expects_reply=True)
    assert silent(user) == []
    assert silent(user, now=NOW + 7 * DAY + 2 * MINUTE) == [recruiter]


def test_chasers_since_counts_my_touches_since_the_silence_began_up_to_now(user):
    recruiter = with_open_role(user)
    inbound(recruiter, NOW - 10 * DAY)
    outbound(recruiter, NOW - 11 * DAY)  # before the silence: not a chaser
    outbound(recruiter, NOW - 6 * DAY)
    outbound(recruiter, NOW - 2 * DAY)
    outbound(recruiter, NOW + DAY)  # after now: not yet
    (found,) = silent(user)
    assert found.chasers_since == 2


def test_only_the_users_own_recruiters_are_silent(user, other_user):
    theirs = with_open_role(other_user)
    inbound(theirs, NOW - 30 * DAY)
    assert silent(user) == []


# Daylight-saving changes and zones far from UTC: days are elapsed 24-hour days ------------


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        ("Europe/London", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        ("Europe/London", datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 3, 8, 10, 0, tzinfo=UTC)),
        ("America/Los_Angeles", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize(
    ("elapsed", "is_silent"),
    [(7 * DAY - MINUTE, False), (7 * DAY, False), (7 * DAY + MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)
def test_silence_across_a_dst_change_counts_elapsed_days(user, zone, change, elapsed, is_silent):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = with_open_role(user)
    last_word = change - 3 * DAY
    inbound(recruiter, last_word)
    now = (last_word + elapsed).astimezone(ZoneInfo(zone))
    assert silent(user, now=now) == ([recruiter] if is_silent else [])


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("elapsed", "is_silent"),
    [(7 * DAY - MINUTE, False), (7 * DAY, False), (7 * DAY + MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)
def test_silence_in_a_zone_far_from_utc_counts_elapsed_days(user, zone, elapsed, is_silent):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = with_open_role(user)
    last_word = datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo(zone))
    inbound(recruiter, last_word)
    now = (last_word + elapsed).astimezone(ZoneInfo(zone))
    assert silent(user, now=now) == ([recruiter] if is_silent else [])
