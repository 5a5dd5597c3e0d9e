"""Applying a confirmed plan: only its ticked rows, all in one transaction (all or nothing).

Every row is matched again at apply time (the recruiters may have changed since the
preview, and earlier rows of the same file count), so applying a plan twice, or importing
the same file twice, creates nothing the second time. Interactions (LinkedIn messages,
interviews) are told apart from those already there by recruiter, time, direction and a
hash of their summary.
"""

import functools
from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from recruiters import state
from recruiters.encryption import EncryptedTextField
from recruiters.imports.files import BadFile
from recruiters.imports.plan import (
    FIRM_KIND,
    Index,
    dedupe_key,
    existing_keys,
    fill_in,
    firm_key,
    match_keys,
)
from recruiters.imports.records import NAME_MAX, truncate
from recruiters.models import Firm, ImportJob, Interaction, Recruiter, Role

BATCH = 500  # rows between progress reports
WRITE_BATCH = 5000  # rows per INSERT


def ticked(plan):
    return [row for row in plan["rows"] if row.get("ticked")]


def apply_job(job, *, progress=None):
    """Apply the ticked rows of `job`'s plan in one transaction and mark the job done.

    `progress(n)` is called as rows are done (for the progress bar of large imports).
    Raises BadFile (the row and what is wrong with it) if a row cannot be written; then
    nothing of the import is.
    """
    progress = progress or (lambda processed: None)
    rows = ticked(job.plan)
    with transaction.atomic():
        # One import at a time per user: a second one waits here, then matches the first's rows.
        get_user_model().objects.select_for_update().filter(pk=job.owner_id).exists()
        appliers = {
            "contacts": apply_contacts,
            "messages": apply_messages,
            "interviews": apply_interviews,
        }
        summary = appliers[job.plan["type"]](job.owner, rows, progress)
        state.refresh(job.owner)  # the rows went in in bulk, past the per-row signals
        job.state = ImportJob.State.DONE
        job.total = job.processed = len(rows)
        job.summary = summary
        job.error = ""
        job.save(update_fields=["state", "total", "processed", "summary", "error", "updated_at"])
    return summary


def checked(instance, line):
    """`instance` after field validation (the database constraints check the rest).

    What full_clean(validate_unique=False, validate_constraints=False) does, each field's
    own clean() (to_python, choices, max length, e-mail and URL validators...), without
    building its exclusions again for every row. Related rows are not looked up again: they
    are the owner's, found or made here.
    """
    errors = {}
    for field in checked_fields(type(instance)):
        raw = getattr(instance, field.attname)
        if field.blank and raw in field.empty_values:
            continue
        if field.choices and (field, raw) in VALID_CHOICES:
            continue  # a choice seen valid before: the same checks would pass again
        try:
            setattr(instance, field.attname, field.clean(raw, instance))
        except ValidationError as error:
            errors[field.name] = error.error_list
        else:
            if field.choices and type(raw) is str:
                VALID_CHOICES.add((field, raw))
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        error = ValidationError(errors)
        problems = "; ".join(
            f"{field.replace('_', ' ')}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise BadFile(f"This row cannot be imported ({problems}).", line=line) from error
    return instance


VALID_CHOICES = set()  # (field, value) that passed the field's clean(): a kind, a tier...


@functools.cache
def checked_fields(model):
    """The fields full_clean validates, less the related ones."""
    return tuple(
        field for field in model._meta.fields if not field.is_relation and not field.generated
    )


# Contacts ---------------------------------------------------------------------------------


def apply_contacts(owner, rows, progress):
    """Create or merge the recruiters of `rows`. Nothing is written until every row has been
    checked: then the new firms (the recruiters refer to them), the new recruiters, and the
    merges, each in a few large statements."""
    index = Index(owner)
    created, merged, unchanged = 0, 0, 0
    new_firms, new_recruiters, merges = [], [], {}

    def firm_for(row):
        if not row["company"]:
            return None
        firm = index.firm(row["company"])
        if firm is None:
            name = truncate(row["company"], NAME_MAX)
            firm = checked(Firm(owner=owner, name=name, kind=FIRM_KIND[row["kind"]]), row["line"])
            index.firms[firm_key(row["company"])] = index.firms[firm_key(name)] = firm
            new_firms.append(firm)
        return firm

    for number, row in enumerate(rows, start=1):
        recruiter, _ = index.match(**match_keys(row))
        if recruiter is None:
            recruiter = Recruiter(
                owner_id=owner.pk,
                name=row["name"],
                kind=row["kind"],
                firm=firm_for(row),
                email=row["email"] if index.email_owner(row["email"]) is None else "",
                linkedin_url=row["linkedin_url"]
                if index.url_owner(row["linkedin_url"]) is None
                else "",
                phone=row["phone"],
                notes=notes_for(row),
            )
            new_recruiters.append(checked(recruiter, row["line"]))
            index.add(recruiter)
            created += 1
        elif changes := fill_in(recruiter, row, index):
            if "firm" in changes:
                changes["firm"] = firm_for(row)
            for field, value in changes.items():
                setattr(recruiter, field, value)
            checked(recruiter, row["line"])
            if recruiter.pk:  # one already there (a new one is written with its changes)
                fields = merges.get(recruiter.pk, (recruiter, set()))[1] | set(changes)
                merges[recruiter.pk] = (recruiter, fields)
            index.add(recruiter)
            merged += 1
        else:
            unchanged += 1
        if number % BATCH == 0:
            progress(number)
    Firm.objects.bulk_create(new_firms, batch_size=WRITE_BATCH)
    insert(Recruiter, new_recruiters)
    save_merges(merges.values())
    progress(len(rows))
    return {"created": created, "merged": merged, "unchanged": unchanged, "firms": len(new_firms)}


# Field types whose database value is the Python value itself when that is a str, int, bool
# or None: no per-value conversion needed to COPY it (an encrypted text field's is a token).
PLAIN_TYPES = {
    "CharField",
    "TextField",
    "BooleanField",
    "SmallIntegerField",
    "PositiveSmallIntegerField",
    "IntegerField",
    "PositiveIntegerField",
    "BigIntegerField",
    "ForeignKey",
}


def insert(model, instances):
    """bulk_create(instances) (without their new ids), by COPY on PostgreSQL: at 10,000
    recruiters Django's per-value preparation of an INSERT is as slow as the database."""
    if connection.vendor != "postgresql" or not instances:
        model.objects.bulk_create(instances, batch_size=WRITE_BATCH)
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    ]
    now = timezone.now()
    stamped = [
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for field in fields
    ]
    plain = [
        field.get_internal_type() in PLAIN_TYPES and not isinstance(field, EncryptedTextField)
        for field in fields
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.wrap_database_errors,  # a broken constraint is an IntegrityError, as ever
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for instance in instances:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")
            row = []
            for field, is_stamped, is_plain in zip(fields, stamped, plain, strict=True):
                if is_stamped:  # what pre_save does, with one moment for the whole insert
                    setattr(instance, field.attname, now)
                    value = now
                else:
                    value = field.pre_save(instance, True)
                if not is_plain or type(value) not in (str, int, bool, type(None)):
                    value = field.get_db_prep_save(value, connection)
                row.append(value)
            copy.write_row(row)


def save_merges(merges):
    """Write the fields filled into recruiters already there: one UPDATE per set of fields
    (only the fields a recruiter had filled in are written to it)."""
    now = timezone.now()
    by_fields = defaultdict(list)
    for recruiter, fields in merges:
        recruiter.updated_at = now  # bulk_update does not touch auto_now fields
        by_fields[tuple(sorted(fields))].append(recruiter)
    for fields, recruiters in by_fields.items():
        Recruiter.objects.bulk_update(recruiters, [*fields, "updated_at"], batch_size=BATCH)


def notes_for(row):
    """What a new recruiter's notes say about where they came from."""
    lines = []
    position, company = row["position"], row["company"]
    if position:
        lines.append((f"{position} at {company}" if company else position).rstrip(".") + ".")
    if row.get("connected_on"):
        day = datetime.fromisoformat(row["connected_on"])
        lines.append(f"LinkedIn connection since {day:%-d %b %Y}.")
    if row.get("notes"):
        lines.append(row["notes"])
    return "\n".join(lines)


# Interactions -----------------------------------------------------------------------------


def apply_interactions(owner, rows, progress, *, build, **dedupe_filters):
    """Interactions from `rows` (one per row, by `build(row, recruiter)`), none twice."""
    recruiter_ids = {row["recruiter_id"] for row in rows}
    recruiters = Recruiter.objects.owned_by(owner).in_bulk(recruiter_ids)
    existing = existing_keys(owner, recruiter_ids, **dedupe_filters)
    created, already, gone = 0, 0, 0
    pending = []
    for number, row in enumerate(rows, start=1):
        recruiter = recruiters.get(row["recruiter_id"])
        if recruiter is None:
            gone += 1
            continue
        occurred_at = datetime.fromisoformat(row["occurred_at"])
        key = dedupe_key(recruiter.pk, occurred_at, row["direction"], row["summary"])
        if key in existing:
            already += 1
            continue
        existing.add(key)
        pending.append(checked(build(row, recruiter, occurred_at), row["line"]))
        created += 1
        if len(pending) >= BATCH:
            Interaction.objects.bulk_create(pending)
            pending = []
        if number % BATCH == 0:
            progress(number)
    Interaction.objects.bulk_create(pending)
    progress(len(rows))
    return {"interactions": created, "already": already, "gone": gone}


def apply_messages(owner, rows, progress):
    def build(row, recruiter, occurred_at):
        return Interaction(
            owner=owner,
            recruiter=recruiter,
            occurred_at=occurred_at,
            channel=Interaction.Channel.LINKEDIN,
            direction=row["direction"],
            kind=row["kind"],
            summary=row["summary"],
            expects_reply=row["expects_reply"],
        )

    return apply_interactions(
        owner, rows, progress, build=build, channel=Interaction.Channel.LINKEDIN
    )


def apply_interviews(owner, rows, progress):
    roles = Role.objects.owned_by(owner).in_bulk({row["role_id"] for row in rows if row["role_id"]})

    def build(row, recruiter, occurred_at):
        return Interaction(
            owner=owner,
            recruiter=recruiter,
            role=roles.get(row["role_id"]),
            occurred_at=occurred_at,
            channel=row["channel"],
            direction=row["direction"],
            kind=Interaction.Kind.INTERVIEW,
            summary=row["summary"],
        )

    return apply_interactions(owner, rows, progress, build=build, kind=Interaction.Kind.INTERVIEW)


def describe(job):
    """The result of a finished import in a sentence."""
    summary = job.summary
    if "interactions" in summary:
        what = "interview" if job.kind == "ics" else "message"
        text = f"{summary['interactions']} {what}{'s' if summary['interactions'] != 1 else ''}"
        text += " added to your recruiters' timelines"
        if summary.get("already"):
            text += f" ({summary['already']} already there)"
        return text + "."
    parts = [f"{summary['created']} recruiter{'s' if summary['created'] != 1 else ''} added"]
    if summary.get("merged"):
        parts.append(f"{summary['merged']} updated")
    if summary.get("firms"):
        parts.append(f"{summary['firms']} new firm{'s' if summary['firms'] != 1 else ''}")
    if summary.get("unchanged"):
        parts.append(f"{summary['unchanged']} already up to date")
    return ", ".join(parts) + "."
