"""A recruiter's health: the figures on their page, and which rules fire for them now."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.db import connection
from django.db.models import OuterRef, Subquery, Value

from recruiters import rules
from recruiters.models import Interaction

# What each recruiter rule is called on the recruiter page, in the order shown.
RECRUITER_RULES = [
    ("silent", "Silent", rules.silent_recruiters),
    ("awaiting", "Awaiting their reply", rules.awaiting_reply),
    ("one_sided", "One-sided", rules.one_sided),
    ("update_owed", "You owe them an update", rules.updates_owed),
    ("check_in", "Worth a check-in", rules.check_in_due),
    ("dormant", "Dormant", rules.dormant_recruiters),
]
INTERACTION_RULES = [
    ("feedback_owed", "Feedback owed to you", rules.feedback_owed),
    ("pitch_answer", "You owe an answer", rules.unanswered_pitches),
]
# Rules returning roles: they fire for the recruiter presenting one of the roles.
ROLE_RULES = [
    ("double_submission", "Double submission", rules.double_submissions),
    (
        "unauthorised_submission",
        "Submitted you without authorisation",
        rules.unauthorised_submissions,
    ),
]

# Every rule on the card, in the order shown, with the field that names the recruiter in
# its rows.
CARD_RULES = [
    *((key, label, rule, "pk") for key, label, rule in RECRUITER_RULES),
    *((key, label, rule, "recruiter") for key, label, rule in INTERACTION_RULES + ROLE_RULES),
]


@dataclass
class ReplyStats:
    asked: int
    answered: int
    median_reply: timedelta | None

    @property
    def response_rate(self):
        return round(100 * self.answered / self.asked) if self.asked else None


def reply_stats(interactions, since, now):
    """How often and how fast a recruiter answers: of my questions (outbound, asking for a
    reply) in (since, now], how many got an inbound interaction after them, and the median
    time to the first one. The definition, over a loaded timeline: the recruiter page asks
    `window_reply_stats`, which gives the same figures in one query."""
    timeline = sorted(
        (i for i in interactions if i.occurred_at <= now), key=lambda i: i.occurred_at
    )
    outbound, inbound = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND
    asks = [
        i for i in timeline if i.direction == outbound and i.expects_reply and i.occurred_at > since
    ]
    delays = []
    for ask in asks:
        reply = next(
            (i for i in timeline if i.direction == inbound and i.occurred_at > ask.occurred_at),
            None,
        )
        if reply:
            delays.append(reply.occurred_at - ask.occurred_at)
    return ReplyStats(len(asks), len(delays), median(delays) if delays else None)


def window_reply_stats(recruiter, since, now):
    """`reply_stats` of `recruiter`'s whole timeline, in one query that reads only the
    questions in (since, now], each with the time of the first inbound interaction after it
    (up to `now`): an answer comes after its question, so it is in the window too. A
    recruiter with a thousand interactions costs what their questions cost, not the
    thousand."""
    outbound, inbound = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND
    first_reply = (
        Interaction.objects.filter(
            recruiter=recruiter.pk,
            direction=inbound,
            occurred_at__gt=OuterRef("occurred_at"),
            occurred_at__lte=now,
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    asks = (
        Interaction.objects.filter(
            recruiter=recruiter.pk,
            direction=outbound,
            expects_reply=True,
            occurred_at__gt=since,
            occurred_at__lte=now,
        )
        .order_by()
        .annotate(reply_at=Subquery(first_reply))
        .values_list("occurred_at", "reply_at")
    )
    asks = list(asks)
    delays = [reply_at - asked_at for asked_at, reply_at in asks if reply_at is not None]
    return ReplyStats(len(asks), len(delays), median(delays) if delays else None)


def firing_rules(recruiter, profile, now):
    """[(key, label)] of the rules that fire for `recruiter` now, in the order shown: one
    query, each rule's rows narrowed to the recruiter, joined by UNION ALL. (The same
    rules as EXISTS subqueries of one recruiter row cost a third more to build: Django
    resolves the outer reference through every rule's nesting.)"""
    # One row a rule is enough, where the database takes a LIMIT inside a UNION (SQLite not).
    rows = slice(1) if connection.features.supports_slicing_ordering_in_compound else slice(None)
    asked = [
        rule(profile, now).filter(**{column: recruiter.pk}).order_by().values_list(Value(key))[rows]
        for key, _, rule, column in CARD_RULES
    ]
    fired = {key for (key,) in asked[0].union(*asked[1:], all=True)}
    return [(key, label) for key, label, _, _ in CARD_RULES if key in fired]


def recruiter_health(recruiter, profile, now):
    """Everything the health card shows: a fixed number of queries, however long the
    recruiter's timeline (the page shows only a page of it)."""
    window_start = now - timedelta(days=profile.one_sided_window_days)
    rules.read_kept_state(profile, now)  # one query, then the rules read the kept columns
    return {
        "figures": rules.with_health(profile, now).get(pk=recruiter.pk),
        "replies": window_reply_stats(recruiter, window_start, now),
        "firing": firing_rules(recruiter, profile, now),
        "window_days": profile.one_sided_window_days,
    }
