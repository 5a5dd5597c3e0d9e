"""The digest's knobs: Django settings, with these defaults when a setting is absent."""

from datetime import timedelta

from django.conf import settings


def lease():
    """How long a claim protects a digest being sent; an older claim is taken over."""
    return timedelta(seconds=getattr(settings, "DIGEST_LEASE_SECONDS", 15 * 60))


def catch_up_hours():
    """For how many hours from the chosen local hour a digest not yet sent is still due.

    1 (the default): only during the chosen hour. More lets a digest missed because beat
    or every worker was down for that whole hour go out late rather than not at all.
    """
    return max(1, int(getattr(settings, "DIGEST_CATCH_UP_HOURS", 1)))


def batch_size():
    """Users per fan-out task: the sweep never becomes one task per 100,000 users."""
    return max(1, int(getattr(settings, "DIGEST_BATCH_SIZE", 100)))


def sweep_interval():
    """Seconds between two sweeps (the beat schedule's SWEEP_INTERVAL_SECONDS)."""
    return max(1, int(getattr(settings, "SWEEP_INTERVAL_SECONDS", 600)))


def link_max_age():
    """How long the "done" and "snooze" links of a digest work."""
    return timedelta(days=getattr(settings, "DIGEST_LINK_MAX_AGE_DAYS", 7))


def unsubscribe_max_age():
    """How long an unsubscribe link works: long, since old mail is read and unsubscribed from."""
    return timedelta(days=getattr(settings, "DIGEST_UNSUBSCRIBE_MAX_AGE_DAYS", 365))


SNOOZE_DAYS = 3
