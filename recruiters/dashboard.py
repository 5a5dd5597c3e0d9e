"""The "needs attention" dashboard: every section one rule of recruiters.rules, evaluated now.

A constant number of queries however many recruiters and interactions there are.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from recruiters import rules, services
from recruiters.models import FollowUp, Recruiter

SECTION_LIMIT = 25  # items shown per section before "Show all"


@dataclass
class Dashboard:
    overdue: list
    due_today: list
    feedback_owed: list
    you_owe: list
    silent: list
    awaiting_reply: list
    one_sided: list
    double_submissions: list
    unauthorised_submissions: list
    check_ins: list
    dormant: list
    recruiter_count: int
    now: datetime
    counts: dict = field(default_factory=dict)

    @property
    def is_empty(self):
        return not any(self.counts.values())


def build(profile, now=None):
    """Make the rule-made follow-ups current, then read every section."""
    now = now or timezone.now()
    services.sync_rule_follow_ups(profile, now)
    overdue = list(rules.overdue_follow_ups(profile, now))
    due_today = list(rules.due_today_follow_ups(profile, now))
    # Rule-made follow-ups get their own sections, so they are listed once.
    by_rule = [f for f in overdue + due_today if f.rule]
    silent = list(rules.silent_recruiters(profile, now))
    check_ins = list(rules.check_in_due(profile, now))
    sections = {
        "overdue": [f for f in overdue if not f.rule],
        "due_today": [f for f in due_today if not f.rule],
        "feedback_owed": [f for f in by_rule if f.rule == FollowUp.Rule.FEEDBACK_OWED],
        "you_owe": [f for f in by_rule if f.rule != FollowUp.Rule.FEEDBACK_OWED],
        "silent": silent,
        # A silent recruiter is awaiting a reply too: list it once, as silent.
        "awaiting_reply": list(
            rules.awaiting_reply(profile, now).exclude(pk__in=[r.pk for r in silent])
        ),
        "one_sided": list(rules.one_sided(profile, now)),
        "double_submissions": list(rules.double_submissions(profile, now)),
        "unauthorised_submissions": list(rules.unauthorised_submissions(profile, now)),
        "check_ins": check_ins,
        # Dormant relationships not yet tiered dormant: worth a check-in or a downgrade.
        "dormant": list(
            rules.dormant_recruiters(profile, now)
            .exclude(tier=Recruiter.Tier.DORMANT)
            .exclude(pk__in=[r.pk for r in check_ins])
        ),
    }
    return Dashboard(
        **sections,
        recruiter_count=Recruiter.objects.owned_by(profile.user).count(),
        now=now,
        counts={name: len(items) for name, items in sections.items()},
    )
