"""SMTP down, then back: the digest is retried with backoff and arrives once it returns.
If the retries run out first, the claim stays and a sweep after the lease takes it over."""

from datetime import UTC, datetime, timedelta

import pytest

from recruiters.digests import delivery, schedule
from recruiters.digests.tasks import send_digest
from recruiters.models import Digest
from tests.digests.conftest import free_port, wait_until
from tests.digests.seed import digest_user

NOW = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)
PERIOD = "2026-03-12"


@pytest.mark.django_db(transaction=True)
def test_smtp_down_then_back_the_digest_arrives_once(worker, smtp, sweep_at):
    user = digest_user("patient@example.com", hour=8, digest_when_all_clear=True)
    smtp.stop()
    sweep_at(NOW)

    def failed_twice():
        digest = Digest.objects.filter(user=user).first()
        return digest and digest.attempts >= 2 and digest

    digest = wait_until(failed_twice, message="two failed attempts")
    assert digest.state == "claimed"
    assert "refused" in digest.last_error.lower()
    # Retries renew the claim: a sweep meanwhile leaves it to them.
    assert sweep_at(NOW + timedelta(minutes=5))["stale"] == []

    smtp.start()
    smtp.wait_for(1, timeout=40)
    worker.drain(timeout=40)
    assert len(smtp.messages()) == 1
    digest = wait_until(
        lambda: Digest.objects.filter(pk=digest.pk, state="sent").first(), message="digest sent"
    )
    assert digest.attempts >= 3 and digest.last_error == ""
    assert "Retry in" in worker.log("main")


@pytest.mark.django_db
def test_when_the_retries_run_out_the_claim_waits_for_the_next_sweep(settings):
    """No worker here: the send task runs in this process against a closed port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    user = digest_user("later@example.com", hour=8, digest_when_all_clear=True)
    with pytest.raises(ConnectionRefusedError):
        send_digest.run(user.pk, PERIOD, NOW.isoformat())
    digest = Digest.objects.get(user=user)
    assert (digest.state, digest.attempts) == ("claimed", 1)
    assert schedule.stale_claims(NOW + timedelta(minutes=14)) == []
    assert schedule.stale_claims(NOW + timedelta(minutes=16)) == [(user.pk, PERIOD)]
    # The next send task, from that sweep, takes the claim over and sends.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = delivery.deliver(user.pk, PERIOD, now=NOW + timedelta(minutes=16), claimer="next")
    assert outcome == delivery.SENT
    digest.refresh_from_db()
    assert (digest.state, digest.attempts, digest.claimed_by) == ("sent", 2, "next")
