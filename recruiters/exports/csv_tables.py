"""One CSV file per table, for spreadsheets: readable headers, names beside ids.

The files are UTF-8 with a byte-order mark (Excel otherwise reads UTF-8 as a legacy code
page) and CRLF line ends. Choices are written as their labels ("Recruiting agency"),
yes/no for booleans, dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM in the user's time
zone, which the header names. Every text cell that a spreadsheet would take for a formula
is neutralised (see `neutralise`). Rows are streamed, a chunk at a time.
"""

import csv
from dataclasses import dataclass
from datetime import date, datetime

from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role

BOM = "\ufeff"

# OWASP, "CSV Injection": a cell beginning with one of these is run as a formula by
# spreadsheet programs; a leading apostrophe makes it plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` with an apostrophe in front if a spreadsheet would evaluate it."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # row -> cell value (str, int, bool, date, datetime or None)
    local_time: bool = False  # a datetime, written in the user's time zone


@dataclass(frozen=True)
class Table:
    slug: str  # in the URL and the file name
    title: str
    model: type
    related: tuple  # select_related paths the columns read
    columns: tuple

    def rows(self, user):
        queryset = self.model.objects.owned_by(user).select_related(*self.related)
        return queryset.order_by("pk")

    def headers(self, zone_name):
        return [
            f"{column.header} ({zone_name})" if column.local_time else column.header
            for column in self.columns
        ]


def _id(row, path):
    """The id at the end of `path` ("recruiter.firm"), or None where a link is empty."""
    for name in path.split("."):
        row = getattr(row, name)
        if row is None:
            return None
    return row.pk


def _name(row, path):
    for name in path.split("."):
        row = getattr(row, name)
        if row is None:
            return None
    return str(row)


def _timestamps():
    return (
        Column("Created", lambda row: row.created_at, local_time=True),
        Column("Updated", lambda row: row.updated_at, local_time=True),
    )


TABLES = {
    table.slug: table
    for table in [
        Table(
            "firms",
            "Firms",
            Firm,
            (),
            (
                Column("ID", lambda f: f.pk),
                Column("Name", lambda f: f.name),
                Column("Kind", lambda f: f.get_kind_display()),
                Column("Website", lambda f: f.website),
                Column("Works for my employer", lambda f: f.works_for_my_employer),
                Column("Notes", lambda f: f.notes),
                *_timestamps(),
            ),
        ),
        Table(
            "recruiters",
            "Recruiters",
            Recruiter,
            ("firm",),
            (
                Column("ID", lambda r: r.pk),
                Column("Name", lambda r: r.name),
                Column("Firm ID", lambda r: _id(r, "firm")),
                Column("Firm", lambda r: _name(r, "firm")),
                Column("Kind", lambda r: r.get_kind_display()),
                Column("Tier", lambda r: r.get_tier_display()),
                Column("Who initiated", lambda r: r.get_initiated_by_display()),
                Column("Email", lambda r: r.email),
                Column("Phone", lambda r: r.phone),
                Column("LinkedIn URL", lambda r: r.linkedin_url),
                Column("Specialties", lambda r: r.specialties),
                Column("Silence threshold (days)", lambda r: r.silence_threshold_days),
                Column("Notes", lambda r: r.notes),
                *_timestamps(),
            ),
        ),
        Table(
            "roles",
            "Roles",
            Role,
            ("employer", "recruiter"),
            (
                Column("ID", lambda r: r.pk),
                Column("Title", lambda r: r.title),
                Column("Employer ID", lambda r: _id(r, "employer")),
                Column("Employer", lambda r: _name(r, "employer")),
                Column("Recruiter ID", lambda r: _id(r, "recruiter")),
                Column("Recruiter", lambda r: _name(r, "recruiter")),
                Column("Stage", lambda r: r.get_stage_display()),
                Column("Stage changed", lambda r: r.stage_changed_at, local_time=True),
                Column("Compensation min", lambda r: r.compensation_min),
                Column("Compensation max", lambda r: r.compensation_max),
                Column("Currency", lambda r: r.currency),
                Column("Location", lambda r: r.location),
                Column("Work mode", lambda r: r.get_work_mode_display()),
                Column("Link", lambda r: r.link),
                Column("Submitted on", lambda r: r.submitted_on),
                Column("Submission authorised", lambda r: r.submission_authorised),
                Column("Notes", lambda r: r.notes),
                *_timestamps(),
            ),
        ),
        Table(
            "interactions",
            "Interactions",
            Interaction,
            ("recruiter__firm", "role"),
            (
                Column("ID", lambda i: i.pk),
                Column("When", lambda i: i.occurred_at, local_time=True),
                Column("Recruiter ID", lambda i: _id(i, "recruiter")),
                Column("Recruiter", lambda i: _name(i, "recruiter")),
                Column("Firm", lambda i: _name(i, "recruiter.firm")),
                Column("Role ID", lambda i: _id(i, "role")),
                Column("Role", lambda i: _name(i, "role.title")),
                Column("Direction", lambda i: i.get_direction_display()),
                Column("Channel", lambda i: i.get_channel_display()),
                Column("Kind", lambda i: i.get_kind_display()),
                Column("Summary", lambda i: i.summary),
                Column("Value carried", lambda i: i.get_value_display()),
                Column("Asks for a reply", lambda i: i.expects_reply),
                *_timestamps(),
            ),
        ),
        Table(
            "follow-ups",
            "Follow-ups",
            FollowUp,
            ("recruiter", "role"),
            (
                Column("ID", lambda f: f.pk),
                Column("What", lambda f: f.title),
                Column("Who owes it", lambda f: f.get_owed_by_display()),
                Column("Recruiter ID", lambda f: _id(f, "recruiter")),
                Column("Recruiter", lambda f: _name(f, "recruiter")),
                Column("Role ID", lambda f: _id(f, "role")),
                Column("Role", lambda f: _name(f, "role.title")),
                Column("Due", lambda f: f.due_at, local_time=True),
                Column("State", lambda f: f.get_state_display()),
                Column("Snoozed until", lambda f: f.snoozed_until, local_time=True),
                Column("Closed", lambda f: f.closed_at, local_time=True),
                Column("Closed by rule", lambda f: f.closed_by_rule),
                Column("Made by rule", lambda f: f.get_rule_display()),
                Column("Notes", lambda f: f.notes),
                *_timestamps(),
            ),
        ),
    ]
}


def cell(value, zone):
    """A value as the text of one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


class _Echo:
    """A file whose write() hands back what it is given, so csv.writer yields lines."""

    def write(self, value):
        return value


def stream(table, user, *, chunk_size=500):
    """The CSV lines of `table` for `user`: the header first (after the BOM), then rows."""
    profile = user.profile
    zone = profile.zone
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([neutralise(h) for h in table.headers(profile.time_zone)])
    for row in table.rows(user).iterator(chunk_size=chunk_size):
        yield writer.writerow([cell(column.value(row), zone) for column in table.columns])
