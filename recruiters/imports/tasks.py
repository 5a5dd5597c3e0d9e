"""Celery tasks of imports: applying a large confirmed import, with a progress bar."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone

from recruiters.imports import apply
from recruiters.imports.files import BadFile
from recruiters.models import ImportJob

logger = logging.getLogger(__name__)


# A running import reports progress at least every batch; one silent this long ran on a
# worker that died (its transaction, and so its rows, rolled back with it).
LEASE = timedelta(minutes=10)


@shared_task
def apply_import(job_id):
    """Apply a queued import (services.confirm queued it). Claimed first, so that a task
    delivered twice applies it once; a failure leaves nothing written and says why. A job
    left "running" by a worker that died is claimed again when its task is redelivered."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(state=ImportJob.State.QUEUED)
            | Q(state=ImportJob.State.RUNNING, updated_at__lt=now - LEASE)
        )
        .update(state=ImportJob.State.RUNNING, processed=0, updated_at=now)
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    progress = SideProgress(job)
    try:
        apply.apply_job(job, progress=progress)
    except BadFile as problem:
        fail(job_id, f"{problem} Nothing was imported.")
    except Exception:
        logger.exception("Import %s failed", job_id)
        fail(job_id, "The import failed on our side; nothing was imported. Please try again.")
    finally:
        progress.close()


def fail(job_id, message):
    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.FAILED, error=message)


class SideProgress:
    """Writes `processed` of the job through a second database connection, so that the
    progress bar sees it while the import's own transaction is still open.

    PostgreSQL only: SQLite lets one connection write at a time, so there the bar jumps
    from 0 to done. The import's transaction must not touch the job row before its end (it
    would wait for this connection, and this one for it).
    """

    def __init__(self, job):
        self.job = job
        main = connections[DEFAULT_DB_ALIAS]
        self.connection = None if main.vendor == "sqlite" else main.copy()
        table = ImportJob._meta.db_table
        quote = main.ops.quote_name
        self.sql = (
            f"UPDATE {quote(table)} SET {quote('processed')} = %s, {quote('updated_at')} = %s "
            f"WHERE {quote('id')} = %s"
        )

    def __call__(self, processed):
        if self.connection is not None:
            with self.connection.cursor() as cursor:
                done = min(processed, self.job.total)
                cursor.execute(self.sql, [done, timezone.now(), self.job.pk])

    def close(self):
        if self.connection is not None:
            self.connection.close()
