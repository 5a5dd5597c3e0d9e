"""One digest per user and period reaches the SMTP server: with the sweep run twice, with two
workers at once, and with a worker killed in the middle of a send."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from recruiters.digests.tasks import send_digest
from recruiters.models import Digest
from tests.digests.conftest import wait_until
from tests.digests.seed import digest_user

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)  # 08:05 in UTC: the users' digest hour
PERIOD = "2026-03-12"


def due_user(email):
    return digest_user(email, time_zone="UTC", hour=8, digest_when_all_clear=True)


def test_the_sweep_run_twice_sends_once(worker, smtp, sweep_at):
    user = due_user("twice@example.com")
    # Twice in a row, before the worker has claimed anything: both queue a send.
    assert sweep_at(NOW)["due"] == [(user.pk, PERIOD)]
    assert sweep_at(NOW)["due"] == [(user.pk, PERIOD)]
    smtp.wait_for(1)
    worker.drain()
    # And again once it is claimed and sent, later in the same hour: nothing is due.
    assert sweep_at(NOW + timedelta(minutes=20))["due"] == []
    worker.drain()
    assert len(smtp.messages()) == 1
    # The worker marks the digest sent after the SMTP server has it: wait for that state.
    digest = wait_until(
        lambda: Digest.objects.filter(user=user, state="sent").first(), message="digest sent"
    )
    assert (digest.period, digest.attempts) == (PERIOD, 1)


def test_two_workers_at_once_send_each_digest_once(worker, smtp, sweep_at):
    worker.start("second")
    users = [due_user(f"pair{n}@example.com") for n in range(12)]
    # Every digest queued three times over: two sweeps and one more send each, for two
    # workers to race over.
    sweep_at(NOW)
    sweep_at(NOW)
    for user in users:
        send_digest.delay(user.pk, PERIOD, NOW.isoformat())
    smtp.wait_for(len(users))
    worker.drain()
    per_address = Counter(str(message["To"]) for message in smtp.messages())
    assert per_address == Counter({user.email: 1 for user in users})
    wait_until(
        lambda: Digest.objects.filter(state="sent").count() == len(users),
        message=f"{len(users)} digests marked sent",
    )
    for name in ("main", "second"):  # both really took part
        assert "recruiters.digests.tasks.send_digest" in worker.log(name)


def test_a_worker_killed_mid_send_leaves_a_claim_that_is_sent_once_after_the_lease(
    worker, smtp, sweep_at
):
    user = due_user("killed@example.com")
    smtp.hold(user.email)  # the SMTP server keeps this message in its DATA phase
    sweep_at(NOW)
    wait_until(smtp.handler.held.is_set, message="the send to reach the DATA phase")
    claim = Digest.objects.get(user=user)
    assert claim.state == "claimed"

    worker.kill("main")  # SIGKILL, mid-send
    wait_until(smtp.handler.dropped.is_set, message="the SMTP server to see the client go")
    smtp.release()
    assert smtp.messages() == []  # the connection dropped before "250": not delivered
    worker.forget_unacked()
    worker.start("main")

    # Within the lease, the claim is left alone: its worker might still be sending.
    result = sweep_at(NOW + timedelta(minutes=5))
    assert result["due"] == [] and result["stale"] == []
    # After it, the next sweep takes the claim over and the digest goes out, once.
    result = sweep_at(NOW + timedelta(minutes=16))
    assert result["stale"] == [(user.pk, PERIOD)]
    smtp.wait_for(1)
    worker.drain()
    assert sweep_at(NOW + timedelta(minutes=40))["stale"] == []
    worker.drain()
    assert len(smtp.messages()) == 1
    digest = wait_until(
        lambda: Digest.objects.filter(user=user, state="sent").first(), message="digest sent"
    )
    assert digest.claimed_by != claim.claimed_by
