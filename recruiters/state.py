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
  dated later, or the oldest one in the window leaving it; `next_touch_at`, the next
  interaction dated later alone, for every figure but the window counts); the sweep
  refreshes the rows whose moment has come (`refresh_expired`).

`rules.with_health` reads a row only while it holds and works the figure out from the
history otherwise, so a missing or expired row is never wrong, only slower. A bulk write
that skipped `refresh` would leave rows that claim to hold: every bulk writer must call it.
`manage.py rebuild_state` recomputes every row from the history.

Each write also marks rule-made follow-ups stale and syncs them once it commits, so the page
read after a write finds them current and writes nothing. How far a write reaches (`Reach`):
the follow-ups of its recruiters alone (`RecruiterState.follow_ups_stale`,
`mark_theirs_written`) when only theirs can change, which is the daily loop's case (logging
a message, a rename); theirs and every recruiter's update owed (`Profile.updates_stale`)
for an interview, news that every other recruiter holding a role with you is owed
(rules.updates_owed); all of the user's (`mark_written`) for a role (its stage is news, an
offer accepted; its title is in the feedback follow-ups of interviews with anyone), or a
bulk or settings write.
"""

import logging
from datetime import timedelta
from enum import IntEnum
from functools import partial

from django.db import connection, transaction
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from recruiters import rules, services
from recruiters.models import Interaction, Profile, Recruiter, RecruiterState, Role

log = logging.getLogger(__name__)

FIGURES = rules.RECRUITER_FIGURES


class Reach(IntEnum):
    """Whose rule-made follow-ups a write can change: its recruiters' alone; theirs and every
    recruiter's update owed; or all of the user's."""

    THEIRS = 0
    UPDATES = 1
    ALL = 2


def refresh(user, recruiter_ids=None, *, now=None, written=True, reach=Reach.ALL):
    """Recompute the kept state of `user`'s recruiters (all, or those of `recruiter_ids`) as
    of `now` from their history, in one statement: INSERT … SELECT … ON CONFLICT DO UPDATE,
    so the rows never travel through Python (an import's 10,000 new recruiters included).
    Ids of recruiters that are gone (or another user's) are ignored. Returns how many rows.

    `written`: the history changed (not only the time), so the rule-made follow-ups need
    making current too, as far as the write `reach`es: all of the user's if no
    `recruiter_ids` are given."""
    now = now or timezone.now()
    profile = Profile.objects.get(user=user)
    theirs_only = written and reach < Reach.ALL and recruiter_ids is not None
    # Before the upsert: a write takes the profile's lock before the states', as a sync.
    if written and not theirs_only:
        mark_written(profile.user_id)
    elif theirs_only and reach == Reach.UPDATES:
        Profile.objects.filter(user_id=profile.user_id).update(updates_stale=True)
    recruiters = Recruiter.objects.owned_by(profile.user_id)
    if recruiter_ids is not None:
        recruiters = recruiters.filter(pk__in=list(recruiter_ids))
    fresh = recruiters.order_by().annotate(
        kept_for=F("pk"), **rules.history_figures(profile, now), **_changes(profile, now)
    )
    rows = _upsert(fresh.values("kept_for", *CHANGES, *FIGURES), profile, now, theirs_only)
    rules.kept_state_written()
    if theirs_only:
        mark_theirs_written(profile.user_id)
    return rows


CHANGES = ("next_touch_at", "leaves_window_at")


def _changes(profile, now):
    """The two moments at which time alone changes a figure: the next interaction dated
    later than `now`, and the moment the oldest one in the window leaves it."""
    window = timedelta(days=profile.one_sided_window_days)
    later = Interaction.objects.filter(recruiter=OuterRef("pk"), occurred_at__gt=now)
    in_window = Interaction.objects.filter(
        recruiter=OuterRef("pk"), occurred_at__gt=now - window, occurred_at__lte=now
    )
    oldest = Subquery(in_window.order_by("occurred_at").values("occurred_at")[:1])
    return {
        "next_touch_at": Subquery(later.order_by("occurred_at").values("occurred_at")[:1]),
        "leaves_window_at": ExpressionWrapper(
            oldest + Value(window, output_field=DurationField()), output_field=DateTimeField()
        ),
    }


def _upsert(fresh, profile, now, follow_ups_stale):
    """Write `fresh` (one row per recruiter: its id as kept_for, CHANGES, FIGURES) into
    RecruiterState, holding from `now` until the first of its CHANGES. The SQL is portable:
    PostgreSQL and SQLite both take INSERT … SELECT … ON CONFLICT (SQLite needs the SELECT's
    WHERE)."""
    quote = connection.ops.quote_name
    sql, params = fresh.query.sql_with_params()
    next_touch, leaves = (f"fresh.{quote(name)}" for name in CHANGES)
    valid_until = (
        f"CASE WHEN {next_touch} IS NULL THEN {leaves} WHEN {leaves} IS NULL THEN {next_touch} "
        f"WHEN {next_touch} < {leaves} THEN {next_touch} ELSE {leaves} END"
    )
    columns = {
        "recruiter_id": f"fresh.{quote('kept_for')}",
        "owner_id": "%s",
        "computed_at": "%s",
        "window_days": "%s",
        "follow_ups_stale": "%s",
        "valid_until": valid_until,
        "next_touch_at": next_touch,
        **{name: f"fresh.{quote(name)}" for name in FIGURES},
    }
    kept = [name for name in columns if name not in ("recruiter_id", "owner_id")]
    if not follow_ups_stale:
        kept.remove("follow_ups_stale")  # a refresh for time alone leaves a write's mark
    statement = (
        f"INSERT INTO {quote(RecruiterState._meta.db_table)} "
        f"({', '.join(quote(name) for name in columns)}) "
        f"SELECT {', '.join(columns.values())} FROM ({sql}) fresh WHERE 1 = 1 "
        f"ON CONFLICT ({quote('recruiter_id')}) DO UPDATE SET "
        + ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in kept)
    )
    values = [
        profile.user_id,
        connection.ops.adapt_datetimefield_value(now),
        profile.one_sided_window_days,
        follow_ups_stale,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def mark_written(user_id):
    """Something the rules read was written: all of the user's rule-made follow-ups are stale
    until the next sync, which runs once the write commits (so the page read after a write
    finds them current and writes nothing), or else at the next read or sweep."""
    Profile.objects.filter(user_id=user_id).update(follow_ups_stale=True)
    transaction.on_commit(partial(sync_after_write, user_id))


def mark_theirs_written(user_id):
    """The rule-made follow-ups of the recruiters whose states were just written with
    `follow_ups_stale` are stale: synced, those alone, once the write commits (or else at
    the next read or sweep)."""
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


def _deleted_model(origin):
    """The model of what a delete was asked of (a row, or a queryset's rows)."""
    return origin.model if isinstance(origin, QuerySet) else type(origin)


def _deleted_with_its_recruiter(origin):
    """Was this row deleted because its recruiter (or the whole account) was?"""
    return _deleted_model(origin) not in (Interaction, Role)


def recruiter_before(sender, instance, raw=False, **kwargs):
    """Remember the recruiter an interaction or role had, and how far it reached: if it
    moves to another recruiter, both recruiters' figures change; if it was an interview
    (now a call, say), the others' updates owed may."""
    if instance.pk and not raw:
        fields = ["recruiter_id", "kind"] if sender is Interaction else ["recruiter_id"]
        previous = sender.objects.filter(pk=instance.pk).values(*fields).first()
        if previous is not None:
            instance._recruiter_before = previous["recruiter_id"]
            instance._reach_before = reach(sender, previous.get("kind"))


def reach(model, kind=None):
    """How far a write of an interaction (of `kind`) or a role reaches. An interview is news
    that an update owed tells every other recruiter (rules.updates_owed); the rest of what
    the rules owe the others is about their own history. A role reaches all: its stage
    is news (an offer accepted), and interviews with any recruiter may name it (a feedback
    follow-up's title)."""
    if model is not Interaction:
        return Reach.ALL
    return Reach.UPDATES if kind == Interaction.Kind.INTERVIEW else Reach.THEIRS


def written(sender, instance, origin=None, raw=False, **kwargs):
    """An interaction or role saved or deleted: refresh its recruiter, and the one before."""
    if raw or (origin is not None and _deleted_with_its_recruiter(origin)):
        return
    ids = {instance.recruiter_id, getattr(instance, "_recruiter_before", None)} - {None}
    reaches = reach(sender, getattr(instance, "kind", None))
    reaches = max(reaches, getattr(instance, "_reach_before", Reach.THEIRS))
    if ids:
        refresh(instance.owner_id, ids, reach=reaches)


def recruiter_saved(sender, instance, created, raw=False, **kwargs):
    """A new recruiter gets its state; a renamed one its follow-ups' titles."""
    if raw:
        return
    if created:
        refresh(instance.owner_id, [instance.pk], reach=Reach.THEIRS)
    elif RecruiterState.objects.filter(recruiter=instance).update(follow_ups_stale=True):
        mark_theirs_written(instance.owner_id)
    else:
        mark_written(instance.owner_id)


def recruiter_deleted(sender, instance, origin=None, **kwargs):
    """A recruiter deleted on its own (not with the account): its interviews and accepted
    offers were news for the others' updates owed."""
    if _deleted_model(origin) is Recruiter:
        mark_written(instance.owner_id)


def connect():
    for model in (Interaction, Role):
        name = model._meta.model_name
        pre_save.connect(recruiter_before, sender=model, dispatch_uid=f"state.{name}.before")
        post_save.connect(written, sender=model, dispatch_uid=f"state.{name}.saved")
        post_delete.connect(written, sender=model, dispatch_uid=f"state.{name}.deleted")
    post_save.connect(recruiter_saved, sender=Recruiter, dispatch_uid="state.recruiter.saved")
    post_delete.connect(recruiter_deleted, sender=Recruiter, dispatch_uid="state.recruiter.deleted")
