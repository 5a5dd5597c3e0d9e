"""Rule-made follow-ups (services.sync_rule_follow_ups): the follow-ups the rules imply are
created exactly once per cause (a unique constraint on owner, rule and rule_key), stay
dismissed or done while their cause lasts, and are closed once their cause is gone."""

import contextlib
import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from recruiters import services
from recruiters.models import FollowUp, Interaction, OwnedQuerySet, Role
from tests.factories import make_follow_up, make_interaction, make_recruiter, make_role

MONDAY = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)  # Friday: Monday's interview is owed
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
OUT, IN = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND


def sync(user, now=NOW):
    return services.sync_rule_follow_ups(user.profile, now)


def rule_made(user, rule=None):
    follow_ups = FollowUp.objects.owned_by(user).exclude(rule="")
    if rule:
        follow_ups = follow_ups.filter(rule=rule)
    return list(follow_ups.order_by("rule", "rule_key"))


def interviewed(user, name="Ann", at=MONDAY):
    """A recruiter, an open role with them and an interview for it: feedback owed Friday."""
    recruiter = make_recruiter(user, name=name)
    role = make_role(user, recruiter=recruiter, title="Staff engineer", stage="interviewing")
    interview = make_interaction(
        recruiter, occurred_at=at, kind=Interaction.Kind.INTERVIEW, role=role
    )
    return recruiter, interview


def pitched(user, name="Bob", at=NOW - 3 * DAY):
    recruiter = make_recruiter(user, name=name)
    role = make_role(user, recruiter=recruiter, title="Data lead")
    pitch = make_interaction(
        recruiter, occurred_at=at, direction=IN, kind=Interaction.Kind.ROLE_PITCH, role=role
    )
    return recruiter, pitch


def waiting_for_news(user, name="Cat"):
    """A recruiter holding a submission, owed an update once you interview elsewhere."""
    recruiter = make_recruiter(user, name=name)
    make_role(user, recruiter=recruiter, stage=Role.Stage.SUBMITTED, title="Platform engineer")
    return recruiter


def interview_elsewhere(user, at, name="Dan"):
    """An interview with a recruiter who holds no open role: owed no update themselves."""
    recruiter = make_recruiter(user, name=name)
    return make_interaction(recruiter, occurred_at=at, kind=Interaction.Kind.INTERVIEW)


def only(follow_ups):
    (follow_up,) = follow_ups
    return follow_up


# What a sync creates --------------------------------------------------------------------


def test_feedback_owed_makes_a_follow_up_owed_by_the_recruiter(user):
    ann, interview = interviewed(user)
    sync(user)
    follow_up = only(rule_made(user))
    assert follow_up.rule == FollowUp.Rule.FEEDBACK_OWED
    assert follow_up.rule_key == str(interview.pk)
    assert follow_up.owed_by == FollowUp.OwedBy.RECRUITER
    assert "feedback" in follow_up.title.lower()
    assert "Ann" in follow_up.title and "Staff engineer" in follow_up.title
    assert follow_up.recruiter == ann and follow_up.role == interview.role
    assert follow_up.due_at == datetime(2026, 6, 12, 0, 0, tzinfo=UTC)  # Friday 00:00
    assert follow_up.state == FollowUp.State.OPEN and follow_up.closed_at is None
    assert "8 Jun" in follow_up.notes


def test_feedback_is_not_followed_up_before_it_is_owed(user):
    interviewed(user)
    assert sync(user, now=datetime(2026, 6, 11, 23, 59, tzinfo=UTC)) == (0, 0)
    assert rule_made(user) == []


def test_feedback_follow_up_is_due_at_local_midnight_in_the_users_zone(user):
    profile = user.profile
    profile.time_zone = "Pacific/Kiritimati"
    profile.save()
    # Monday 08:00 in Kiritimati is Sunday 18:00 UTC; owed from local Friday 00:00.
    interviewed(user, at=datetime(2026, 6, 8, 8, 0, tzinfo=ZoneInfo("Pacific/Kiritimati")))
    friday = datetime.combine(date(2026, 6, 12), time(0), tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert sync(user, now=friday - MINUTE) == (0, 0)
    assert sync(user, now=friday) == (1, 0)
    follow_up = only(rule_made(user))
    assert follow_up.due_at == friday
    assert "8 Jun" in follow_up.notes


def test_an_unanswered_pitch_makes_a_follow_up_owed_by_me(user):
    bob, pitch = pitched(user)
    sync(user)
    follow_up = only(rule_made(user))
    assert follow_up.rule == FollowUp.Rule.PITCH_ANSWER
    assert follow_up.rule_key == str(pitch.pk)
    assert follow_up.owed_by == FollowUp.OwedBy.ME
    assert "Bob" in follow_up.title and "Data lead" in follow_up.title
    assert follow_up.recruiter == bob and follow_up.role == pitch.role
    assert follow_up.due_at == pitch.occurred_at + 2 * DAY


def test_several_unanswered_pitches_make_one_follow_up_from_the_first(user):
    bob, first = pitched(user, at=NOW - 5 * DAY)
    make_interaction(bob, occurred_at=NOW - 3 * DAY, direction=IN, kind="role_pitch")
    sync(user)
    follow_up = only(rule_made(user))
    assert "Bob" in follow_up.title and "Data lead" not in follow_up.title
    assert follow_up.role is None
    assert follow_up.rule_key == str(first.pk)
    assert follow_up.due_at == first.occurred_at + 2 * DAY
    assert "2 pitches" in follow_up.notes


def test_an_update_owed_makes_a_follow_up_owed_by_me(user):
    cat = waiting_for_news(user)
    interviewed(user)  # with Ann: an interview elsewhere for Cat
    sync(user)
    follow_up = only(rule_made(user, FollowUp.Rule.UPDATE_OWED))
    assert follow_up.owed_by == FollowUp.OwedBy.ME
    assert "Cat" in follow_up.title and "update" in follow_up.title.lower()
    assert follow_up.recruiter == cat
    assert follow_up.rule_key == f"{cat.pk}:never"  # keyed by the last update sent: none
    assert follow_up.due_at == MONDAY
    assert "interviewed elsewhere" in follow_up.notes.lower()


def test_an_accepted_offer_and_a_pause_are_named_in_the_update_follow_up(user):
    cat = waiting_for_news(user)
    make_role(
        user,
        recruiter=make_recruiter(user),
        stage=Role.Stage.ACCEPTED,
        stage_changed_at=NOW - 2 * DAY,
    )
    profile = user.profile
    profile.search_paused_at = NOW - DAY
    profile.save()
    sync(user)
    follow_up = only(rule_made(user, FollowUp.Rule.UPDATE_OWED))
    assert follow_up.recruiter == cat and follow_up.due_at == NOW - 2 * DAY
    assert "accepted an offer elsewhere" in follow_up.notes.lower()
    assert "paused your search" in follow_up.notes.lower()


def test_sync_returns_how_many_it_created(user):
    interviewed(user)
    pitched(user)
    waiting_for_news(user)
    assert sync(user) == (3, 0)
    assert len(rule_made(user)) == 3


def test_sync_with_nothing_owed_creates_nothing(user):
    make_recruiter(user)
    assert sync(user) == (0, 0)


# Exactly once -----------------------------------------------------------------------------


def test_running_sync_twice_creates_nothing_new(user):
    interviewed(user)
    pitched(user)
    waiting_for_news(user)
    sync(user)
    before = [(f.pk, f.rule, f.rule_key) for f in rule_made(user)]
    assert sync(user, now=NOW + MINUTE) == (0, 0)
    assert [(f.pk, f.rule, f.rule_key) for f in rule_made(user)] == before


def test_a_dismissed_follow_up_stays_dismissed_while_the_cause_lasts(user):
    interviewed(user)
    sync(user)
    services.dismiss_follow_up(only(rule_made(user)), now=NOW + MINUTE)
    assert sync(user, now=NOW + DAY) == (0, 0)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DISMISSED
    assert follow_up.closed_at == NOW + MINUTE


def test_a_follow_up_marked_done_stays_done_while_the_cause_lasts(user):
    pitched(user)
    sync(user)
    services.complete_follow_up(only(rule_made(user)), now=NOW + MINUTE)
    assert sync(user, now=NOW + DAY) == (0, 0)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DONE and follow_up.closed_at == NOW + MINUTE


def test_a_snoozed_follow_up_stays_snoozed_while_the_cause_lasts(user):
    pitched(user)
    sync(user)
    services.snooze_follow_up(only(rule_made(user)), days=3, now=NOW)
    assert sync(user, now=NOW + DAY) == (0, 0)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.SNOOZED
    assert follow_up.snoozed_until == NOW + 3 * DAY


# Closed once the cause is gone ---------------------------------------------------------


def test_feedback_arriving_closes_the_follow_up_on_the_next_sync(user):
    ann, interview = interviewed(user)
    sync(user)
    make_interaction(
        ann, occurred_at=NOW + MINUTE, direction=IN, kind=Interaction.Kind.INTERVIEW_FEEDBACK
    )
    later = NOW + DAY
    assert sync(user, now=later) == (0, 1)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DONE and follow_up.closed_at == later


def test_answering_the_pitch_closes_the_follow_up_on_the_next_sync(user):
    bob, _ = pitched(user)
    sync(user)
    make_interaction(bob, occurred_at=NOW + MINUTE, direction=OUT)
    assert sync(user, now=NOW + 2 * MINUTE) == (0, 1)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DONE
    assert follow_up.closed_at == NOW + 2 * MINUTE


def test_sending_a_status_update_closes_the_update_follow_up_on_the_next_sync(user):
    cat = waiting_for_news(user)
    interviewed(user)
    sync(user)
    make_interaction(
        cat, occurred_at=NOW + MINUTE, direction=OUT, kind=Interaction.Kind.STATUS_UPDATE
    )
    assert sync(user, now=NOW + 2 * MINUTE) == (0, 1)
    follow_up = only(rule_made(user, FollowUp.Rule.UPDATE_OWED))
    assert follow_up.state == FollowUp.State.DONE
    assert follow_up.closed_at == NOW + 2 * MINUTE


def test_a_cause_resolved_after_now_does_not_close_the_follow_up_yet(user):
    bob, _ = pitched(user)
    sync(user)
    make_interaction(bob, occurred_at=NOW + DAY, direction=OUT)
    assert sync(user, now=NOW + MINUTE) == (0, 0)
    assert only(rule_made(user)).state == FollowUp.State.OPEN


def test_a_snoozed_follow_up_whose_cause_is_gone_is_closed(user):
    bob, _ = pitched(user)
    sync(user)
    services.snooze_follow_up(only(rule_made(user)), days=3, now=NOW)
    make_interaction(bob, occurred_at=NOW + MINUTE, direction=OUT)
    assert sync(user, now=NOW + 2 * MINUTE) == (0, 1)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DONE and follow_up.snoozed_until is None


def test_a_dismissed_follow_up_whose_cause_is_gone_stays_dismissed(user):
    bob, _ = pitched(user)
    sync(user)
    services.dismiss_follow_up(only(rule_made(user)), now=NOW)
    make_interaction(bob, occurred_at=NOW + MINUTE, direction=OUT)
    assert sync(user, now=NOW + 2 * MINUTE) == (0, 0)
    follow_up = only(rule_made(user))
    assert follow_up.state == FollowUp.State.DISMISSED and follow_up.closed_at == NOW


def test_news_after_a_status_update_makes_a_new_update_follow_up(user):
    cat = waiting_for_news(user)
    interview_elsewhere(user, at=NOW - DAY, name="Dan")
    assert sync(user) == (1, 0)
    update = make_interaction(
        cat, occurred_at=NOW + MINUTE, direction=OUT, kind=Interaction.Kind.STATUS_UPDATE
    )
    interview_elsewhere(user, at=NOW + 2 * MINUTE, name="Eve")
    assert sync(user, now=NOW + 3 * MINUTE) == (1, 1)
    old, new = sorted(rule_made(user, FollowUp.Rule.UPDATE_OWED), key=lambda f: f.pk)
    assert old.state == FollowUp.State.DONE
    assert new.state == FollowUp.State.OPEN
    assert new.rule_key == f"{cat.pk}:{update.occurred_at.isoformat()}"
    assert new.due_at == NOW + 2 * MINUTE
    assert update.occurred_at < new.due_at


def test_news_after_a_dismissed_update_follow_up_is_owed_again(user):
    cat = waiting_for_news(user)
    interview_elsewhere(user, at=NOW - DAY, name="Dan")
    sync(user)
    services.dismiss_follow_up(only(rule_made(user)), now=NOW)
    assert sync(user, now=NOW + MINUTE) == (0, 0)  # the same news stays dismissed

    interview_elsewhere(user, at=NOW + 2 * MINUTE, name="Eve")

    assert sync(user, now=NOW + 3 * MINUTE) == (1, 0)
    again = only(rule_made(user, FollowUp.Rule.UPDATE_OWED))  # your decision covered Dan only
    assert (again.state, again.closed_at, again.recruiter) == (FollowUp.State.OPEN, None, cat)
    assert again.due_at == NOW - DAY
    assert again.notes.startswith(f"You interviewed elsewhere {NOW - DAY:%-d %b} and ")


def test_hand_made_follow_ups_are_left_alone(user):
    mine = make_follow_up(user, title="Call Ann back", due_at=NOW - DAY)
    assert sync(user) == (0, 0)
    mine.refresh_from_db()
    assert mine.state == FollowUp.State.OPEN


def test_another_users_rule_made_follow_ups_are_left_alone(user, other_user):
    pitched(other_user)
    services.sync_rule_follow_ups(other_user.profile, NOW)
    assert sync(user) == (0, 0)
    assert only(rule_made(other_user)).state == FollowUp.State.OPEN


# The database holds "exactly once" ---------------------------------------------------------


def rule_follow_up(owner, rule=FollowUp.Rule.PITCH_ANSWER, rule_key="42", **fields):
    return FollowUp.objects.create(
        owner=owner, title="Answer Bob", due_at=NOW, rule=rule, rule_key=rule_key, **fields
    )


def test_the_database_rejects_a_second_follow_up_for_the_same_cause(user):
    rule_follow_up(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule_follow_up(user)
    assert FollowUp.objects.count() == 1


def test_the_database_rejects_a_duplicate_even_if_the_first_was_dismissed(user):
    rule_follow_up(user, state=FollowUp.State.DISMISSED, closed_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        rule_follow_up(user)


def test_the_same_key_under_another_rule_or_for_another_owner_is_allowed(user, other_user):
    rule_follow_up(user)
    rule_follow_up(user, rule=FollowUp.Rule.FEEDBACK_OWED)
    rule_follow_up(other_user)
    assert FollowUp.objects.count() == 3


def test_hand_made_follow_ups_are_not_held_to_one_per_cause(user):
    make_follow_up(user, title="Call Ann")
    make_follow_up(user, title="Call Ann")
    assert FollowUp.objects.owned_by(user).count() == 2


# Concurrent sweeps -------------------------------------------------------------------------


def sync_in_thread(profile, now, barrier, results, errors):
    """One sweep on this thread's own connection, started together with the others.

    SQLite serialises writers: a sweep that finds the database locked is retried whole (it
    is one transaction, rolled back on the error). PostgreSQL lets both sweeps run at once.
    """
    try:
        barrier.wait(timeout=30)
        for attempt in range(3000):  # up to 30 s: the other may hold the lock at a barrier
            try:
                results.append(services.sync_rule_follow_ups(profile, now))
                return
            except OperationalError as error:
                if "locked" not in str(error) or attempt == 2999:
                    raise
                clock.sleep(0.01)
    except BaseException as error:  # reported by the test, not lost in the thread
        errors.append(error)
    finally:
        connection.close()


def forget_follow_ups(user):
    """Undo the sync that ran when the setup's writes committed (these tests commit): the
    syncs under test start from no follow-ups."""
    FollowUp.objects.owned_by(user).delete()


@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_create_each_follow_up_exactly_once(user):
    for n in range(3):
        interviewed(user, name=f"Interviewer {n}")
        pitched(user, name=f"Pitcher {n}")
        waiting_for_news(user, name=f"Waiting {n}")
    forget_follow_ups(user)
    expected = len(services.rule_obligations(user.profile, NOW))
    assert expected == 3 + 3 + 6  # every holder of an open role hears of the others' interviews
    threads, results, errors = 4, [], []
    barrier = threading.Barrier(threads)
    workers = [
        threading.Thread(target=sync_in_thread, args=(user.profile, NOW, barrier, results, errors))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not any(worker.is_alive() for worker in workers)
    assert errors == []
    assert len(results) == threads
    follow_ups = rule_made(user)
    causes = [(f.rule, f.rule_key) for f in follow_ups]
    assert len(causes) == len(set(causes)) == expected
    assert all(f.state == FollowUp.State.OPEN for f in follow_ups)
    assert all(closed == 0 for _, closed in results)


@pytest.mark.django_db(transaction=True)
def test_concurrent_syncs_report_each_creation_once(user, monkeypatch):
    """Two sweeps that have both counted the follow-ups and both reached their insert:
    one inserts, the other inserts nothing (the unique constraint), so their (created, _)
    counts add up to the follow-ups made. The two sweeps are held at the insert together;
    on SQLite, where writers are serialised, the loser's retry sees the winner's rows."""
    for n in range(2):
        pitched(user, name=f"Pitcher {n}")
    forget_follow_ups(user)
    at_insert, crossed = threading.Barrier(2), threading.Event()
    original = OwnedQuerySet.bulk_create

    def held_at_insert(queryset, *args, **kwargs):
        if not crossed.is_set():  # once: a retry on SQLite goes straight through
            with contextlib.suppress(threading.BrokenBarrierError):
                at_insert.wait(timeout=10)
            crossed.set()
        return original(queryset, *args, **kwargs)

    monkeypatch.setattr(OwnedQuerySet, "bulk_create", held_at_insert)
    barrier, results, errors = threading.Barrier(2), [], []
    workers = [
        threading.Thread(target=sync_in_thread, args=(user.profile, NOW, barrier, results, errors))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert len(rule_made(user)) == 2
    assert sorted(created for created, _ in results) == [0, 2]
