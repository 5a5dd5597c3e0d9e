"""Awaiting reply (rules.awaiting_reply): an outbound interaction that asked something with no
inbound interaction from that recruiter strictly after it, up to `now`."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiters import rules
from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
ASKED_AT = NOW - 3 * DAY


def awaiting(user, now=NOW):
    return list(rules.awaiting_reply(user.profile, now))


def ask(recruiter, at=ASKED_AT, **fields):
    return make_interaction(
        recruiter,
        occurred_at=at,
        direction=Interaction.Direction.OUTBOUND,
        expects_reply=True,
        **fields,
    )


def reply(recruiter, at, **fields):
    return make_interaction(
        recruiter, occurred_at=at, direction=Interaction.Direction.INBOUND, **fields
    )


def test_a_question_without_reply_is_awaiting_reply(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    (found,) = awaiting(user)
    assert found == recruiter and found.awaiting_reply_since == ASKED_AT


def test_an_outbound_that_asked_nothing_awaits_no_reply(user):
    recruiter = make_recruiter(user)
    make_interaction(recruiter, occurred_at=ASKED_AT, direction=Interaction.Direction.OUTBOUND)
    assert awaiting(user) == []


def test_an_inbound_that_expects_a_reply_is_not_awaiting_theirs(user):
    recruiter = make_recruiter(user)
    reply(recruiter, ASKED_AT, expects_reply=True)
    assert awaiting(user) == []


def test_awaiting_reply_is_cleared_by_a_later_inbound(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(recruiter, ASKED_AT + MINUTE)
    assert awaiting(user) == []


def test_awaiting_reply_is_not_cleared_by_an_inbound_at_the_same_instant(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(recruiter, ASKED_AT)
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_is_not_cleared_by_an_inbound_one_minute_before(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(recruiter, ASKED_AT - MINUTE)
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_is_not_cleared_by_another_recruiters_reply(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(make_recruiter(user), ASKED_AT + DAY)
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_is_not_cleared_by_my_own_later_outbound(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    make_interaction(
        recruiter, occurred_at=ASKED_AT + DAY, direction=Interaction.Direction.OUTBOUND
    )
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_is_not_cleared_by_a_reply_after_now(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(recruiter, NOW + MINUTE)
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_is_cleared_by_a_reply_exactly_at_now(user):
    recruiter = make_recruiter(user)
    ask(recruiter)
    reply(recruiter, NOW)
    assert awaiting(user) == []


def test_a_question_after_now_is_not_awaiting_reply_yet(user):
    recruiter = make_recruiter(user)
    ask(recruiter, at=NOW + MINUTE)
    assert awaiting(user) == []


def test_a_question_asked_exactly_at_now_is_awaiting_reply(user):
    recruiter = make_recruiter(user)
    ask(recruiter, at=NOW)
    assert awaiting(user) == [recruiter]


def test_awaiting_reply_since_is_the_first_unanswered_question(user):
    recruiter = make_recruiter(user)
    ask(recruiter, at=NOW - 10 * DAY)  # answered
    reply(recruiter, NOW - 9 * DAY)
    ask(recruiter, at=NOW - 5 * DAY)
    ask(recruiter, at=NOW - 2 * DAY)
    (found,) = awaiting(user)
    assert found.awaiting_reply_since == NOW - 5 * DAY


def test_a_reply_between_two_questions_answers_only_the_first(user):
    recruiter = make_recruiter(user)
    ask(recruiter, at=NOW - 5 * DAY)
    reply(recruiter, NOW - 4 * DAY)
    ask(recruiter, at=NOW - 2 * DAY)
    (found,) = awaiting(user)
    assert found.awaiting_reply_since == NOW - 2 * DAY


def test_awaiting_reply_lists_the_longest_waiting_first(user):
    recent = make_recruiter(user, name="Recent")
    ask(recent, at=NOW - DAY)
    old = make_recruiter(user, name="Old")
    ask(old, at=NOW - 9 * DAY)
    assert awaiting(user) == [old, recent]


def test_awaiting_reply_is_only_about_the_users_own_recruiters(user, other_user):
    ask(make_recruiter(other_user))
    assert awaiting(user) == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"])
def test_awaiting_reply_compares_instants_whatever_the_zone(user, zone):
    profile = user.profile
    profile.time_zone = zone
    profile.save()
    recruiter = make_recruiter(user)
    asked = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # London: just before the clocks go on
    ask(recruiter, at=asked)
    reply(recruiter, asked)  # same instant: no answer
    now = (asked + DAY).astimezone(ZoneInfo(zone))
    assert awaiting(user, now=now) == [recruiter]
    reply(recruiter, asked + MINUTE)
    assert awaiting(user, now=now) == []
