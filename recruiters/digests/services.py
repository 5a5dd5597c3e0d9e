"""Writes behind the digest's links: done, snooze, unsubscribe. Each changes one thing."""

from django.utils import timezone

from recruiters import services
from recruiters.digests import conf
from recruiters.models import FollowUp, Profile


def local(moment, profile):
    return timezone.localtime(moment, profile.zone).strftime("%a %-d %b, %H:%M")


def follow_up_link(follow_up, action, *, now=None):
    """Do what a digest's "done" or "snooze" link says to `follow_up`, once: a link clicked
    again (or a follow-up closed meanwhile) changes nothing. Returns what happened."""
    now = now or timezone.now()
    profile = follow_up.owner.profile
    if follow_up.state in FollowUp.State.CLOSED:
        return f"Already {follow_up.get_state_display().lower()}: nothing changed."
    if action == "done":
        services.complete_follow_up(follow_up, now=now)
        return "Marked done."
    if follow_up.state == FollowUp.State.SNOOZED and follow_up.snoozed_until > now:
        return f"Already snoozed until {local(follow_up.snoozed_until, profile)}: nothing changed."
    services.snooze_follow_up(follow_up, days=conf.SNOOZE_DAYS, now=now)
    return f"Snoozed until {local(follow_up.snoozed_until, profile)}."


def unsubscribe(user_id):
    """Turn the digest off for `user_id`, and nothing else. True if it was on."""
    return bool(
        Profile.objects.filter(user_id=user_id)
        .exclude(digest_frequency=Profile.DigestFrequency.OFF)
        .update(digest_frequency=Profile.DigestFrequency.OFF)
    )
