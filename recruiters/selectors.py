"""Reads: the querysets the pages ask for, always scoped to one user."""

from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from recruiters import paging
from recruiters.models import Firm, FollowUp, Recruiter, Role
from recruiters.paging import Order

# Page sizes of the long lists (keyset pages, recruiters.paging).
TIMELINE_PAGE = 50
FOLLOW_UP_PAGE = 50
BOARD_PAGE = 25  # cards per stage

TIMELINE_ORDER = Order("occurred_at", descending=True)
FOLLOW_UP_ORDER = Order("due_at", descending=False)
BOARD_ORDER = Order("updated_at", descending=True)

# The columns each list's template reads (recruiters/_interaction.html, _follow_up.html
# with its tie badge, the role board's cards with theirs): nothing else is fetched.
TIMELINE_COLUMNS = (
    "recruiter",
    "occurred_at",
    "direction",
    "kind",
    "channel",
    "value",
    "expects_reply",
    "summary",
    "role",
    "role__title",
)
FOLLOW_UP_COLUMNS = (
    "title",
    "owed_by",
    "state",
    "due_at",
    "snoozed_until",
    "closed_at",
    "closed_by_rule",
    "recruiter",
    "recruiter__name",
    "role",
    "role__title",
    "role__employer",
    "role__recruiter",
)
ROLE_CARD_COLUMNS = (
    "title",
    "stage",
    "updated_at",
    "compensation_min",
    "compensation_max",
    "currency",
    "employer",
    "employer__name",
    "recruiter",
    "recruiter__name",
)


def owned_or_404(model, user, pk):
    """The row `pk` of `model` if `user` owns it; otherwise 404, never another user's row.
    Its owner is `user` itself, so that what the page reads of it (the profile) is not
    asked again."""
    row = get_object_or_404(model.objects.owned_by(user), pk=pk)
    row.owner = user
    return row


def recruiter_list(user, *, query="", kind="", tier="", firm_id=None):
    """Recruiters of `user`, searched by name, email, firm or specialty, then filtered."""
    recruiters = (
        Recruiter.objects.owned_by(user)
        .select_related("firm")
        .annotate(
            last_contact_at=Max("interactions__occurred_at"),
            active_role_count=Count(
                "roles", filter=Q(roles__stage__in=Role.ACTIVE_STAGES), distinct=True
            ),
        )
    )
    if query:
        recruiters = recruiters.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(firm__name__icontains=query)
            | Q(specialties__icontains=query)
        )
    if kind:
        recruiters = recruiters.filter(kind=kind)
    if tier:
        recruiters = recruiters.filter(tier=tier)
    if firm_id:
        recruiters = recruiters.filter(firm_id=firm_id)
    return recruiters


def firm_list(user):
    """Firms of `user` with how many recruiters and roles each has."""
    return Firm.objects.owned_by(user).annotate(
        recruiter_count=Count("recruiters", distinct=True),
        role_count=Count("roles", distinct=True),
    )


def timeline_page(recruiter, after=None, size=TIMELINE_PAGE):
    """A Page of `recruiter`'s timeline, newest first: the `size` interactions after the
    cursor `after` (the newest if None). One query."""
    interactions = recruiter.interactions.select_related("role").only(*TIMELINE_COLUMNS)
    return paging.page(interactions, TIMELINE_ORDER, size, after)


@dataclass
class Column:
    """A stage of the role board: how many roles are at it, and a Page of their cards."""

    stage: str
    label: str
    count: int
    cards: paging.Page

    @property
    def is_closed(self):
        return self.stage in (Role.Stage.REJECTED, Role.Stage.WITHDRAWN, Role.Stage.CLOSED)


def _board_cards(user):
    return (
        Role.objects.owned_by(user).select_related("employer", "recruiter").only(*ROLE_CARD_COLUMNS)
    )


def role_board(user, *, stage=None, after=None, size=BOARD_PAGE):
    """[Column] of every stage, in pipeline order: its count and its first `size` cards,
    most recently changed first; for `stage`, the cards after the cursor `after` instead.
    Two queries however many roles: the counts, and the cards (numbered within each stage
    by a window function, so that each stage stops at its page)."""
    counts = dict(
        Role.objects.owned_by(user).order_by().values_list("stage").annotate(n=Count("pk"))
    )
    cards = _board_cards(user)
    if stage and after:
        cards = cards.filter(~Q(stage=stage) | BOARD_ORDER.after(after))
    rank = Window(
        RowNumber(),
        partition_by=[F("stage")],
        order_by=[F("updated_at").desc(), F("pk").desc()],
    )
    ranked = cards.annotate(rank=rank).filter(rank__lte=size + 1).order_by(*BOARD_ORDER.order_by())
    by_stage = {value: [] for value in Role.Stage.values}
    for role in ranked:
        by_stage[role.stage].append(role)
    return [
        Column(
            value,
            label,
            counts.get(value, 0),
            paging.page_of(by_stage[value], BOARD_ORDER, size, after if value == stage else None),
        )
        for value, label in Role.Stage.choices
    ]


def stage_page(user, stage, after=None, size=BOARD_PAGE):
    """A Page of the cards at `stage`: the `size` after the cursor `after`. One query."""
    return paging.page(_board_cards(user).filter(stage=stage), BOARD_ORDER, size, after)


def open_follow_ups(user):
    return (
        FollowUp.objects.owned_by(user)
        .filter(state__in=FollowUp.State.PENDING)
        .select_related("recruiter", "role")
        .order_by("due_at")
    )


def open_follow_up_page(user, after=None, size=FOLLOW_UP_PAGE):
    """A Page of the open (or snoozed) follow-ups of `user`, by due date: the `size` after
    the cursor `after` (the first if None). One query."""
    follow_ups = (
        FollowUp.objects.owned_by(user)
        .filter(state__in=FollowUp.State.PENDING)
        .select_related("recruiter", "role")
        .only(*FOLLOW_UP_COLUMNS)
    )
    return paging.page(follow_ups, FOLLOW_UP_ORDER, size, after)


def open_follow_up_count(user):
    return FollowUp.objects.owned_by(user).filter(state__in=FollowUp.State.PENDING).count()


def closed_follow_ups(user, limit=20):
    return (
        FollowUp.objects.owned_by(user)
        .filter(state__in=FollowUp.State.CLOSED)
        .select_related("recruiter", "role")
        .only(*FOLLOW_UP_COLUMNS)
        .order_by("-closed_at")[:limit]
    )
