"""Restoring a JSON export (recruiters.exports.account_json) into an empty account.

All or nothing, in three steps: the file is read (at most `MAX_BYTES`, UTF-8 JSON), then
checked whole (format and version, every key, every value's type, dates within the range
and text without the characters of recruiters.bounds, the model's own validation,
relations that point to rows the file does not hold, duplicates the database would
refuse), and only then written, in one transaction that first makes sure the account
is still empty. Rows get new ids; relations are carried over through the map from old to
new ids. The timestamps (`created_at`, `updated_at`) are restored as they were. The
profile's `current_employer` is a firm of the file too, mapped the same way. A file of
format version 1 (before the confidential search's fields) is restored with their defaults.

A follow-up made by a rule names its cause in `rule_key` by id (see
recruiters.services.rule_obligations): those ids are mapped too, so that the next sweep of
the rules recognises every restored follow-up instead of making it again. A key whose row
is no longer in the file (the interaction was deleted) becomes "gone:<key>": it can then
never match a new row that happens to get the old id.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    connection,
    models,
    transaction,
)

from recruiters import bounds, state
from recruiters.exports.account_json import (
    ADDED_IN_VERSION_2,
    FORMAT,
    READABLE_VERSIONS,
    SECTION_OF,
    SECTIONS,
    VERSION,
    profile_fields,
)
from recruiters.models import PROFILE_THRESHOLDS, FollowUp, Profile

MAX_BYTES = 10 * 1024 * 1024
MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
MAX_PROBLEMS = 25

REQUIRED_KEYS = ("format", "version", "profile", *(section.key for section in SECTIONS))
OPTIONAL_KEYS = ("exported_at", "account")

GONE = "gone:"


class RestoreError(Exception):
    """Why a file was not restored: a sentence for the user and, if any, the problems found."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class FileTooLarge(RestoreError):
    pass


class AccountNotEmpty(RestoreError):
    pass


@dataclass
class Row:
    """One row of the file, checked: its old id, the unsaved instance, its relations."""

    old_id: int
    where: str  # "recruiters row 4 (id 17)", for messages
    instance: models.Model
    references: dict  # {ForeignKey field: old id or None}
    timestamps: tuple  # (created_at, updated_at) as in the file


@dataclass
class Plan:
    """A checked file, ready to be written."""

    profile: dict
    rows: dict = field(default_factory=dict)  # {section key: [Row]}

    def counts(self):
        return {section.key: len(self.rows[section.key]) for section in SECTIONS}


# Reading ---------------------------------------------------------------------------------


def too_large_message(size=None):
    actual = f" (this one is {size / (1024 * 1024):.1f} MB)" if size else ""
    return (
        f"The file is too large to restore{actual}: the limit is {MAX_MEGABYTES} MB. "
        "Nothing was changed."
    )


def read_upload(upload):
    """The JSON document in an uploaded file; RestoreError if it is too large or not JSON."""
    if upload.size > MAX_BYTES:
        raise FileTooLarge(too_large_message(upload.size))
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise FileTooLarge(too_large_message())
    if not raw.strip():
        raise RestoreError("The file is empty. Choose the .json file that Callback exported.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RestoreError(
            "The file is not a Callback export: it is not UTF-8 text "
            f"(undecodable byte at position {error.start})."
        ) from error
    try:
        return json.loads(content)
    except json.JSONDecodeError as error:
        raise RestoreError(
            "The file is not valid JSON: "
            f"{error.msg} at line {error.lineno}, column {error.colno}. Nothing was changed."
        ) from error
    except RecursionError as error:
        raise RestoreError(
            "The file is not a Callback export: its JSON is nested far too deeply."
        ) from error


# Checking --------------------------------------------------------------------------------


class _Bad(Exception):
    """A value of the wrong type or form."""


JSON_TYPE_NAMES = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def _kind(value):
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def from_json(model_field, value):
    """The Python value of `model_field` for a JSON `value`, or _Bad saying what is wrong.

    Strict about types: "7" is not a number and 1 is not true.
    """
    if value is None:
        if model_field.null:
            return None
        raise _Bad("must not be null")
    if isinstance(value, str) and (problem := bounds.unstorable(value)):
        raise _Bad(f"has {problem}, which cannot be stored")
    if isinstance(model_field, models.ForeignKey):
        if not _is_int(value):
            raise _Bad(f"must be the id (a whole number) of a row, or null; not {_kind(value)}")
        return value
    if isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            raise _Bad(f"must be true or false, not {_kind(value)}")
        return value
    if isinstance(model_field, models.IntegerField):
        if not _is_int(value):
            raise _Bad(f"must be a whole number, not {_kind(value)}")
        return value
    if isinstance(model_field, models.DateTimeField):
        if not isinstance(value, str):
            raise _Bad(f"must be a date and time as text, not {_kind(value)}")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _Bad(f"“{value}” is not an ISO 8601 date and time") from None
        if moment.utcoffset() is None:
            raise _Bad(f"“{value}” has no time zone offset (expected e.g. +00:00)")
        return in_range(moment, value)
    if isinstance(model_field, models.DateField):
        if not isinstance(value, str):
            raise _Bad(f"must be a date as text (YYYY-MM-DD), not {_kind(value)}")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise _Bad(f"“{value}” is not a date (YYYY-MM-DD)") from None
        return in_range(day, value)
    if isinstance(model_field, models.CharField | models.TextField):
        if not isinstance(value, str):
            raise _Bad(f"must be text, not {_kind(value)}")
        return value
    raise NotImplementedError(f"No JSON conversion for {model_field!r}")  # pragma: no cover


def in_range(value, written):
    """`value` if it is a date Callback can compute with (recruiters.bounds), else _Bad."""
    if not bounds.in_range(value):
        raise _Bad(f"“{written}” is not {bounds.range_of(value)}")
    return value


class Checker:
    """Collects every problem of a file, each with where it is, then says if there were any."""

    def __init__(self):
        self.problems = []

    def add(self, where, message):
        self.problems.append(f"{where}: {message}")

    def validation_error(self, where, error):
        for name, messages in error.message_dict.items():
            label = "" if name == NON_FIELD_ERRORS else f"{name}: "
            for message in messages:
                self.add(where, f"{label}{message}")

    def values(self, where, data, fields, *, extra=(), optional=()):
        """{field: Python value} of the object `data`, whose keys must be exactly the
        fields' names (and `extra`); a field named in `optional` may be missing, and then
        has its default. None if something is wrong (and noted)."""
        if not isinstance(data, dict):
            self.add(where, f"must be an object, not {_kind(data)}")
            return None
        names = {f.name for f in fields} | set(extra)
        missing = [f.name for f in fields if f.name not in data and f.name not in optional] + [
            name for name in extra if name not in data
        ]
        unknown = sorted(set(data) - names)
        if missing:
            self.add(where, f"missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        if unknown:
            names = ", ".join(bounds.shown(name) for name in unknown)
            self.add(where, f"unknown key{'s' if len(unknown) > 1 else ''} {names}")
        if missing or unknown:
            return None
        values, ok = {}, True
        for model_field in fields:
            if model_field.name not in data:  # optional, in this file's version
                values[model_field] = model_field.get_default()
                continue
            try:
                values[model_field] = from_json(model_field, data[model_field.name])
            except _Bad as bad:
                self.add(where, f"{model_field.name} {bad}")
                ok = False
        return values if ok else None


def check(data):
    """The Plan of a parsed export file, or RestoreError listing everything that is wrong."""
    if not isinstance(data, dict):
        raise RestoreError("The file is not a Callback export: it does not hold a JSON object.")
    if data.get("format") != FORMAT:
        raise RestoreError(
            f"The file is not a Callback account export (its “format” is not “{FORMAT}”)."
        )
    version = data.get("version")
    if not _is_int(version):
        raise RestoreError("The file has no valid format version (a whole number).")
    if version not in READABLE_VERSIONS:
        newer = " It was made by a newer Callback." if version > VERSION else ""
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise RestoreError(
            f"The file is in format version {version}; this Callback restores versions "
            f"{readable} only.{newer} Nothing was changed."
        )
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise RestoreError(f"The file is incomplete: it has no {', '.join(missing)}.")
    checker = Checker()
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        checker.add("the file", f"unknown keys {', '.join(bounds.shown(key) for key in unknown)}")

    optional = ADDED_IN_VERSION_2 if version == 1 else {}
    plan = Plan(profile=check_profile(checker, data["profile"], optional.get("profile", ())))
    ids = {}
    for section in SECTIONS:
        plan.rows[section.key], ids[section.key] = check_section(
            checker, section, data, optional.get(section.key, ())
        )
    for section in SECTIONS:
        check_references(checker, section, plan.rows[section.key], ids)
    check_profile_references(checker, plan.profile, ids)
    check_unique(checker, plan)
    check_follow_ups(checker, plan.rows["follow_ups"])

    if checker.problems:
        shown = checker.problems[:MAX_PROBLEMS]
        more = len(checker.problems) - len(shown)
        if more:
            shown.append(f"… and {more} more.")
        count = len(checker.problems)
        raise RestoreError(
            f"The file has {count} problem{'s' if count > 1 else ''}; nothing was changed.",
            shown,
        )
    return plan


# The profile's relations: {attname: key of the section its id points into}.
PROFILE_REFERENCES = {
    f.attname: SECTION_OF[f.related_model] for f in profile_fields() if f.is_relation
}


def check_profile(checker, data, optional=()):
    values = checker.values("profile", data, profile_fields(), optional=optional)
    if values is None:
        return None
    profile = Profile(**{f.attname: value for f, value in values.items()})
    # Relations point into the file, not the database: check_profile_references.
    exclude = ["user", *(f.name for f in profile_fields() if f.is_relation)]
    try:
        profile.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        checker.validation_error("profile", error)
    for name in PROFILE_THRESHOLDS:  # each at least 1 (constraint profile_thresholds_positive)
        if getattr(profile, name) < 1:
            checker.add("profile", f"{name} must be at least 1")
    return {f.attname: value for f, value in values.items()}


def check_profile_references(checker, profile, ids):
    """The profile's relations (its current employer) point to rows of the file."""
    if profile is None:
        return
    for attname, target in PROFILE_REFERENCES.items():
        old_id = profile[attname]
        if old_id is not None and old_id not in ids[target]:
            name = attname.removesuffix("_id")
            checker.add("profile", f"{name} {old_id} is not among the file's {target}")


def check_section(checker, section, data, optional=()):
    """([Row], {old ids}) of one section of the file, noting what is wrong."""
    rows_data = data[section.key]
    if not isinstance(rows_data, list):
        checker.add(section.key, f"must be a list, not {_kind(rows_data)}")
        return [], set()
    fields = section.fields
    references = section.references
    exclude = ["owner", *(f.name for f in references)]
    rows, ids = [], set()
    for number, row_data in enumerate(rows_data, start=1):
        where = f"{section.key} row {number}"
        old_id = row_data.get("id") if isinstance(row_data, dict) else None
        if _is_int(old_id):
            where += f" (id {old_id})"
            if old_id in ids:
                checker.add(where, "has the same id as an earlier row")
            ids.add(old_id)
        elif old_id is not None:
            checker.add(where, f"id must be a whole number, not {_kind(old_id)}")
        values = checker.values(where, row_data, fields, extra=("id",), optional=optional)
        if values is None or not _is_int(old_id):
            continue
        instance = section.model(
            **{f.attname: value for f, value in values.items() if f not in references}
        )
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            checker.validation_error(where, error)
        rows.append(
            Row(
                old_id=old_id,
                where=where,
                instance=instance,
                references={f: values[f] for f in references},
                timestamps=(instance.created_at, instance.updated_at),
            )
        )
    return rows, ids


def check_references(checker, section, rows, ids):
    for row in rows:
        for model_field, target in section.references.items():
            old_id = row.references[model_field]
            if old_id is not None and old_id not in ids[target]:
                checker.add(
                    row.where, f"{model_field.name} {old_id} is not among the file's {target}"
                )


def _fold_ascii(value):
    """Lower-case ASCII letters only: what both databases' LOWER() agree on."""
    return "".join(c.lower() if c.isascii() else c for c in value)


def check_unique(checker, plan):
    """What the database keeps unique per owner: firm names, recruiters' e-mail and
    LinkedIn URL (case-insensitive, when given), one follow-up per rule and cause."""
    keys = [
        ("firms", "name", lambda r: _fold_ascii(r.instance.name)),
        ("recruiters", "email", lambda r: _fold_ascii(r.instance.email) or None),
        ("recruiters", "linkedin_url", lambda r: _fold_ascii(r.instance.linkedin_url) or None),
        (
            "follow_ups",
            "rule and rule_key",
            lambda r: (r.instance.rule, r.instance.rule_key) if r.instance.rule else None,
        ),
    ]
    for key, what, value in keys:
        seen = {}
        for row in plan.rows[key]:
            found = value(row)
            if found is None:
                continue
            if found in seen:
                checker.add(row.where, f"has the same {what} as the row with id {seen[found]}")
            seen.setdefault(found, row.old_id)


def check_follow_ups(checker, rows):
    """The follow-up constraints that full_clean() does not see, and the rule keys' form."""
    closed = FollowUp.State.CLOSED
    for row in rows:
        follow_up, where = row.instance, row.where
        if (follow_up.state == FollowUp.State.SNOOZED) != (follow_up.snoozed_until is not None):
            checker.add(where, "snoozed_until must be set exactly when the state is snoozed")
        if (follow_up.state in closed) != (follow_up.closed_at is not None):
            checker.add(
                where,
                "closed_at must be set exactly when the state is done, dismissed or withdrawn",
            )
        if follow_up.rule and follow_up.rule not in FollowUp.Rule.values:
            checker.add(where, f"rule “{follow_up.rule}” is not one of Callback's rules")
        elif bool(follow_up.rule) != bool(follow_up.rule_key):
            checker.add(where, "rule and rule_key must be both set or both empty")
        elif follow_up.rule and rule_key_target(follow_up.rule, follow_up.rule_key) is None:
            checker.add(where, f"rule_key “{follow_up.rule_key}” is not a key of {follow_up.rule}")


# Rule keys -------------------------------------------------------------------------------

# Which section the id at the start of a rule's key points into (services.rule_obligations).
RULE_KEY_TARGETS = {
    FollowUp.Rule.FEEDBACK_OWED: "interactions",  # "<interview id>"
    FollowUp.Rule.PITCH_ANSWER: "interactions",  # "<first pitch id>"
    FollowUp.Rule.UPDATE_OWED: "recruiters",  # "<recruiter id>:<when the latest news came>"
}


def rule_key_target(rule, key):
    """(section key, old id, rest of the key) of a rule key; ("", None, key) for a key
    whose row was already gone; None for a key of a form no rule makes."""
    if key.startswith(GONE):
        return ("", None, key)
    head, colon, rest = key.partition(":")
    if not head.isascii() or not head.isdigit() or len(head) > 18:
        return None
    if (rule == FollowUp.Rule.UPDATE_OWED) != bool(colon):
        return None
    return (RULE_KEY_TARGETS[rule], int(head), colon + rest)


def remap_rule_key(rule, key, id_maps):
    section, old_id, rest = rule_key_target(rule, key)
    if old_id is None:
        return rest
    new_id = id_maps[section].get(old_id)
    return f"{new_id}{rest}" if new_id is not None else GONE + key


# Writing ---------------------------------------------------------------------------------


def account_counts(user):
    """{section key: rows} of what `user` owns, for the sections of the file."""
    return {section.key: section.model.objects.owned_by(user).count() for section in SECTIONS}


NOUNS = {
    "firms": ("firm", "firms"),
    "recruiters": ("recruiter", "recruiters"),
    "roles": ("role", "roles"),
    "interactions": ("interaction", "interactions"),
    "follow_ups": ("follow-up", "follow-ups"),
}


def describe_counts(counts):
    """{"firms": 1, "roles": 2} as "1 firm, 2 roles"."""
    return ", ".join(f"{n} {NOUNS[key][n != 1]}" for key, n in counts.items())


def not_empty_message(counts):
    held = describe_counts({key: n for key, n in counts.items() if n})
    return (
        f"Your account already has data ({held}). A restore only goes into an empty "
        "account, so that nothing is mixed up or overwritten: sign up for a new account "
        "and restore the file there. Nothing was changed."
    )


@dataclass
class Restored:
    counts: dict  # {section key: rows written}


def restore(user, plan):
    """Write a checked Plan into `user`'s account, which must be empty, all at once."""
    try:
        with transaction.atomic():
            # Lock the profile row: two restores into the same account run one at a time.
            profile = Profile.objects.select_for_update().get_or_create(user=user)[0]
            counts = account_counts(user)
            if any(counts.values()):
                raise AccountNotEmpty(not_empty_message(counts))
            id_maps = {}
            for section in SECTIONS:
                id_maps[section.key] = write_section(user, section, plan.rows[section.key], id_maps)
            # The settings last: the current employer is one of the firms just written.
            for attname, value in plan.profile.items():
                if attname in PROFILE_REFERENCES and value is not None:
                    value = id_maps[PROFILE_REFERENCES[attname]][value]
                setattr(profile, attname, value)
            profile.save()
            state.refresh(user)
    except (IntegrityError, DataError) as error:
        raise RestoreError(
            "The database refused the file's data, so nothing was changed "
            f"({error.__class__.__name__}: {str(error).strip().splitlines()[0]})."
        ) from error
    return Restored(counts=plan.counts())


def write_section(user, section, rows, id_maps):
    """Insert the rows of one section; their old ids mapped to the new ones."""
    instances = []
    for row in rows:
        instance = row.instance
        instance.owner = user
        for model_field, old_id in row.references.items():
            target = id_maps[section.references[model_field]]
            setattr(instance, model_field.attname, None if old_id is None else target[old_id])
        if isinstance(instance, FollowUp) and instance.rule:
            instance.rule_key = remap_rule_key(instance.rule, instance.rule_key, id_maps)
        instances.append(instance)
    insert_as_given(section.model, instances)
    return {row.old_id: instance.pk for row, instance in zip(rows, instances, strict=True)}


def insert_as_given(model, instances, *, batch_size=500):
    """INSERT `instances` with every value as it is, and give them their new ids.

    bulk_create() would stamp created_at and updated_at with the time of now (auto_now);
    a "raw" insert, the one loaddata uses for fixtures (Model.save_base(raw=True)), keeps
    the values given. Setting the timestamps back with bulk_update() afterwards works too,
    but takes ten times as long as the insert itself.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    pk = model._meta.pk
    queryset = model._base_manager.using(DEFAULT_DB_ALIAS)
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, instances)))
    for start in range(0, len(instances), size):
        batch = instances[start : start + size]
        new_ids = queryset._insert(batch, fields=fields, returning_fields=[pk], raw=True)
        for instance, (new_id,) in zip(batch, new_ids, strict=True):
            instance.pk = new_id
            instance._state.adding = False


def restore_upload(user, upload):
    """The whole restore of an uploaded export file into `user`'s empty account.

    Refuses a non-empty account before reading the file; RestoreError says why.
    """
    counts = account_counts(user)
    if any(counts.values()):
        raise AccountNotEmpty(not_empty_message(counts))
    return restore(user, check(read_upload(upload)))
