"""Celery tasks of the digest: fan-out batches, one send per user, and the test digest.

recruiters.tasks.sweep (beat) finds the due digests and queues `send_digest_batch` tasks of
at most conf.batch_size() users each; each batch queues one `send_digest` per user, so that
every digest has its own acknowledgement and retries. `now` (an ISO 8601 string) is for
tests that control the clock; in production it is left out and each task reads the clock.
"""

import smtplib
import uuid
from datetime import UTC, datetime

from celery import shared_task
from django import db
from django.utils import timezone

from recruiters.digests import delivery

# SMTP refused, timed out or unreachable, or the database briefly unavailable or locked:
# worth retrying. (smtplib.SMTPException is an OSError too; listed for the reader.)
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OSError,
    db.OperationalError,
    db.InterfaceError,
)


def parse_now(now):
    """The clock of a task: the ISO string given (tests), else the real time."""
    if not now:
        return timezone.now()
    moment = datetime.fromisoformat(now)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


@shared_task(acks_late=True)
def send_digest_batch(items, now=None):
    """Queue one send_digest per [user_id, period] of `items`."""
    for user_id, period in items:
        send_digest.delay(user_id, period, now)
    return len(items)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_digest(self, user_id, period, now=None):
    """Claim, render and send one digest (recruiters.digests.delivery.deliver).

    The claim is made in the name of this task's id, which its retries keep: a retry may
    take its own claim back, any other task only a claim older than the lease.
    """
    claimer = self.request.id or f"direct-{uuid.uuid4()}"
    return delivery.deliver(user_id, period, now=parse_now(now), claimer=claimer)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def send_test_digest(user_id, now=None):
    """The "send me a test digest now" button: no Digest row, the real one is unaffected."""
    return delivery.send_test(user_id, now=parse_now(now) if now else None)
