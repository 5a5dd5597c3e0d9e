"""Celery tasks of the digest: batches, one send per user for retries, the test digest.

recruiters.tasks.sweep (beat) finds the due digests and queues `send_digest_batch` tasks of
at most conf.batch_size() users each. A batch claims, composes and sends its digests
together (delivery.deliver_batch: one set of queries for the whole batch); a digest that
fails gets a `send_digest` of its own, which takes the batch's claim over and retries
with backoff. `now` (an ISO 8601 string) is for tests that control the clock; in
production it is left out and each task reads the clock.
"""

import logging
import smtplib
import uuid
from datetime import UTC, datetime

from celery import shared_task
from django import db
from django.utils import timezone

from recruiters.digests import delivery

log = logging.getLogger(__name__)

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


def claimer_of(task):
    """Whose claims a task makes: its id, which Celery keeps across retries and redelivery."""
    return task.request.id or f"direct-{uuid.uuid4()}"


@shared_task(bind=True, acks_late=True)
def send_digest_batch(self, items, now=None):
    """Claim, compose and send the digests of `items` ([user_id, period] each) together;
    queue a send_digest for each one that failed, or for all if the batch could not run."""
    claimer = claimer_of(self)
    try:
        outcomes, retry = delivery.deliver_batch(items, now=parse_now(now), claimer=claimer)
    except TRANSIENT_ERRORS:
        log.warning("Digest batch of %s failed; sending one by one", len(items), exc_info=True)
        outcomes, retry = {}, items
    for user_id, period in retry:
        send_digest.delay(user_id, period, now, claimer=claimer)
    return {str(user_id): outcome for user_id, outcome in outcomes.items()}


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def send_digest(self, user_id, period, now=None, claimer=None):
    """Claim, render and send one digest (recruiters.digests.delivery.deliver).

    The claim is made in the name of `claimer` (the batch whose send failed), else of this
    task's id; its retries keep it: a retry may take its own claim back, any other task
    only a claim older than the lease.
    """
    claimer = claimer or claimer_of(self)
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
