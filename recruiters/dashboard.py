"""The "needs attention" dashboard: every section one rule of recruiters.rules, evaluated now.

A constant number of queries however many recruiters and interactions there are, and only
what is shown: each section asks the database for its first SECTION_LIMIT rows and, in the
same query, how many there are in all (a window count), unless it is the one expanded.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Window
from django.utils import timezone

from recruiters import rules, services
from recruiters.models import FollowUp, Recruiter

SECTION_LIMIT = 10  # items shown per section before "Show all": a day's worth, fast to read
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


def first_rows(queryset, limit):
    """The first `limit` rows of `queryset` (all if None) and their total, in one query."""
    if limit is None:
        rows = list(queryset)
        return Rows(rows, len(rows))
    rows = list(queryset.annotate(section_total=Window(Count("*")))[:limit])
    return Rows(rows, rows[0].section_total if rows else 0)


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
    counts: dict = field(default_factory=dict)

    @property
    def is_empty(self):
        return not any(self.counts.values())


def build(profile, now=None, *, expanded=None):
    """Make the rule-made follow-ups current if anything changed, then read every section:
    its first rows and its total (all rows of the section named `expanded`)."""
    now = now or timezone.now()
    services.sync_rule_follow_ups_if_needed(profile, now)
    rules.read_kept_state(profile, now)

    def limit(name):
        return None if name == expanded else SECTION_LIMIT

    overdue = rules.overdue_follow_ups(profile, now)
    due_today = rules.due_today_follow_ups(profile, now)
    # Rule-made follow-ups get their own sections (overdue ones first), so they are listed once.
    by_rule = rules.due_by_end_of_today_follow_ups(profile, now).exclude(rule="")
    feedback = FollowUp.Rule.FEEDBACK_OWED
    silent = rules.silent_recruiters(profile, now)
    check_ins = rules.check_in_due(profile, now)
    sections = {
        "overdue": first_rows(overdue.filter(rule=""), limit("overdue")),
        "due_today": first_rows(due_today.filter(rule=""), limit("due_today")),
        "feedback_owed": first_rows(by_rule.filter(rule=feedback), limit("feedback_owed")),
        "you_owe": first_rows(by_rule.exclude(rule=feedback), limit("you_owe")),
        "silent": first_rows(silent, limit("silent")),
        # A silent recruiter is awaiting a reply too: list it once, as silent.
        "awaiting_reply": first_rows(
            rules.awaiting_reply(profile, now).exclude(pk__in=silent.values("pk")),
            limit("awaiting_reply"),
        ),
        "one_sided": first_rows(rules.one_sided(profile, now), limit("one_sided")),
        "double_submissions": first_rows(
            rules.double_submissions(profile, now), limit("double_submissions")
        ),
        "unauthorised_submissions": first_rows(
            rules.unauthorised_submissions(profile, now), limit("unauthorised_submissions")
        ),
        "check_ins": first_rows(check_ins, limit("check_ins")),
        # Dormant relationships not yet tiered dormant: worth a check-in or a downgrade.
        "dormant": first_rows(
            rules.dormant_recruiters(profile, now)
            .exclude(tier=Recruiter.Tier.DORMANT)
            .exclude(pk__in=check_ins.values("pk")),
            limit("dormant"),
        ),
    }
    return Dashboard(
        **sections,
        recruiter_count=Recruiter.objects.owned_by(profile.user).count(),
        now=now,
        counts={name: rows.total for name, rows in sections.items()},
    )
