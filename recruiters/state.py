"""Relationship state kept on write: one RecruiterState row per recruiter.

The rules' recruiter figures (rules.history_figures: last contact either way, the first
unanswered question, open roles, the window's counts...) are worked out from the history in
one correlated subquery each; at 2,000 recruiters and 100,000 interactions that is most of a
dashboard's time. So each recruiter's figures are kept in a row, recomputed in the
transaction of every write that changes them:

- an interaction saved or deleted (its recruiter), a role saved or deleted (its recruiter,
  and the one it had before), a recruiter created: the signals below;
- bulk writes (imports, restore, the demo account): `refresh(user)` when they are done;
- a change of the one-sided window, which every count depends on: `refresh(user)`;
- time passing: each row says until when it holds (`valid_until`: the next interaction
  dated later, or the oldest one in the window leaving it); the sweep refreshes the rows
  whose moment has come (`refresh_expired`).

`rules.with_health` reads a row only while it holds and works the figure out from the
history otherwise, so a missing or expired row is never wrong, only slower. A bulk write
that skipped `refresh` would leave rows that claim to hold: every bulk writer must call it.
`manage.py rebuild_state` recomputes every row from the history.

Each write also marks the user's rule-made follow-ups stale and syncs them once it commits
(`mark_written`), so the page read after a write finds them current.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from recruiters import rules, services
from recruiters.models import Interaction, Profile, Recruiter, RecruiterState, Role

log = logging.getLogger(__name__)

FIGURES = rules.RECRUITER_FIGURES


def refresh(user, recruiter_ids=None, *, now=None, written=True):
    """Recompute the kept state of `user`'s recruiters (all, or those of `recruiter_ids`) as
    of `now` from their history: one SELECT, and an upsert per thousand rows. Ids of
    recruiters that are gone (or another user's) are ignored. Returns how many rows.

    `written`: the history changed (not only the time), so the rule-made follow-ups need
    making current too (Profile.follow_ups_stale)."""
    now = now or timezone.now()
    profile = Profile.objects.get(user=user)
    recruiters = Recruiter.objects.owned_by(profile.user_id)
    if recruiter_ids is not None:
        recruiters = recruiters.filter(pk__in=list(recruiter_ids))
    window = timedelta(days=profile.one_sided_window_days)
    later = Interaction.objects.filter(recruiter=OuterRef("pk"), occurred_at__gt=now)
    in_window = Interaction.objects.filter(
        recruiter=OuterRef("pk"), occurred_at__gt=now - window, occurred_at__lte=now
    )
    rows = recruiters.annotate(
        **rules.history_figures(profile, now),
        next_touch_at=Subquery(later.order_by("occurred_at").values("occurred_at")[:1]),
        oldest_in_window_at=Subquery(in_window.order_by("occurred_at").values("occurred_at")[:1]),
    ).values("pk", "next_touch_at", "oldest_in_window_at", *FIGURES)
    states = [_state(row, profile, now, window) for row in rows]
    RecruiterState.objects.bulk_create(
        states,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["recruiter"],
        update_fields=["computed_at", "valid_until", "window_days", *FIGURES],
    )
    rules.kept_state_written()
    if written:
        mark_written(profile.user_id)
    return len(states)


def mark_written(user_id):
    """Something the rules read was written: the rule-made follow-ups are stale until the
    next sync, which runs once the write commits (so the page read after a write finds them
    current and writes nothing), or else at the next read or sweep."""
    Profile.objects.filter(user_id=user_id).update(follow_ups_stale=True)
    transaction.on_commit(partial(sync_after_write, user_id))


def sync_after_write(user_id):
    """After a write commits: make `user_id`'s rule-made follow-ups current. The first of a
    transaction's callbacks syncs; the others find them current (one SELECT). A failure is
    logged, not raised: the write stands, and the next read or sweep syncs."""
    try:
        profile = Profile.objects.select_related("user").get(user_id=user_id)
        services.sync_rule_follow_ups_if_needed(profile)
    except Exception:
        log.exception("Syncing the follow-ups of user %s after a write failed", user_id)


def _state(row, profile, now, window):
    """The row's figures, holding from `now` until the next interaction dated later or the
    moment the oldest one in the window leaves it, whichever comes first."""
    leaves_window_at = row["oldest_in_window_at"] and row["oldest_in_window_at"] + window
    changes = [moment for moment in (row["next_touch_at"], leaves_window_at) if moment]
    return RecruiterState(
        recruiter_id=row["pk"],
        owner_id=profile.user_id,
        computed_at=now,
        valid_until=min(changes, default=None),
        window_days=profile.one_sided_window_days,
        **{name: row[name] for name in FIGURES},
    )


def refresh_expired(now=None, *, limit=10_000):
    """Refresh the kept states that no longer hold at `now` (their `valid_until` has passed),
    user by user, at most `limit` rows, oldest first. Returns how many were refreshed."""
    now = now or timezone.now()
    due = RecruiterState.objects.filter(valid_until__lte=now).order_by("valid_until")
    by_user = {}
    for owner_id, recruiter_id in due.values_list("owner", "recruiter")[:limit]:
        by_user.setdefault(owner_id, []).append(recruiter_id)
    return sum(refresh(owner_id, ids, now=now, written=False) for owner_id, ids in by_user.items())


# Signals: writes of one row at a time, refreshed in the writing transaction -----------------


def _deleted_with_its_recruiter(origin):
    """Was this row deleted because its recruiter (or the whole account) was?"""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model not in (Interaction, Role)


def recruiter_before(sender, instance, raw=False, **kwargs):
    """Remember the recruiter an interaction or role had: if it moves to another recruiter,
    both recruiters' figures change."""
    if instance.pk and not raw:
        previous = sender.objects.filter(pk=instance.pk).values_list("recruiter_id", flat=True)
        instance._recruiter_before = previous.first()


def written(sender, instance, origin=None, raw=False, **kwargs):
    """An interaction or role saved or deleted: refresh its recruiter, and the one before."""
    if raw or (origin is not None and _deleted_with_its_recruiter(origin)):
        return
    ids = {instance.recruiter_id, getattr(instance, "_recruiter_before", None)} - {None}
    if ids:
        refresh(instance.owner_id, ids)


def recruiter_saved(sender, instance, created, raw=False, **kwargs):
    """A new recruiter gets its state; a renamed one its follow-ups' titles."""
    if raw:
        return
    if created:
        refresh(instance.owner_id, [instance.pk])
    else:
        mark_written(instance.owner_id)


def connect():
    for model in (Interaction, Role):
        name = model._meta.model_name
        pre_save.connect(recruiter_before, sender=model, dispatch_uid=f"state.{name}.before")
        post_save.connect(written, sender=model, dispatch_uid=f"state.{name}.saved")
        post_delete.connect(written, sender=model, dispatch_uid=f"state.{name}.deleted")
    post_save.connect(recruiter_saved, sender=Recruiter, dispatch_uid="state.recruiter.saved")
