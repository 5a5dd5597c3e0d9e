"""The whole account as one JSON document (format version 2), and what that format holds.

    {"format": "callback-account-export", "version": 2,
     "exported_at": "2026-11-27T09:30:00.123456+00:00",
     "account": {"username": ..., "email": ...},
     "profile": {...settings...},
     "firms": [{"id": 3, "name": ..., ...}, ...],
     "recruiters": [{"id": 7, "firm": 3, ...}, ...],
     "roles": [...], "interactions": [...], "follow_ups": [...]}

Every row keeps its id; a relation is the id of the related row in the same file (or
null). Date-times are ISO 8601 in UTC with microseconds, dates YYYY-MM-DD, choices their
stored values ("in_house"), so that a restore (recruiters.exports.restore) gives back
exactly the same data. `SECTIONS` lists the fields of each table explicitly: a new model
field is not exported until it is added here (tests/exports/test_json_export.py fails
until then), which is also when to decide whether the format version changes.

Version 2 added the confidential search's fields (`ADDED_IN_VERSION_2`); a version 1 file,
which has none of them, is still restored, with their defaults.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import models
from django.utils import timezone

from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role

FORMAT = "callback-account-export"
VERSION = 2
# The versions a restore reads: a version 1 file lacks the keys of ADDED_IN_VERSION_2.
READABLE_VERSIONS = (1, 2)

TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True)
class Section:
    """One table of the file: its key, its model, and the model fields it holds, in order."""

    key: str
    model: type
    field_names: tuple

    @property
    def fields(self):
        return [self.model._meta.get_field(name) for name in self.field_names]

    @property
    def references(self):
        """{field: key of the section its ids point into} for the relations."""
        return {
            field: SECTION_OF[field.related_model]
            for field in self.fields
            if isinstance(field, models.ForeignKey)
        }


# In an order in which every relation points to an earlier section (or to its own rows).
SECTIONS = (
    Section(
        "firms", Firm, ("name", "kind", "website", "works_for_my_employer", "notes", *TIMESTAMPS)
    ),
    Section(
        "recruiters",
        Recruiter,
        (
            "name",
            "firm",
            "kind",
            "email",
            "phone",
            "linkedin_url",
            "specialties",
            "initiated_by",
            "tier",
            "silence_threshold_days",
            "notes",
            *TIMESTAMPS,
        ),
    ),
    Section(
        "roles",
        Role,
        (
            "title",
            "employer",
            "recruiter",
            "stage",
            "stage_changed_at",
            "compensation_min",
            "compensation_max",
            "currency",
            "location",
            "work_mode",
            "link",
            "submitted_on",
            "submission_authorised",
            "notes",
            *TIMESTAMPS,
        ),
    ),
    Section(
        "interactions",
        Interaction,
        (
            "recruiter",
            "role",
            "occurred_at",
            "channel",
            "direction",
            "kind",
            "summary",
            "value",
            "expects_reply",
            *TIMESTAMPS,
        ),
    ),
    Section(
        "follow_ups",
        FollowUp,
        (
            "owed_by",
            "title",
            "recruiter",
            "role",
            "due_at",
            "state",
            "snoozed_until",
            "closed_at",
            "closed_by_rule",
            "notes",
            "rule",
            "rule_key",
            *TIMESTAMPS,
        ),
    ),
)
SECTION_OF = {section.model: section.key for section in SECTIONS}

PROFILE_FIELD_NAMES = (
    "time_zone",
    "digest_frequency",
    "digest_hour",
    "digest_weekday",
    "digest_when_all_clear",
    "digest_email",
    "silence_days_agency",
    "silence_days_in_house",
    "silence_days_retained",
    "silence_days_contract",
    "dormant_after_days",
    "one_sided_window_days",
    "feedback_business_days",
    "pitch_answer_days",
    "purpose_statement",
    "target_roles",
    "confidential_search",
    "current_employer",  # the id of a firm in the file, or null
    "aware_warning_threshold",
    "check_in_days",
    "search_paused_at",
)

# The keys version 2 added, by section: a restore of a version 1 file gives them their
# model defaults (no current employer, the default warning threshold, and so on).
ADDED_IN_VERSION_2 = {
    "profile": ("current_employer", "aware_warning_threshold", "digest_email"),
    "firms": ("works_for_my_employer",),
    "follow_ups": ("closed_by_rule",),
}

# Model fields that are deliberately not in the file: the row's own id is "id", and the
# owner is whoever restores the file.
# Bookkeeping of when the follow-ups were last made current is not data: a restored account
# starts out due for a sync.
SYNC_BOOKKEEPING = {
    "follow_ups_synced_at",
    "follow_ups_stale",
    "follow_ups_change_at",
    "updates_stale",
}
# The security epoch belongs to the account's links and sessions (recruiters.lifecycle).
NOT_EXPORTED = {
    Profile: {"id", "user", "security_epoch", *SYNC_BOOKKEEPING},
    **{section.model: {"id", "owner"} for section in SECTIONS},
}


def profile_fields():
    return [Profile._meta.get_field(name) for name in PROFILE_FIELD_NAMES]


def to_json(value):
    """A field's Python value as JSON: UTC ISO 8601 for date-times, ISO dates."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_account(user, *, now=None):
    """The whole account of `user` as a JSON-ready dict (see the module docstring)."""
    profile = user.profile
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": to_json(now or timezone.now()),
        "account": {"username": user.get_username(), "email": user.email},
        "profile": {f.name: to_json(getattr(profile, f.attname)) for f in profile_fields()},
    }
    for section in SECTIONS:
        fields = section.fields
        rows = (
            section.model.objects.owned_by(user)
            .order_by("pk")
            .values_list("pk", *(field.attname for field in fields))
        )
        data[section.key] = [
            {"id": pk, **{f.name: to_json(v) for f, v in zip(fields, values, strict=True)}}
            for pk, *values in rows
        ]
    return data
