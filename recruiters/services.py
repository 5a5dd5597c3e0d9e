"""Writes: every change to the domain that is more than saving one form."""

from datetime import timedelta

from django.utils import timezone

from recruiters.models import FollowUp, Profile, Role


def ensure_profile(sender, instance, created, **kwargs):
    """post_save of a user: every user has a Profile with the designed defaults."""
    if created:
        Profile.objects.get_or_create(user=instance)


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
