"""You owe an update (rules.updates_owed) and you owe an answer (rules.unanswered_pitches).

updates_owed: a recruiter holding an open role with you is owed an outbound "status update"
when, after your last one to them (or ever), you accepted an offer they do not present,
paused your search, or interviewed with another recruiter within the rolling window.
unanswered_pitches: an inbound pitch with nothing outbound to that recruiter after it, for
`pitch_answer_days` (2) days or more."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction, Role
from tests.factories import make_interaction, make_recruiter, make_role

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
EVENT_AT = NOW - 5 * DAY
OUT, IN = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND


def owed_updates(user, now=NOW):
    return list(rules.updates_owed(user.profile, now))


def pitches(user, now=NOW):
    return list(rules.unanswered_pitches(user.profile, now))


def holding_open_role(user, stage=Role.Stage.SUBMITTED, **fields):
    recruiter = make_recruiter(user, **fields)
    make_role(user, recruiter=recruiter, stage=stage)
    return recruiter


def accept_offer(user, recruiter, at=EVENT_AT):
    return make_role(user, recruiter=recruiter, stage=Role.Stage.ACCEPTED, stage_changed_at=at)


def pause_search(user, at=EVENT_AT):
    profile = user.profile
    profile.search_paused_at = at
    profile.save()


def interview(recruiter, at=EVENT_AT):
    return make_interaction(recruiter, occurred_at=at, kind=Interaction.Kind.INTERVIEW)


def status_update(recruiter, at, direction=OUT, kind=Interaction.Kind.STATUS_UPDATE):
    return make_interaction(recruiter, occurred_at=at, direction=direction, kind=kind)


# Accepted an offer elsewhere ----------------------------------------------------------------


def test_accepting_an_offer_elsewhere_owes_an_update_to_a_recruiter_with_an_open_role(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    (found,) = owed_updates(user)
    assert found == waiting
    assert found.accepted_elsewhere_at == EVENT_AT and found.last_update_at is None


def test_updates_owed_is_annotated_with_the_news_they_have_not_been_told(user):
    waiting = holding_open_role(user)
    interview(make_recruiter(user), at=EVENT_AT + DAY)
    accept_offer(user, make_recruiter(user), at=EVENT_AT)
    (found,) = owed_updates(user)
    assert found == waiting
    assert (found.accepted_elsewhere_at, found.interview_elsewhere_at) == (EVENT_AT, EVENT_AT + DAY)
    assert (found.last_update_at, found.paused_owed) == (None, False)


def test_an_offer_accepted_exactly_at_now_owes_an_update(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user), at=NOW)
    assert owed_updates(user) == [waiting]


def test_an_offer_accepted_after_now_owes_nothing_yet(user):
    holding_open_role(user)
    accept_offer(user, make_recruiter(user), at=NOW + MINUTE)
    assert owed_updates(user) == []


def test_the_presenting_recruiter_of_the_accepted_role_is_not_owed_an_update(user):
    presenter = holding_open_role(user)  # another open role with them
    accept_offer(user, presenter)
    assert owed_updates(user) == []


def test_an_offer_accepted_without_a_recruiter_owes_an_update_to_every_recruiter(user):
    waiting = holding_open_role(user)
    accept_offer(user, None)  # applied directly: no recruiter presents it
    assert owed_updates(user) == [waiting]


@pytest.mark.parametrize(
    "stage",
    [Role.Stage.PITCHED, Role.Stage.REJECTED, Role.Stage.WITHDRAWN, Role.Stage.CLOSED],
)
def test_a_recruiter_without_an_open_role_is_not_owed_an_update(user, stage):
    holding_open_role(user, stage=stage)
    accept_offer(user, make_recruiter(user))
    assert owed_updates(user) == []


@pytest.mark.parametrize("stage", [Role.Stage.SUBMITTED, Role.Stage.INTERVIEWING, Role.Stage.OFFER])
def test_a_role_submitted_interviewing_or_at_offer_is_an_open_role(user, stage):
    waiting = holding_open_role(user, stage=stage)
    accept_offer(user, make_recruiter(user))
    assert owed_updates(user) == [waiting]


def test_a_later_outbound_status_update_clears_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, EVENT_AT + MINUTE)
    assert owed_updates(user) == []


def test_a_status_update_at_the_same_instant_as_the_acceptance_clears_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, EVENT_AT)
    assert owed_updates(user) == []


def test_a_status_update_before_the_acceptance_does_not_clear_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, EVENT_AT - MINUTE)
    (found,) = owed_updates(user)
    assert found == waiting and found.last_update_at == EVENT_AT - MINUTE


def test_a_status_update_after_now_does_not_clear_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, NOW + MINUTE)
    assert owed_updates(user) == [waiting]


def test_an_inbound_status_update_does_not_clear_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, EVENT_AT + DAY, direction=IN)
    assert owed_updates(user) == [waiting]


def test_an_outbound_of_another_kind_does_not_clear_it(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    status_update(waiting, EVENT_AT + DAY, kind=Interaction.Kind.CHECK_IN)
    assert owed_updates(user) == [waiting]


def test_a_status_update_to_another_recruiter_does_not_clear_it(user):
    waiting = holding_open_role(user)
    other = make_recruiter(user)
    accept_offer(user, other)
    status_update(other, EVENT_AT + DAY)
    assert owed_updates(user) == [waiting]


def test_only_the_users_own_accepted_offers_count(user, other_user):
    holding_open_role(user)
    accept_offer(other_user, make_recruiter(other_user))
    assert owed_updates(user) == []


# Paused search ----------------------------------------------------------------------------


def test_pausing_the_search_owes_an_update(user):
    waiting = holding_open_role(user)
    pause_search(user)
    (found,) = owed_updates(user)
    assert found == waiting and found.paused_owed is True


def test_pausing_the_search_exactly_at_now_owes_an_update(user):
    waiting = holding_open_role(user)
    pause_search(user, at=NOW)
    assert owed_updates(user) == [waiting]


def test_a_pause_after_now_owes_nothing_yet(user):
    holding_open_role(user)
    pause_search(user, at=NOW + MINUTE)
    assert owed_updates(user) == []


def test_a_status_update_after_the_pause_clears_it(user):
    waiting = holding_open_role(user)
    pause_search(user)
    status_update(waiting, EVENT_AT + MINUTE)
    assert owed_updates(user) == []


def test_a_status_update_at_the_same_instant_as_the_pause_clears_it(user):
    waiting = holding_open_role(user)
    pause_search(user)
    status_update(waiting, EVENT_AT)
    assert owed_updates(user) == []


def test_a_status_update_before_the_pause_does_not_clear_it(user):
    waiting = holding_open_role(user)
    pause_search(user)
    status_update(waiting, EVENT_AT - MINUTE)
    assert owed_updates(user) == [waiting]


def test_a_paused_search_owes_nothing_to_recruiters_without_open_roles(user):
    holding_open_role(user, stage=Role.Stage.PITCHED)
    pause_search(user)
    assert owed_updates(user) == []


# Interview elsewhere, within the rolling window --------------------------------------------


def test_an_interview_elsewhere_owes_an_update(user):
    waiting = holding_open_role(user)
    interview(make_recruiter(user))
    (found,) = owed_updates(user)
    assert found == waiting and found.interview_elsewhere_at == EVENT_AT


def test_an_interview_with_the_same_recruiter_owes_them_no_update(user):
    waiting = holding_open_role(user)
    interview(waiting)
    assert owed_updates(user) == []


def test_an_interview_elsewhere_is_owed_to_others_not_to_the_interviewing_recruiter(user):
    waiting = holding_open_role(user, name="A waiting")
    interviewing = holding_open_role(user, name="B interviewing")
    interview(interviewing)
    assert owed_updates(user) == [waiting]


def test_a_status_update_after_the_interview_clears_it(user):
    waiting = holding_open_role(user)
    interview(make_recruiter(user))
    status_update(waiting, EVENT_AT + MINUTE)
    assert owed_updates(user) == []


def test_a_status_update_at_the_same_instant_as_the_interview_clears_it(user):
    waiting = holding_open_role(user)
    interview(make_recruiter(user))
    status_update(waiting, EVENT_AT)
    assert owed_updates(user) == []


def test_a_new_interview_after_the_status_update_owes_a_new_one(user):
    waiting = holding_open_role(user)
    elsewhere = make_recruiter(user)
    interview(elsewhere, at=EVENT_AT)
    status_update(waiting, EVENT_AT + DAY)
    interview(elsewhere, at=EVENT_AT + 2 * DAY)
    (found,) = owed_updates(user)
    assert found.interview_elsewhere_at == EVENT_AT + 2 * DAY
    assert found.last_update_at == EVENT_AT + DAY


def test_an_interview_after_now_owes_nothing_yet(user):
    holding_open_role(user)
    interview(make_recruiter(user), at=NOW + MINUTE)
    assert owed_updates(user) == []


@pytest.mark.parametrize(
    ("age", "is_owed"),
    [(90 * DAY - MINUTE, True), (90 * DAY, False), (90 * DAY + MINUTE, False)],
    ids=["one_minute_inside", "exactly_window_days_ago", "one_minute_outside"],
)
def test_an_interview_elsewhere_counts_within_the_window_only(user, age, is_owed):
    waiting = holding_open_role(user)
    interview(make_recruiter(user), at=NOW - age)
    assert owed_updates(user) == ([waiting] if is_owed else [])


def test_the_interview_window_comes_from_the_profile(user):
    profile = user.profile
    profile.one_sided_window_days = 3
    profile.save()
    holding_open_role(user)
    interview(make_recruiter(user), at=NOW - 3 * DAY)
    assert owed_updates(user) == []


def test_an_accepted_offer_is_owed_however_long_ago(user):
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user), at=NOW - 400 * DAY)
    assert owed_updates(user) == [waiting]


@pytest.mark.parametrize(
    ("age", "is_owed"),
    [(90 * DAY - MINUTE, True), (90 * DAY, False)],
    ids=["one_minute_inside", "exactly_window_days_ago"],
)
def test_the_interview_window_across_a_dst_change_is_elapsed_days(user, age, is_owed):
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    waiting = holding_open_role(user)
    now = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)  # the window holds 29 March
    interview(make_recruiter(user), at=now - age)
    assert owed_updates(user, now=now) == ([waiting] if is_owed else [])


def test_updates_owed_same_instant_given_in_the_users_zone_gives_the_same_answer(user):
    """An interview 90 x 24 hours less a minute before `now`, across the spring change in
    London, is inside the window whether `now` is written in UTC or in Europe/London."""
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    waiting = holding_open_role(user)
    now = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)
    interview(make_recruiter(user), at=now - 90 * DAY + MINUTE)
    assert owed_updates(user, now=now) == [waiting]
    assert owed_updates(user, now=now.astimezone(ZoneInfo("Europe/London"))) == [waiting]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo"])
def test_updates_owed_accepts_now_written_in_a_zone_far_from_utc(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    waiting = holding_open_role(user)
    accept_offer(user, make_recruiter(user))
    assert owed_updates(user, now=NOW.astimezone(ZoneInfo(zone))) == [waiting]


# Unanswered pitches -------------------------------------------------------------------------


def pitch(recruiter, at, direction=IN, **fields):
    return make_interaction(
        recruiter, occurred_at=at, direction=direction, kind=Interaction.Kind.ROLE_PITCH, **fields
    )


def answer(recruiter, at, **fields):
    return make_interaction(recruiter, occurred_at=at, direction=OUT, **fields)


@pytest.mark.parametrize(
    ("age", "fires"),
    [(2 * DAY - MINUTE, False), (2 * DAY, True), (2 * DAY + MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)
def test_an_unanswered_pitch_at_the_two_day_edge(user, age, fires):
    pitched = pitch(make_recruiter(user), NOW - age)
    assert pitches(user) == ([pitched] if fires else [])


def test_pitch_answer_days_come_from_the_profile(user):
    profile = user.profile
    profile.pitch_answer_days = 5
    profile.save()
    recruiter = make_recruiter(user)
    pitch(recruiter, NOW - 5 * DAY + MINUTE)
    assert pitches(user) == []
    assert len(pitches(user, now=NOW + MINUTE)) == 1


def test_any_outbound_after_the_pitch_answers_it(user):
    recruiter = make_recruiter(user)
    pitch(recruiter, NOW - 3 * DAY)
    answer(recruiter, NOW - 3 * DAY + MINUTE, kind=Interaction.Kind.OTHER)
    assert pitches(user) == []


def test_a_late_answer_still_answers_the_pitch(user):
    recruiter = make_recruiter(user)
    pitch(recruiter, NOW - 30 * DAY)
    answer(recruiter, NOW)
    assert pitches(user) == []


def test_an_outbound_at_the_same_instant_does_not_answer_the_pitch(user):
    recruiter = make_recruiter(user)
    pitched = pitch(recruiter, NOW - 3 * DAY)
    answer(recruiter, NOW - 3 * DAY)
    assert pitches(user) == [pitched]


def test_an_outbound_before_the_pitch_does_not_answer_it(user):
    recruiter = make_recruiter(user)
    pitched = pitch(recruiter, NOW - 3 * DAY)
    answer(recruiter, NOW - 3 * DAY - MINUTE)
    assert pitches(user) == [pitched]


def test_an_outbound_after_now_does_not_answer_the_pitch(user):
    recruiter = make_recruiter(user)
    pitched = pitch(recruiter, NOW - 3 * DAY)
    answer(recruiter, NOW + MINUTE)
    assert pitches(user) == [pitched]


def test_an_outbound_to_another_recruiter_does_not_answer_the_pitch(user):
    recruiter = make_recruiter(user)
    pitched = pitch(recruiter, NOW - 3 * DAY)
    answer(make_recruiter(user), NOW - DAY)
    assert pitches(user) == [pitched]


def test_a_later_inbound_does_not_answer_the_pitch(user):
    recruiter = make_recruiter(user)
    pitched = pitch(recruiter, NOW - 3 * DAY)
    make_interaction(recruiter, occurred_at=NOW - DAY, direction=IN)
    assert pitches(user) == [pitched]


def test_my_own_pitch_is_not_owed_an_answer(user):
    pitch(make_recruiter(user), NOW - 3 * DAY, direction=OUT)
    assert pitches(user) == []


def test_other_inbound_kinds_are_not_pitches(user):
    make_interaction(make_recruiter(user), occurred_at=NOW - 3 * DAY, direction=IN)
    assert pitches(user) == []


def test_one_answer_answers_every_earlier_pitch_of_that_recruiter(user):
    recruiter = make_recruiter(user)
    pitch(recruiter, NOW - 5 * DAY)
    pitch(recruiter, NOW - 4 * DAY)
    answer(recruiter, NOW - 3 * DAY)
    later = pitch(recruiter, NOW - 2 * DAY)
    assert pitches(user) == [later]


def test_unanswered_pitches_are_only_the_users_own(user, other_user):
    pitch(make_recruiter(other_user), NOW - 3 * DAY)
    assert pitches(user) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("age", "fires"),
    [(2 * DAY - MINUTE, False), (2 * DAY, True), (2 * DAY + MINUTE, True)],
    ids=["one_minute_before", "exactly", "one_minute_after"],
)
def test_an_unanswered_pitch_in_a_zone_far_from_utc(user, zone, age, fires):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    at = datetime(2026, 6, 8, 23, 30, tzinfo=ZoneInfo(zone))
    pitched = pitch(make_recruiter(user), at)
    assert pitches(user, now=at + age) == ([pitched] if fires else [])


@pytest.mark.parametrize(
    ("age", "fires"),
    [(2 * DAY - MINUTE, False), (2 * DAY, True)],
    ids=["one_minute_before", "exactly"],
)
def test_an_unanswered_pitch_across_a_dst_change_counts_elapsed_days(user, age, fires):
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    at = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    pitched = pitch(make_recruiter(user), at)
    assert pitches(user, now=at + age) == ([pitched] if fires else [])


def test_unanswered_pitch_same_instant_given_in_the_users_zone_gives_the_same_answer(user):
    """47 hours 59 minutes across the spring change in London: not yet owed, whether `now` is
    written in UTC or in Europe/London."""
    profile = user.profile
    profile.time_zone = "Europe/London"
    profile.save()
    at = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    pitch(make_recruiter(user), at)
    now = at + 2 * DAY - MINUTE
    assert pitches(user, now=now) == []
    assert pitches(user, now=now.astimezone(ZoneInfo("Europe/London"))) == []
