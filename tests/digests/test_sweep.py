"""The periodic sweep fans out in batches; the reminders it syncs are made once per cause."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from recruiters import tasks
from recruiters.models import FollowUp, Interaction
from tests.digests.seed import digest_user
from tests.factories import make_interaction, make_recruiter

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)


def test_the_sweep_queues_batches_not_one_task_per_user(settings):
    settings.DIGEST_BATCH_SIZE = 2
    users = [digest_user(f"u{n}@example.com", hour=8) for n in range(5)]
    digest_user("later@example.com", hour=9)
    with (
        mock.patch.object(tasks.sync_follow_ups, "delay") as sync,
        mock.patch.object(tasks.send_digest_batch, "delay") as send,
    ):
        result = tasks.sweep(now=NOW.isoformat())
    assert [len(call.args[0]) for call in sync.call_args_list] == [2, 2, 2]  # 6 users synced
    assert [call.args[0] for call in send.call_args_list] == [
        [[users[0].pk, "2026-03-12"], [users[1].pk, "2026-03-12"]],
        [[users[2].pk, "2026-03-12"], [users[3].pk, "2026-03-12"]],
        [[users[4].pk, "2026-03-12"]],
    ]
    assert all(call.args[1] == NOW.isoformat() for call in send.call_args_list)
    assert result["synced"] == 6 and len(result["due"]) == 5


def queued_for_sync(now):
    with (
        mock.patch.object(tasks.sync_follow_ups, "delay") as sync,
        mock.patch.object(tasks.send_digest_batch, "delay"),
    ):
        tasks.sweep(now=now.isoformat())
    return sorted(pk for call in sync.call_args_list for pk in call.args[0])


def test_the_sweep_syncs_only_the_users_whose_follow_ups_may_be_out_of_date():
    users = [digest_user(f"s{n}@example.com", hour=3) for n in range(6)]
    assert queued_for_sync(NOW) == sorted(u.pk for u in users)  # never synced
    for user in users:
        tasks.sync_follow_ups.run([user.pk], NOW.isoformat())
    assert queued_for_sync(NOW) == []

    written, pitched = users[0], users[1]
    make_interaction(make_recruiter(written, name="Ann"), occurred_at=NOW - timedelta(days=9))
    pitch = make_interaction(
        make_recruiter(pitched, name="Bo"),
        direction=Interaction.Direction.INBOUND,
        kind=Interaction.Kind.ROLE_PITCH,
        occurred_at=NOW - timedelta(days=1),
    )
    for user in (written, pitched):
        tasks.sync_follow_ups.run([user.pk], NOW.isoformat())
    assert queued_for_sync(NOW) == []
    # The pitch's answer falls due two days after it: that sweep, and only it, syncs Bo's user.
    due = pitch.occurred_at + timedelta(days=2)
    assert queued_for_sync(due - timedelta(minutes=1)) == []
    assert queued_for_sync(due) == [pitched.pk]
    tasks.sync_follow_ups.run([pitched.pk], due.isoformat())
    assert FollowUp.objects.owned_by(pitched).get().rule == FollowUp.Rule.PITCH_ANSWER
    make_interaction(make_recruiter(written, name="Cy"), occurred_at=NOW)  # a write: stale
    assert queued_for_sync(due) == [written.pk]


def test_sync_makes_the_rule_follow_ups_once():
    user = digest_user("pitched@example.com")
    aisha = make_recruiter(user, name="Aisha Bello")
    make_interaction(
        aisha,
        direction=Interaction.Direction.INBOUND,
        kind=Interaction.Kind.ROLE_PITCH,
        occurred_at=NOW - timedelta(days=4),
    )
    assert tasks.sync_follow_ups.run([user.pk], NOW.isoformat()) == 1
    assert tasks.sync_follow_ups.run([user.pk], NOW.isoformat()) == 1
    (follow_up,) = FollowUp.objects.owned_by(user)
    assert follow_up.rule == FollowUp.Rule.PITCH_ANSWER and follow_up.title == "Answer Aisha Bello"
