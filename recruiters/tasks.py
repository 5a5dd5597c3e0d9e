"""The periodic sweep (Celery beat, every SWEEP_INTERVAL_SECONDS): reminders and digests.

Every sweep
1. makes the rule-made follow-ups current (services.sync_rule_follow_ups) for the active
   users who need it, and only those (`services.needing_sync`: a write changed what the rules read,
   or time has reached the next moment at which what they owe changes; both indexed), in
   `sync_follow_ups` tasks of conf.batch_size() users;
2. refreshes the kept recruiter states whose moment has come (`refresh_state`, see
   recruiters/state.py: reads stay exact without it, only slower);
3. finds the digests due now, each user at their own local hour
   (recruiters.digests.schedule.due_digests), and the claims whose worker died
   (schedule.stale_claims), and queues them in `send_digest_batch` tasks of
   conf.batch_size() users each (recruiters/digests/tasks.py).

So the sweep itself only reads ids and queues one message per batch: 100,000 users are
1,000 small tasks, not one giant one. Running it twice, or two at once, is harmless:
follow-ups are unique per cause and each digest is claimed once (docs/digests.md).
"""

import logging

from celery import shared_task

from recruiters import services, state
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


@shared_task
def sweep(now=None):
    """Queue the follow-up sync of the users who need it and the digests due at `now`.

    `now` is an ISO 8601 string, for tests; beat leaves it out. Returns what it queued.
    """
    moment = parse_now(now)
    size = conf.batch_size()
    user_ids = services.needing_sync(moment).values_list("user_id", flat=True)
    synced = 0
    for batch in batched(user_ids.iterator(chunk_size=10 * size), size):
        sync_follow_ups.delay(batch, now)
        synced += len(batch)
    refresh_state.delay(now)
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
            services.sync_rule_follow_ups_if_needed(profile, moment)
            done += 1
        except Exception:  # one user's bad row must not stop the others' reminders
            log.exception("Syncing the follow-ups of user %s failed", profile.user_id)
    return done


@shared_task(acks_late=True)
def refresh_state(now=None):
    """Refresh the recruiter states that time has made stale (state.refresh_expired)."""
    return state.refresh_expired(parse_now(now))
