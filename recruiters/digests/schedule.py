"""When a digest is due: at the user's chosen hour, in the user's own time zone.

A user's digest has a *slot*: the chosen local hour, every day (daily) or on the chosen
weekday (weekly). It is due while `now`, in the user's time zone, is inside the slot's
window: the chosen hour itself (conf.catch_up_hours() widens it). Each slot belongs to a
*period*, named in the user's local calendar: `2026-11-27` for a daily digest, `2026-W48`
(ISO week) for a weekly one. One Digest row per (user, period) records the claim and the
send; see delivery.py.

`due_digests(now)` finds every due user with a constant number of queries per distinct
local wall time (time zones sharing a UTC offset share the query), however many users.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Exists, OuterRef, Value, When

from recruiters.digests import conf
from recruiters.models import Digest, Profile

DAILY = Profile.DigestFrequency.DAILY
WEEKLY = Profile.DigestFrequency.WEEKLY
OFF = Profile.DigestFrequency.OFF


def period_key(frequency, local_date: date):
    """The period a slot on `local_date` belongs to: `2026-11-27` or `2026-W48`."""
    if frequency == WEEKLY:
        year, week, _ = local_date.isocalendar()
        return f"{year}-W{week:02d}"
    return local_date.isoformat()


def open_slots(local_now: datetime):
    """[(hour, local date)] of the slots whose window contains the naive local time."""
    slots = []
    for back in range(conf.catch_up_hours()):
        moment = local_now - timedelta(hours=back)
        slots.append((moment.hour, moment.date()))
    return slots


def due_period(profile, now):
    """The period whose digest is due for `profile` at `now`, or None."""
    if profile.digest_frequency == OFF:
        return None
    local_now = now.astimezone(profile.zone).replace(tzinfo=None)
    for hour, local_date in open_slots(local_now):
        if hour != profile.digest_hour:
            continue
        if profile.digest_frequency == WEEKLY and local_date.weekday() != profile.digest_weekday:
            continue
        return period_key(profile.digest_frequency, local_date)
    return None


def next_slot(profile, now, done_periods=()):
    """When `profile`'s current or next digest slot starts (aware, in the user's zone), or
    None when digests are off. A slot whose window is still open counts as the next one,
    unless its period is in `done_periods` (already sent or skipped)."""
    if profile.digest_frequency == OFF:
        return None
    zone = profile.zone
    today = now.astimezone(zone).date()
    for days in range(-1, 9):
        day = today + timedelta(days=days)
        if profile.digest_frequency == WEEKLY and day.weekday() != profile.digest_weekday:
            continue
        if period_key(profile.digest_frequency, day) in done_periods:
            continue
        start = datetime.combine(day, time(profile.digest_hour), tzinfo=zone)
        if start + timedelta(hours=conf.catch_up_hours()) > now:
            return start
    return None


def _zones_by_wall_time(now):
    """{naive local time at `now`: [time zone names]} over the zones that get digests."""
    names = (
        Profile.objects.exclude(digest_frequency=OFF)
        .order_by()
        .values_list("time_zone", flat=True)
        .distinct()
    )
    groups = defaultdict(list)
    for name in names:
        try:
            zone = ZoneInfo(name)
        except (ValueError, LookupError):  # validated on save; never let one row stop a sweep
            continue
        groups[now.astimezone(zone).replace(tzinfo=None)].append(name)
    return groups


def due_digests(now):
    """[(user_id, period)] of every active user whose digest is due at `now` and who has no
    Digest row for that period yet (claimed, sent or skipped: each period is decided once).
    """
    due = []
    for local_now, zones in _zones_by_wall_time(now).items():
        whens = []
        for hour, local_date in open_slots(local_now):
            whens.append(
                When(
                    digest_frequency=DAILY,
                    digest_hour=hour,
                    then=Value(period_key(DAILY, local_date)),
                )
            )
            whens.append(
                When(
                    digest_frequency=WEEKLY,
                    digest_hour=hour,
                    digest_weekday=local_date.weekday(),
                    then=Value(period_key(WEEKLY, local_date)),
                )
            )
        already = Digest.objects.filter(user=OuterRef("user"), period=OuterRef("period"))
        rows = (
            Profile.objects.filter(time_zone__in=zones, user__is_active=True)
            .annotate(period=Case(*whens, default=None, output_field=CharField()))
            .filter(period__isnull=False)
            .filter(~Exists(already))
            .order_by("user_id")
            .values_list("user_id", "period")
        )
        due.extend(rows)
    return sorted(due)


def stale_claims(now):
    """[(user_id, period)] of digests claimed longer than the lease ago and never sent: the
    worker that claimed them died or gave up; a new send task takes the claim over."""
    return list(
        Digest.objects.filter(state=Digest.State.CLAIMED, claimed_at__lt=now - conf.lease())
        .order_by("claimed_at")
        .values_list("user_id", "period")
    )
