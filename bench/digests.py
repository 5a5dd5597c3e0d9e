"""Digest rendering throughput: digests per second for one worker process.

    DATABASE_URL=postgres://... .venv/bin/python bench/digests.py [--users 40] [--rounds 3]

Against the configured DATABASE_URL, inside one transaction that is rolled back at the end
(the database is left as it was), the script
1. creates --users users, each with the demo account's six-month history
   (recruiters.demo: 18 recruiters, 12 roles, ~120 interactions, follow-ups; every rule
   fires), in varied time zones;
2. times, over --rounds rounds of every user, what a send task does before SMTP:
   `render.compose` (make the rule-made follow-ups current, evaluate every rule, render the
   text and HTML parts) and building the MIME message; and, for comparison, the rules
   alone (`dashboard.build`);
3. times the whole claim-then-send path (`delivery.deliver`: claim, render, lock, "send"
   to Django's in-memory mail backend, mark sent), i.e. a worker's work minus the network.

It prints digests per second (one process, sequential) and SQL queries per digest.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters import dashboard  # noqa: E402
from recruiters.demo import load_demo  # noqa: E402
from recruiters.digests import delivery, render  # noqa: E402
from recruiters.models import Profile  # noqa: E402

ZONES = ["Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney", "UTC"]


class Rollback(Exception):
    pass


def make_users(count, now):
    profiles = []
    for n in range(count):
        email = f"bench-{uuid.uuid4().hex[:10]}-{n}@bench.invalid"
        user = load_demo(email, "bench-password", now=now - timedelta(minutes=n)).user
        Profile.objects.filter(user=user).update(time_zone=ZONES[n % len(ZONES)])
        profiles.append(Profile.objects.select_related("user").get(user=user))
    return profiles


def rate(seconds, count):
    return count / seconds if seconds else float("inf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    vendor = connection.vendor
    now = timezone.now()
    try:
        with transaction.atomic():
            started = time.perf_counter()
            profiles = make_users(args.users, now)
            print(
                f"{vendor}: {args.users} users with the demo history made in "
                f"{time.perf_counter() - started:.1f} s"
            )
            render.compose(profiles[0], now)  # warm up templates and the first sync

            with CaptureQueriesContext(connection) as queries:
                composed = render.compose(profiles[1], now)
            print(
                f"one digest: {len(queries)} SQL queries, {len(composed.html) // 1024} KiB HTML, "
                f"subject “{composed.subject}”"
            )

            rounds = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                for profile in profiles:
                    render.email(profile, render.compose(profile, now)).message()
                rounds.append(time.perf_counter() - started)
            best, median = min(rounds), statistics.median(rounds)
            print(
                f"render: {rate(median, len(profiles)):.1f} digests/s per process "
                f"(median of {args.rounds} rounds; best {rate(best, len(profiles)):.1f}/s; "
                f"{1000 * median / len(profiles):.1f} ms each)"
            )

            started = time.perf_counter()
            for profile in profiles:
                dashboard.build(profile, now)
            rules_ms = 1000 * (time.perf_counter() - started) / len(profiles)
            print(
                f"  of which dashboard.build (sync + every rule, no rendering): "
                f"{rules_ms:.1f} ms per digest"
            )

            started = time.perf_counter()
            for n, profile in enumerate(profiles):
                outcome = delivery.deliver(profile.user_id, "bench", now=now, claimer=f"bench-{n}")
                assert outcome == delivery.SENT, outcome
            elapsed = time.perf_counter() - started
            print(
                f"claim + render + send (in-memory mail) + mark sent: "
                f"{rate(elapsed, len(profiles)):.1f} digests/s per process"
            )
            raise Rollback
    except Rollback:
        print("(rolled back: the database is as it was)")


if __name__ == "__main__":
    main()
