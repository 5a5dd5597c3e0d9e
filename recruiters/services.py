"""Writes: every change to the domain that is more than saving one form."""

from datetime import timedelta

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from recruiters import rules
from recruiters.models import FollowUp, Interaction, Profile, Role


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
    follow_up.state = FollowUp.State.DONE
    follow_up.snoozed_until = None
    follow_up.closed_at = now or timezone.now()
    follow_up.save(update_fields=["state", "snoozed_until", "closed_at", "updated_at"])


def dismiss_follow_up(follow_up, *, now=None):
    follow_up.state = FollowUp.State.DISMISSED
    follow_up.snoozed_until = None
    follow_up.closed_at = now or timezone.now()
    follow_up.save(update_fields=["state", "snoozed_until", "closed_at", "updated_at"])


def snooze_follow_up(follow_up, *, days=3, now=None):
    """Hide the follow-up until `days` from now; it comes back as due then."""
    follow_up.state = FollowUp.State.SNOOZED
    follow_up.snoozed_until = (now or timezone.now()) + timedelta(days=days)
    follow_up.closed_at = None
    follow_up.save(update_fields=["state", "snoozed_until", "closed_at", "updated_at"])


def reopen_follow_up(follow_up):
    follow_up.state = FollowUp.State.OPEN
    follow_up.snoozed_until = None
    follow_up.closed_at = None
    follow_up.save(update_fields=["state", "snoozed_until", "closed_at", "updated_at"])


def move_role(role, *, stage, now=None):
    """Move `role` to `stage`, noting when; a first submission records the day it happened."""
    now = now or timezone.now()
    if stage != role.stage:
        role.stage = stage
        role.stage_changed_at = now
    if stage == Role.Stage.SUBMITTED and role.submitted_on is None:
        role.submitted_on = timezone.localdate(now)
    role.save(update_fields=["stage", "stage_changed_at", "submitted_on", "updated_at"])


def rule_obligations(profile, now):
    """The follow-ups that the rules imply right now, unsaved, each keyed by its cause.

    - feedback owed by the recruiter after an interview (rules.feedback_owed): one per
      interview;
    - an answer owed by me to a recruiter's pitches (rules.unanswered_pitches): one per
      recruiter and first unanswered pitch;
    - an update owed by me to a recruiter with an active submission (rules.updates_owed):
      one per recruiter and latest piece of news they have not been told.
    """
    owed = []
    for interview in rules.feedback_owed(profile, now):
        about = f" about {interview.role.title}" if interview.role else ""
        owed.append(
            FollowUp(
                owed_by=FollowUp.OwedBy.RECRUITER,
                title=f"Feedback from {interview.recruiter} on the interview{about}",
                notes=f"Interview on {local_day(interview.occurred_at, profile)}; no feedback "
                f"after {profile.feedback_business_days} business days.",
                recruiter=interview.recruiter,
                role=interview.role,
                due_at=rules.feedback_due_at(interview, profile),
                rule=FollowUp.Rule.FEEDBACK_OWED,
                rule_key=str(interview.pk),
            )
        )
    pitches_by_recruiter = {}
    for pitch in rules.unanswered_pitches(profile, now):
        pitches_by_recruiter.setdefault(pitch.recruiter, []).append(pitch)
    for recruiter, pitches in pitches_by_recruiter.items():
        first = pitches[0]
        owed.append(
            FollowUp(
                owed_by=FollowUp.OwedBy.ME,
                title=f"Answer {recruiter}"
                + (f" about {first.role.title}" if first.role and len(pitches) == 1 else ""),
                notes=f"{len(pitches)} pitch{'es' if len(pitches) > 1 else ''} since "
                f"{local_day(first.occurred_at, profile)}, nothing sent back.",
                recruiter=recruiter,
                role=first.role if len(pitches) == 1 else None,
                due_at=first.occurred_at + timedelta(days=profile.pitch_answer_days),
                rule=FollowUp.Rule.PITCH_ANSWER,
                rule_key=str(first.pk),
            )
        )
    for recruiter in rules.updates_owed(profile, now):
        events = update_events(recruiter, profile)
        owed.append(
            FollowUp(
                owed_by=FollowUp.OwedBy.ME,
                title=f"Update {recruiter} on your search",
                notes=update_note(recruiter, events, profile),
                recruiter=recruiter,
                due_at=events[0][0],
                rule=FollowUp.Rule.UPDATE_OWED,
                # Keyed by the latest news: news after a dismissed one is owed again.
                rule_key=f"{recruiter.pk}:{events[-1][0].isoformat()}",
            )
        )
    for follow_up in owed:
        follow_up.owner = profile.user
    return owed


def update_events(recruiter, profile):
    """[(when, what)] that a recruiter from rules.updates_owed has not been told, oldest first."""
    events = [
        (recruiter.accepted_elsewhere_at, "you accepted an offer elsewhere"),
        (recruiter.interview_elsewhere_at, "you interviewed elsewhere"),
        (profile.search_paused_at if recruiter.paused_owed else None, "you paused your search"),
    ]
    return sorted((when, what) for when, what in events if when is not None)


def update_note(recruiter, events, profile):
    """ "You accepted an offer elsewhere 22 Nov. Dana holds 1 open role with you." """
    news = "; ".join(f"{what} {local_day(when, profile)}" for when, what in events)
    roles = f"{recruiter.open_role_count} open role{pluralize(recruiter.open_role_count)}"
    return f"{news[0].upper()}{news[1:]}. {recruiter} holds {roles} with you."


def local_day(moment, profile):
    return moment.astimezone(profile.zone).strftime("%-d %b")


@transaction.atomic
def sync_rule_follow_ups(profile, now=None):
    """Create the follow-ups the rules imply, exactly once; close those whose cause is gone.

    Exactly once is the database's job: a unique constraint on (owner, rule, rule_key) makes
    a second run, a retry or a concurrent sweep insert nothing; a lock on the user's profile
    row makes concurrent syncs of one user take turns. A follow-up the user dismissed
    or finished stays so while its cause lasts. Returns (created, closed) counts.
    """
    now = now or timezone.now()
    # One sync per user at a time (the lock lasts until commit), so the counts are exact
    # even when a sweep and a page view sync the same user together.
    Profile.objects.select_for_update().filter(pk=profile.pk).first()
    owed = {(f.rule, f.rule_key): f for f in rule_obligations(profile, now)}
    rule_made = FollowUp.objects.owned_by(profile.user).exclude(rule="")
    known = set(
        rule_made.filter(rule_key__in={key for _, key in owed}).values_list("rule", "rule_key")
    )
    missing = [f for cause, f in owed.items() if cause not in known]
    if missing:
        # ignore_conflicts: the unique constraint, not this code, is what guarantees "once".
        FollowUp.objects.bulk_create(missing, ignore_conflicts=True)
    pending = rule_made.filter(state__in=[FollowUp.State.OPEN, FollowUp.State.SNOOZED])
    resolved = [
        pk
        for pk, *cause in pending.values_list("pk", "rule", "rule_key")
        if tuple(cause) not in owed
    ]
    closed = 0
    if resolved:
        closed = FollowUp.objects.filter(pk__in=resolved).update(
            state=FollowUp.State.DONE, snoozed_until=None, closed_at=now, updated_at=now
        )
    created = len(missing)
    return created, closed
