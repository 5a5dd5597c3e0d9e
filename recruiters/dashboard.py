"""The "needs attention" dashboard: every section one rule of recruiters.rules, evaluated now.

A constant number of queries however many recruiters and interactions there are, and only
what is shown: each section asks the database for its first SECTION_LIMIT rows and, in the
same query, how many there are in all (a window count), unless it is the one expanded. On a
large account the sections of follow-ups and roles take two queries instead: the first
rows' ids and the total, then those rows (first_rows).
"""

from dataclasses import dataclass, fields
from datetime import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from recruiters import rules, services
from recruiters.models import FollowUp, Recruiter

SECTION_LIMIT = 10  # items shown per section before "Show all": a day's worth, fast to read
# From this many recruiters on, the sections of follow-ups and roles are read ids first
# (first_rows). Measured side by side: at 200 recruiters it costs 8 ms of Python more a
# dashboard, at 2,000 it is even, at 20,000 it saves 150 ms of the database's time.
IDS_FIRST_FROM = 5_000
# The dashboard's sections, as the page's "?all=" names them, and as Dashboard names them.
SECTION_NAMES = {
    "overdue": "overdue",
    "due-today": "due_today",
    "you-owe": "you_owe",
    "feedback-owed": "feedback_owed",
    "silent": "silent",
    "awaiting": "awaiting_reply",
    "one-sided": "one_sided",
    "double": "double_submissions",
    "unauthorised": "unauthorised_submissions",
    "check-in": "check_ins",
    "dormant": "dormant",
}


class Rows(list):
    """A section's rows as shown (its first SECTION_LIMIT, or all when expanded), and
    `total`: how many there are in all."""

    def __init__(self, rows, total):
        super().__init__(rows)
        self.total = total


def _ordering(queryset):
    """`queryset`'s ordering, then the primary key: rows that tie come in one fixed order,
    whether a section is read for one user or for many (first_rows_by_owner)."""
    return [*queryset.query.order_by, "pk"]


def first_rows(queryset, limit, *, ids_first=False):
    """The first `limit` rows of `queryset` (all if None) and their total, in one query; or,
    with `ids_first`, in two: the first rows' ids and the total from a narrow query (the
    sort key and the id of each row), then those rows in full.

    Two queries pay off for rows that join others (a follow-up its recruiter and role, a
    role its recruiter and employer) and whose rule is cheap to ask again for a few ids:
    in one query the database joins every row of the section and carries it through the
    window count and the sort, to keep ten (11,000 rows for "You owe an update" at 20,000
    recruiters: 48 ms, against 12 ms in two; docs/performance.md)."""
    queryset = queryset.order_by(*_ordering(queryset))
    if limit is None:
        rows = list(queryset)
        return Rows(rows, len(rows))
    counted = queryset.annotate(section_total=Window(Count("*")))
    if not ids_first:
        rows = list(counted[:limit])
        return Rows(rows, rows[0].section_total if rows else 0)
    page = list(counted.values_list("pk", "section_total")[:limit])
    found = queryset.in_bulk([pk for pk, _ in page])
    # A row written out of the section between the two queries is left out.
    return Rows([found[pk] for pk, _ in page if pk in found], page[0][1] if page else 0)


def first_rows_by_owner(queryset, limit):
    """{owner id: Rows}: each owner's first `limit` rows of `queryset` and their total, for
    every owner at once, in one query (owners with no rows are left out)."""
    order = [
        F(name[1:]).desc() if name.startswith("-") else F(name).asc()
        for name in _ordering(queryset)
    ]
    ranked = queryset.annotate(
        section_row=Window(RowNumber(), partition_by=F("owner"), order_by=order),
        section_total=Window(Count("*"), partition_by=F("owner")),
    ).filter(section_row__lte=limit)
    by_owner = {}
    for row in ranked.order_by("owner", "section_row"):
        by_owner.setdefault(row.owner_id, []).append(row)
    return {owner: Rows(rows, rows[0].section_total) for owner, rows in by_owner.items()}


@dataclass
class Dashboard:
    overdue: Rows
    due_today: Rows
    feedback_owed: Rows
    you_owe: Rows
    silent: Rows
    awaiting_reply: Rows
    one_sided: Rows
    double_submissions: Rows
    unauthorised_submissions: Rows
    check_ins: Rows
    dormant: Rows
    recruiter_count: int
    now: datetime

    @property
    def counts(self):
        """{section: how many rows it has in all}."""
        return {f.name: getattr(self, f.name).total for f in fields(self) if f.type is Rows}

    @property
    def is_empty(self):
        return not any(self.counts.values())


def sections(owners, now):
    """{section: the queryset of its rows} for `owners` (a Profile or rules.Owners) at
    `now`, each one rule of recruiters.rules."""
    overdue = rules.overdue_follow_ups(owners, now)
    due_today = rules.due_today_follow_ups(owners, now)
    # Rule-made follow-ups get their own sections (overdue ones first), so they are listed once.
    by_rule = rules.due_by_end_of_today_follow_ups(owners, now).exclude(rule="")
    feedback = FollowUp.Rule.FEEDBACK_OWED
    return {
        "overdue": overdue.filter(rule=""),
        "due_today": due_today.filter(rule=""),
        "feedback_owed": by_rule.filter(rule=feedback),
        "you_owe": by_rule.exclude(rule=feedback),
        "silent": rules.silent_recruiters(owners, now),
        # A silent recruiter is awaiting a reply too: list it once, as silent.
        "awaiting_reply": rules.awaiting_reply_not_silent(owners, now),
        "one_sided": rules.one_sided(owners, now),
        "double_submissions": rules.double_submissions(owners, now),
        "unauthorised_submissions": rules.unauthorised_submissions(owners, now),
        "check_ins": rules.check_in_due(owners, now),
        "dormant": rules.gone_dormant(owners, now),
    }


def build(profile, now=None, *, expanded=None):
    """Make the rule-made follow-ups current if anything changed, then read every section:
    its first rows and its total (all rows of the section named `expanded`)."""
    now = now or timezone.now()
    services.sync_rule_follow_ups_if_needed(profile, now)
    recruiter_count = rules.read_kept_state(profile, now).recruiter_counts.get(profile.user_id, 0)
    # Not for recruiters: what their rules cost is the rule itself (every recruiter's kept
    # state read), which asking again for ten ids repeats, for little saved (the rows are
    # narrow). Nor for smaller accounts, where the second query costs more than it saves.
    ids_first = recruiter_count >= IDS_FIRST_FROM
    rows = {
        name: first_rows(
            queryset,
            None if name == expanded else SECTION_LIMIT,
            ids_first=ids_first and queryset.model is not Recruiter,
        )
        for name, queryset in sections(profile, now).items()
    }
    return Dashboard(**rows, recruiter_count=recruiter_count, now=now)


def build_many(profiles, now):
    """{user id: Dashboard} of every profile in `profiles` at `now`, as `build` makes each,
    with the same queries however many profiles there are: the digests of a batch of users.
    The sync runs only for the users who need it (services.needing_sync)."""
    for profile in services.needing_sync(now).filter(pk__in=[p.pk for p in profiles]):
        services.sync_rule_follow_ups_if_needed(profile, now)
    owners = rules.Owners(profiles)
    recruiter_counts = rules.read_kept_state(owners, now).recruiter_counts
    rows = {
        name: first_rows_by_owner(queryset, SECTION_LIMIT)
        for name, queryset in sections(owners, now).items()
    }
    return {
        user_id: Dashboard(
            **{name: by_owner.get(user_id, Rows([], 0)) for name, by_owner in rows.items()},
            recruiter_count=recruiter_counts.get(user_id, 0),
            now=now,
        )
        for user_id in owners.user_ids
    }
