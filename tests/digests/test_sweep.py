"""The periodic sweep fans out in batches; the reminders it syncs are made once per cause."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from recruiters import tasks
from recruiters.digests import tasks as digest_tasks
from recruiters.models import FollowUp, Interaction
from tests.digests.seed import digest_user
from tests.factories import make_interaction, make_recruiter

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)


def test_the_sweep_queues_batches_not_one_task_per_user(settings):
    settings.DIGEST_BATCH_SIZE = 2
    settings.REMINDER_SYNC_SECONDS = settings.SWEEP_INTERVAL_SECONDS = 600  # all, each time
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


def test_the_sweeps_of_an_hour_take_turns_to_sync_every_user_once(settings):
    settings.SWEEP_INTERVAL_SECONDS, settings.REMINDER_SYNC_SECONDS = 600, 3600
    users = {digest_user(f"s{n}@example.com", hour=3).pk for n in range(13)}
    synced = []
    with (
        mock.patch.object(tasks.sync_follow_ups, "delay") as sync,
        mock.patch.object(tasks.send_digest_batch, "delay"),
    ):
        for sweep in range(6):
            tasks.sweep(now=(NOW + timedelta(minutes=10 * sweep)).isoformat())
    for call in sync.call_args_list:
        synced.extend(call.args[0])
    assert sorted(synced) == sorted(users)


def test_a_batch_queues_one_send_task_per_user():
    with mock.patch.object(digest_tasks.send_digest, "delay") as send:
        digest_tasks.send_digest_batch.run([[1, "2026-03-12"], [2, "2026-W11"]], None)
    assert [call.args for call in send.call_args_list] == [
        (1, "2026-03-12", None),
        (2, "2026-W11", None),
    ]


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
