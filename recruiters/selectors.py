"""Reads: the querysets the pages ask for, always scoped to one user."""

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404

from recruiters.models import Firm, FollowUp, Recruiter, Role


def owned_or_404(model, user, pk):
    """The row `pk` of `model` if `user` owns it; otherwise 404, never another user's row."""
    return get_object_or_404(model.objects.owned_by(user), pk=pk)


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


def timeline(recruiter):
    """Every interaction with `recruiter`, newest first, with its role."""
    return recruiter.interactions.select_related("role")


def roles_by_stage(user):
    """[(stage value, label, [roles])] for every stage, in pipeline order."""
    roles = Role.objects.owned_by(user).select_related("employer", "recruiter")
    board = {stage: [] for stage in Role.Stage.values}
    for role in roles:
        board[role.stage].append(role)
    return [(stage, label, board[stage]) for stage, label in Role.Stage.choices]


def open_follow_ups(user):
    return (
        FollowUp.objects.owned_by(user)
        .filter(state__in=FollowUp.State.PENDING)
        .select_related("recruiter", "role")
        .order_by("due_at")
    )


def closed_follow_ups(user, limit=20):
    return (
        FollowUp.objects.owned_by(user)
        .filter(state__in=FollowUp.State.CLOSED)
        .select_related("recruiter", "role")
        .order_by("-closed_at")[:limit]
    )
