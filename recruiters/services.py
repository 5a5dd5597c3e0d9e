"""Writes: every change to the domain that is more than saving one form."""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from recruiters import rules
from recruiters.models import FollowUp, Interaction, Profile, RecruiterState, Role


def ensure_profile(sender, instance, created, **kwargs):
    """post_save of a user: every user has a Profile with the designed defaults."""
    if created:
        Profile.objects.get_or_create(user=instance)


def log_quick_touch(recruiter, *, direction, summary, now=None):
    """A one-click interaction from the dashboard: a check-in, now, by email."""
    return Interaction.objects.create(
        owner=recruiter.owner,
        recruiter=recruiter,
        occurred_at=now or timezone.now(),
        direction=direction,
        kind=Interaction.Kind.CHECK_IN,
        channel=Interaction.Channel.EMAIL,
        summary=summary,
    )


def complete_follow_up(follow_up, *, now=None):
    _set_state(follow_up, FollowUp.State.DONE, closed_at=now or timezone.now())


def dismiss_follow_up(follow_up, *, now=None):
    _set_state(follow_up, FollowUp.State.DISMISSED, closed_at=now or timezone.now())


def snooze_follow_up(follow_up, *, days=3, now=None):
    """Hide the follow-up until `days` from now; it comes back as due then."""
    until = (now or timezone.now()) + timedelta(days=days)
    _set_state(follow_up, FollowUp.State.SNOOZED, snoozed_until=until)


def reopen_follow_up(follow_up):
    _set_state(follow_up, FollowUp.State.OPEN)


def _set_state(follow_up, state, *, snoozed_until=None, closed_at=None):
    """The user's own decision on a follow-up (never the rules')."""
    follow_up.state = state
    follow_up.snoozed_until = snoozed_until
    follow_up.closed_at = closed_at
    follow_up.closed_by_rule = False
    follow_up.save(
        update_fields=["state", "snoozed_until", "closed_at", "closed_by_rule", "updated_at"]
    )


def move_role(role, *, stage, now=None):
    """Move `role` to `stage`, noting when; a first submission records the day it happened."""
    now = now or timezone.now()
    if stage != role.stage:
        role.stage = stage
        role.stage_changed_at = now
    if stage == Role.Stage.SUBMITTED and role.submitted_on is None:
        role.submitted_on = timezone.localdate(now)
    role.save(update_fields=["stage", "stage_changed_at", "submitted_on", "updated_at"])


def authorise_submission(role):
    """Record that you agreed `role`'s recruiter may submit you there (right to represent):
    rules.unauthorised_submissions stops listing it."""
    role.submission_authorised = True
    role.save(update_fields=["submission_authorised", "updated_at"])


def rule_obligations(profile, now, recruiter_ids=None, *, every_update=False):
    """The follow-ups that the rules imply right now, unsaved, each keyed by its cause (only
    those about the recruiters of `recruiter_ids`, if given, and with `every_update` the
    updates owed to every recruiter too).

    - feedback owed by the recruiter after an interview (rules.feedback_owed): one per
      interview;
    - an answer owed by me to a recruiter's pitches (rules.unanswered_pitches): one per
      recruiter and first unanswered pitch;
    - an update owed by me to a recruiter with an active submission (rules.updates_owed):
      one per recruiter and last status update sent to them (or "never"), due at the
      earliest news they have not heard, its notes listing all of it.
    """

    def theirs(rows, recruiter="recruiter"):
        return rows if recruiter_ids is None else rows.filter(**{f"{recruiter}__in": recruiter_ids})

    owed = []
    for interview in causes(theirs(rules.feedback_owed(profile, now))):
        about = f" about {interview.role__title}" if interview.role_id else ""
        owed.append(
            FollowUp(
                owed_by=FollowUp.OwedBy.RECRUITER,
                title=f"Feedback from {interview.recruiter__name} on the interview{about}",
                notes=f"Interview on {local_day(interview.occurred_at, profile)}; no feedback "
                f"after {profile.feedback_business_days} business days.",
                recruiter_id=interview.recruiter_id,
                role_id=interview.role_id,
                due_at=rules.feedback_due_at(interview, profile),
                rule=FollowUp.Rule.FEEDBACK_OWED,
                rule_key=str(interview.pk),
            )
        )
    pitches_by_recruiter = {}
    for pitch in causes(theirs(rules.unanswered_pitches(profile, now))):
        pitches_by_recruiter.setdefault(pitch.recruiter_id, []).append(pitch)
    for recruiter_id, pitches in pitches_by_recruiter.items():
        first, alone = pitches[0], len(pitches) == 1
        owed.append(
            FollowUp(
                owed_by=FollowUp.OwedBy.ME,
                title=f"Answer {first.recruiter__name}"
                + (f" about {first.role__title}" if first.role_id and alone else ""),
                notes=f"{len(pitches)} pitch{'es' if len(pitches) > 1 else ''} since "
                f"{local_day(first.occurred_at, profile)}, nothing sent back.",
                recruiter_id=recruiter_id,
                role_id=first.role_id if alone else None,
                due_at=first.occurred_at + timedelta(days=profile.pitch_answer_days),
                rule=FollowUp.Rule.PITCH_ANSWER,
                rule_key=str(first.pk),
            )
        )
    updates = rules.updates_owed(profile, now)
    owed_updates = list(
        (updates if every_update else theirs(updates, "pk")).select_related(None).only("name")
    )
    news = rules.UpdateNews(profile, now) if owed_updates else None
    for recruiter in owed_updates:
        untold = news.untold(recruiter)
        update = FollowUp(
            owed_by=FollowUp.OwedBy.ME,
            title=f"Update {recruiter} on your search",
            notes=update_note(recruiter, untold, profile),
            recruiter=recruiter,
            due_at=untold.named[0][0],
            rule=FollowUp.Rule.UPDATE_OWED,
            rule_key=update_key(recruiter.pk, recruiter.last_update_at),
        )
        update.latest_news_at = untold.latest  # not stored: see sync_rule_follow_ups
        owed.append(update)
    for follow_up in owed:
        follow_up.owner = profile.user
    return owed


CAUSE_COLUMNS = ("pk", "occurred_at", "recruiter_id", "recruiter__name", "role_id", "role__title")


def causes(interactions):
    """What a follow-up made from an interaction (an interview, a pitch) reads of each of
    `interactions`, as named tuples: thousands are read at a time, and a tuple costs far
    less than the three model instances (the interaction, its recruiter, its role)."""
    return interactions.values_list(*CAUSE_COLUMNS, named=True)


def update_key(recruiter_id, last_update_at):
    """ "<recruiter id>:<your last status update to them>", or ":never": the news since
    then is one obligation, however it grows or shrinks, until the next update answers it."""
    return f"{recruiter_id}:{last_update_at.isoformat() if last_update_at else 'never'}"


def update_note(recruiter, untold, profile):
    """ "You interviewed elsewhere 9 Jun and 11 Jun; you paused your search 12 Jun. Dana
    holds 1 open role with you." The news in the order it happened, each kind once, its
    first few days named and the rest counted ("… and 12 more")."""
    days_by_news = {}
    for when, what in untold.named:
        days = days_by_news.setdefault(what, [])
        if (day := local_day(when, profile)) not in days:
            days.append(day)
    news = "; ".join(
        f"{what} {join_words(days, untold.more.get(what, 0))}"
        for what, days in days_by_news.items()
    )
    roles = f"{recruiter.open_role_count} open role{pluralize(recruiter.open_role_count)}"
    return f"{news[0].upper()}{news[1:]}. {recruiter} holds {roles} with you."


def join_words(words, more=0):
    if more:
        return f"{', '.join(words)} and {more} more"
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def local_day(moment, profile):
    return moment.astimezone(profile.zone).strftime("%-d %b")


def answered_causes(profile, now, follow_ups):
    """The (rule, rule_key) of those rule-made `follow_ups` whose cause was answered by `now`:
    the feedback came, the pitch got a reply, a status update went out after the key's
    last one. Three queries at most. A cause not answered but no longer owed went away."""
    causes = {}  # rule -> [(id at the head of the key, the rest, the key)]
    for follow_up in follow_ups:
        head, _, since = follow_up.rule_key.partition(":")
        if head.isascii() and head.isdigit():
            causes.setdefault(follow_up.rule, []).append((int(head), since, follow_up.rule_key))
    answered = set()
    answers = {
        FollowUp.Rule.FEEDBACK_OWED: rules.feedback_given,
        FollowUp.Rule.PITCH_ANSWER: rules.pitches_answered,
    }
    for rule, answered_rows in answers.items():
        if rule in causes:
            rows = answered_rows(profile, now).filter(pk__in=[pk for pk, _, _ in causes[rule]])
            found = set(rows.values_list("pk", flat=True))
            answered |= {(rule, key) for pk, _, key in causes[rule] if pk in found}
    if updates := causes.get(FollowUp.Rule.UPDATE_OWED):
        recruiters = rules.status_updates_sent(profile, now).filter(
            pk__in=[pk for pk, _, _ in updates], last_update_at__isnull=False
        )
        sent = dict(recruiters.values_list("pk", "last_update_at"))
        answered |= {
            (FollowUp.Rule.UPDATE_OWED, key)
            for pk, since, key in updates
            if pk in sent and (since == "never" or sent[pk] > parse_moment(since))
        }
    return answered


def news_since_closed(follow_up, fresh):
    """Has an update you closed yourself news dated after you closed it?"""
    latest = getattr(fresh, "latest_news_at", None)
    return latest is not None and latest > follow_up.closed_at


def parse_moment(text):
    """An aware datetime from an ISO 8601 text; the far future if it is none (never before)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    return moment if moment and moment.tzinfo else datetime.max.replace(tzinfo=UTC)


# What a rule keeps up to date on a follow-up it made, as long as its cause is owed.
RULE_MADE_FIELDS = ("owed_by", "title", "notes", "recruiter_id", "role_id", "due_at")
# What a sync reads and writes of a follow-up's state.
SYNCED_FIELDS = ("state", "snoozed_until", "closed_at", "closed_by_rule", "updated_at")


@transaction.atomic
def sync_rule_follow_ups(profile, now=None, *, theirs_only=False):
    """Make the rule-made follow-ups say what the rules owe now, exactly once per cause.

    - A cause owed now has one follow-up: created once (a unique constraint on (owner, rule,
      rule_key) makes a second run, a retry or a concurrent sweep insert nothing), its due
      time and notes kept current while it is open or snoozed, opened again if the rules
      had closed it (the answer was deleted, the cause came back). One you dismissed or
      marked done yourself stays so while its cause lasts; for an update, your decision
      covers the news up to when you made it, and later news brings the follow-up back.
    - An open or snoozed follow-up whose cause is no longer owed is closed: *done* if the
      cause was answered (the feedback came, you answered, you sent the update),
      *withdrawn* if it went away (the news was deleted, the pause undone).
    `theirs_only`: only what the writes since the last sync marked, when nothing else can
    have changed (see sync_rule_follow_ups_if_needed): the follow-ups about the recruiters
    whose kept state a write marked (RecruiterState.follow_ups_stale), and every
    recruiter's update owed if an interview was written (Profile.updates_stale).
    A lock on the user's profile row makes concurrent syncs of one user take turns.
    Returns (created or reopened, closed) counts.
    """
    now = now or timezone.now()
    # One sync per user at a time (the lock lasts until commit), so the counts are exact
    # even when a sweep and a page view sync the same user together.
    locked = Profile.objects.select_for_update().filter(pk=profile.pk)
    every_update = locked.values_list("updates_stale", flat=True).first()
    # The marks are cleared before the rules are read: a write that marked a recruiter has
    # committed by then (the UPDATE waits for its lock), so the reads below see it.
    marked = RecruiterState.objects.filter(owner=profile.user_id, follow_ups_stale=True)
    recruiter_ids = None
    if theirs_only:
        recruiter_ids = list(marked.select_for_update().values_list("recruiter_id", flat=True))
        if not (recruiter_ids or every_update):
            return 0, 0
    marked.update(follow_ups_stale=False)
    owed = rule_obligations(profile, now, recruiter_ids, every_update=every_update)
    owed = {(f.rule, f.rule_key): f for f in owed}
    rule_made = FollowUp.objects.owned_by(profile.user).exclude(rule="")
    if theirs_only:
        theirs = Q(recruiter__in=recruiter_ids)
        if every_update:
            theirs |= Q(rule=FollowUp.Rule.UPDATE_OWED)
        rule_made = rule_made.filter(theirs)
    known = {
        (f.rule, f.rule_key): f
        for f in rule_made.filter(
            Q(state__in=FollowUp.State.PENDING) | Q(rule_key__in={key for _, key in owed})
        ).only(*RULE_MADE_FIELDS, *SYNCED_FIELDS, "rule", "rule_key")
    }
    missing = [f for cause, f in owed.items() if cause not in known]
    if missing:
        # ignore_conflicts: the unique constraint, not this code, is what guarantees "once".
        FollowUp.objects.bulk_create(missing, ignore_conflicts=True)
    changed, reopened, gone = [], [], []
    for cause, follow_up in known.items():
        if cause not in owed:
            if follow_up.state in FollowUp.State.PENDING:
                gone.append(follow_up)
            continue
        fresh = owed[cause]
        if follow_up.state in FollowUp.State.CLOSED:
            if not (follow_up.closed_by_rule or news_since_closed(follow_up, fresh)):
                continue  # your decision stands while the cause lasts
            follow_up.state, follow_up.closed_at, follow_up.closed_by_rule = "open", None, False
            reopened.append(follow_up)
        elif all(getattr(follow_up, name) == getattr(fresh, name) for name in RULE_MADE_FIELDS):
            continue
        for name in RULE_MADE_FIELDS:
            setattr(follow_up, name, getattr(fresh, name))
        follow_up.updated_at = now
        changed.append(follow_up)
    if changed:
        update_rows(
            changed, [*RULE_MADE_FIELDS, "state", "closed_at", "closed_by_rule", "updated_at"]
        )
    answered = answered_causes(profile, now, gone) if gone else set()
    for follow_up in gone:
        answer = (follow_up.rule, follow_up.rule_key) in answered
        follow_up.state = FollowUp.State.DONE if answer else FollowUp.State.WITHDRAWN
        follow_up.snoozed_until, follow_up.closed_at = None, now
        follow_up.closed_by_rule, follow_up.updated_at = True, now
    if gone:
        update_rows(gone, list(SYNCED_FIELDS))
    Profile.objects.filter(pk=profile.pk).update(
        follow_ups_synced_at=now,
        follow_ups_change_at=next_change_of_obligations(profile, now),
        updates_stale=False,
        **({} if theirs_only else {"follow_ups_stale": False}),
    )
    return len(missing) + len(reopened), len(gone)


def update_rows(follow_ups, attnames):
    """UPDATE each of `follow_ups` with its own values of `attnames`: one statement sent
    with many parameter sets (bulk_update's CASE per row and field grows too large to
    compile quickly when an interview changes the notes of a thousand follow-ups)."""
    fields = [FollowUp._meta.get_field(name) for name in attnames]
    table = connection.ops.quote_name(FollowUp._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(follow_up, f.attname), connection) for f in fields]
        + [follow_up.pk]
        for follow_up in follow_ups
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)


def recruiters_marked():
    """Exists: the outer profile's user has recruiters whose follow-ups a write left to sync
    (RecruiterState.follow_ups_stale)."""
    return Exists(RecruiterState.objects.filter(owner=OuterRef("user"), follow_ups_stale=True))


def needing_sync(moment):
    """Active users whose rule-made follow-ups may be out of date at `moment`: those for
    whom sync_rule_follow_ups_if_needed would sync (indexed)."""
    due = (
        Q(follow_ups_stale=True)
        | Q(updates_stale=True)
        | Q(follow_ups_change_at__lte=moment)
        | Q(follow_ups_synced_at__isnull=True)
        | Q(follow_ups_synced_at__gt=moment)
        | recruiters_marked()
    )
    return Profile.objects.filter(due, user__is_active=True).order_by("user_id")


def sync_rule_follow_ups_if_needed(profile, now=None):
    """sync_rule_follow_ups, only if it could change anything: a write changed what the
    rules read since the last sync (Profile.follow_ups_stale), time has reached the next
    moment at which what they owe changes (follow_ups_change_at), or `now` is before the
    last sync; or else, for what they mark alone, writes changed what the rules owe about
    some recruiters only (RecruiterState.follow_ups_stale) or every recruiter's update
    owed (Profile.updates_stale). Otherwise one SELECT, and no write. Returns (created,
    closed)."""
    now = now or timezone.now()
    synced_at, stale, change_at, marked = (
        Profile.objects.filter(pk=profile.pk)
        .annotate(marked=Q(updates_stale=True) | recruiters_marked())
        .values_list("follow_ups_synced_at", "follow_ups_stale", "follow_ups_change_at", "marked")
        .get()
    )
    if stale or synced_at is None or now < synced_at or (change_at and now >= change_at):
        return sync_rule_follow_ups(profile, now)
    if marked:
        return sync_rule_follow_ups(profile, now, theirs_only=True)
    return 0, 0


def next_change_of_obligations(profile, now):
    """The first moment after `now` at which time alone changes what the rules owe, or None:
    an interview's feedback or a pitch's answer falls due, an interaction dated later comes
    (an answer, or news), an interview leaves the window of updates owed, an offer accepted
    or a pause dated later starts. Five small indexed queries."""
    user = profile.user_id
    interactions = Interaction.objects.filter(owner=user)
    moments = [
        interactions.filter(occurred_at__gt=now)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first(),
        Role.objects.filter(owner=user, stage=Role.Stage.ACCEPTED, stage_changed_at__gt=now)
        .order_by("stage_changed_at")
        .values_list("stage_changed_at", flat=True)
        .first(),
    ]
    if profile.search_paused_at and profile.search_paused_at > now:
        moments.append(profile.search_paused_at)
    window = timedelta(days=profile.one_sided_window_days)
    oldest_interview = (
        interactions.filter(
            kind=Interaction.Kind.INTERVIEW, occurred_at__gt=now - window, occurred_at__lte=now
        )
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if oldest_interview:
        moments.append(oldest_interview + window)
    answer_within = timedelta(days=profile.pitch_answer_days)
    pitch = (
        rules.unanswered_pitch_candidates(profile, now, since=now - answer_within)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if pitch:
        moments.append(pitch + answer_within)
    # Feedback falls due at most (n // 5 + 1) weeks and a day after the interview.
    since = now - timedelta(weeks=profile.feedback_business_days // 5 + 2)
    moments += [
        due
        for interview in rules.interviews_awaiting_feedback(profile, now, since=since)
        if (due := rules.feedback_due_at(interview, profile)) > now
    ]
    return min((moment for moment in moments if moment), default=None)
