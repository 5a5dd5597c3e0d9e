"""The periodic sweep (Celery beat, every SWEEP_INTERVAL_SECONDS): reminders and digests.

Every sweep
1. makes the rule-made follow-ups of its share of the active users current
   (services.sync_rule_follow_ups), in `sync_follow_ups` tasks of conf.batch_size() users:
   the sweeps of each hour (conf.sync_every()) take turns, so every user is synced once an
   hour (and again by their digest, and by their dashboard);
2. finds the digests due now, each user at their own local hour
   (recruiters.digests.schedule.due_digests), and the claims whose worker died
   (schedule.stale_claims), and queues them in `send_digest_batch` tasks of
   conf.batch_size() users each (recruiters/digests/tasks.py).

So the sweep itself only reads ids and queues one message per batch: 100,000 users are
1,000 small tasks, not one giant one. Running it twice, or two at once, is harmless:
follow-ups are unique per cause and each digest is claimed once (docs/digests.md).
"""

import logging

from celery import shared_task
from django.db.models.functions import Mod

from recruiters import services
from recruiters.digests import conf, schedule
from recruiters.digests.tasks import parse_now, send_digest_batch
from recruiters.models import Profile

log = logging.getLogger(__name__)


def batched(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def sync_share(now):
    """(shares, turn): the sweep at `now` syncs the users whose id % shares == turn."""
    interval = conf.sweep_interval()
    shares = max(1, conf.sync_every() // interval)
    return shares, int(now.timestamp() // interval) % shares


@shared_task
def sweep(now=None):
    """Queue the follow-up sync of every active user and the digests due at `now`.

    `now` is an ISO 8601 string, for tests; beat leaves it out. Returns what it queued.
    """
    moment = parse_now(now)
    size = conf.batch_size()
    shares, turn = sync_share(moment)
    user_ids = (
        Profile.objects.filter(user__is_active=True)
        .alias(share=Mod("user_id", shares))
        .filter(share=turn)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    synced = 0
    for batch in batched(user_ids.iterator(chunk_size=10 * size), size):
        sync_follow_ups.delay(batch, now)
        synced += len(batch)
    due = schedule.due_digests(moment)
    stale = schedule.stale_claims(moment)
    items = [[user_id, period] for user_id, period in due + stale]
    for batch in batched(items, size):
        send_digest_batch.delay(batch, now)
    log.info("Sweep: %s users to sync, %s digests due, %s taken over", synced, len(due), len(stale))
    return {"synced": synced, "due": due, "stale": stale}


@shared_task(acks_late=True)
def sync_follow_ups(user_ids, now=None):
    """Create the follow-ups the rules imply for each of `user_ids` (once per cause)."""
    moment = parse_now(now)
    done = 0
    for profile in Profile.objects.filter(user_id__in=user_ids).select_related("user"):
        try:
            services.sync_rule_follow_ups(profile, moment)
            done += 1
        except Exception:  # one user's bad row must not stop the others' reminders
            log.exception("Syncing the follow-ups of user %s failed", profile.user_id)
    return done
