"""Writes of the import pages: start an import (read, parse, plan: the preview), choose the
columns of a generic CSV, confirm (apply now, or queue a Celery task for a large import),
discard. The views call these and nothing else."""

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from kombu.exceptions import OperationalError as BrokerError

from recruiters.imports import apply, files, generic, google, ics, linkedin, plan, vcard
from recruiters.imports.files import BadFile
from recruiters.imports.tasks import apply_import
from recruiters.models import ImportJob

log = logging.getLogger(__name__)

INLINE_LIMIT = 500  # rows; a confirmed import with more ticked rows runs as a Celery task


@dataclass(frozen=True)
class Kind:
    label: str
    help: str
    what: str  # "This is not a <what>"
    accept: str  # the file input's accept attribute


KINDS = {
    "linkedin_connections": Kind(
        "LinkedIn connections",
        "Connections.csv from LinkedIn's data export (Settings, Data privacy, Get a copy of "
        "your data). Recruiters are picked out by their position.",
        "CSV file",
        ".csv,text/csv",
    ),
    "linkedin_messages": Kind(
        "LinkedIn messages",
        "messages.csv from the same export: your conversations with recruiters you already "
        "have become their history.",
        "CSV file",
        ".csv,text/csv",
    ),
    "vcard": Kind(
        "vCard contacts",
        "A .vcf file from your phone, Apple Contacts, Outlook or a recruiter's e-mail.",
        "vCard file",
        ".vcf,.vcard,text/vcard,text/x-vcard",
    ),
    "google_contacts": Kind(
        "Google Contacts",
        "The CSV that Google Contacts exports (“Google CSV”).",
        "CSV file",
        ".csv,text/csv",
    ),
    "ics": Kind(
        "Interview invitation",
        "A calendar invitation (.ics): it becomes an interview on the recruiter who sent it.",
        "calendar file",
        ".ics,text/calendar",
    ),
    "csv": Kind(
        "Other CSV",
        "Any spreadsheet saved as CSV; you say which column holds what.",
        "CSV file",
        ".csv,.txt,text/csv",
    ),
}


def start_import(owner, *, kind, upload, me=""):
    """Read and plan an uploaded file: an ImportJob waiting for confirmation (the preview).

    BadFile says what is wrong with the file; nothing is stored then.
    """
    text = files.read_upload(upload, what=KINDS[kind].what)
    import_plan = build_plan(owner, kind, text, me=me)
    if not import_plan["rows"] and "columns" not in import_plan:
        raise BadFile("The file has no rows to import.")
    return ImportJob.objects.create(
        owner=owner, kind=kind, filename=(upload.name or "upload")[-255:], plan=import_plan
    )


def build_plan(owner, kind, text, *, me=""):
    if kind == "linkedin_connections":
        contacts = linkedin.parse_connections(text)
        return plan.plan_contacts(owner, contacts, recruiters_only=True, source="LinkedIn")
    if kind == "linkedin_messages":
        return plan.plan_messages(owner, linkedin.parse_messages(text), me=me)
    if kind == "vcard":
        return plan.plan_contacts(owner, vcard.parse(text), source="vCard")
    if kind == "google_contacts":
        return plan.plan_contacts(owner, google.parse(text), source="Google Contacts")
    if kind == "ics":
        return plan.plan_interviews(owner, ics.parse(text, default_zone=owner.profile.zone))
    if kind == "csv":
        header, records = generic.read(text)
        if not records:
            raise BadFile("The file has a header row but no rows under it.")
        return plan_columns(owner, header, records, generic.guess_mapping(header))
    raise ValueError(f"unknown import kind {kind!r}")


def plan_columns(owner, header, records, mapping):
    """The plan of a generic CSV read through `mapping`; without rows until a name column
    is chosen. Only the fields' names are kept of what was posted."""
    mapping = generic.known_fields(mapping, len(header))
    columns = {"header": header, "mapping": mapping, "records": records}
    try:
        generic.check_mapping(mapping)
    except BadFile as problem:
        return {
            "type": "contacts",
            "rows": [],
            "counts": {},
            "columns": columns,
            "problem": str(problem),
        }
    contacts = generic.contacts(records, mapping)
    return {**plan.plan_contacts(owner, contacts, source="CSV"), "columns": columns}


def choose_columns(job, mapping):
    """Plan a generic CSV again with the columns the user chose (the plan says what is
    wrong with them, if anything)."""
    columns = job.plan["columns"]
    job.plan = plan_columns(job.owner, columns["header"], columns["records"], mapping)
    job.error = ""
    job.save(update_fields=["plan", "error", "updated_at"])


def confirm(job, ticked_rows):
    """Apply the plan's rows numbered `ticked_rows` (only those the preview offers).

    A small import is applied now; a large one is queued for a Celery task (apply_import)
    once this transaction commits. A second confirmation of the same job does nothing.
    Returns the job. BadFile if there is nothing to import or a row cannot be written (then
    nothing is, and the job stays in preview).
    """
    rows = job.plan["rows"]
    chosen = {number for number in ticked_rows if 0 <= number < len(rows)}
    for number, row in enumerate(rows):
        row["ticked"] = bool(row.get("tickable")) and number in chosen
    total = sum(row["ticked"] for row in rows)
    if not total:
        raise BadFile("Tick at least one row to import.")
    small = total < INLINE_LIMIT
    state = ImportJob.State.RUNNING if small else ImportJob.State.QUEUED
    claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEW).update(
        state=state, plan=job.plan, total=total, processed=0, error=""
    )
    job.refresh_from_db()
    if not claimed:
        return job
    if small:
        try:
            apply.apply_job(job)
        except (BadFile, ValidationError, IntegrityError) as error:
            message = (
                str(error)
                if isinstance(error, BadFile)
                else ("Your recruiters changed while importing; nothing was imported. Try again.")
            )
            ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.PREVIEW)
            job.refresh_from_db()
            raise BadFile(message) from error
    else:
        transaction.on_commit(partial(queue_import, job.pk))
    return job


def queue_import(job_id):
    """Hand a confirmed large import to a worker; with the queue down, fail it clearly."""
    try:
        apply_import.apply_async((job_id,), retry=True, retry_policy={"max_retries": 1})
    except (BrokerError, OSError):
        log.warning("Could not queue import job %s", job_id, exc_info=True)
        ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
            state=ImportJob.State.FAILED,
            error="Callback’s task queue is not reachable right now, so nothing was imported. "
            "Discard this import and try again in a few minutes.",
        )


def discard(job):
    """Forget an import that was not confirmed (or that failed)."""
    if job.state in (ImportJob.State.PREVIEW, ImportJob.State.FAILED, ImportJob.State.DONE):
        job.delete()
        return True
    return False
