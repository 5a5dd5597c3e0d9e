"""Digest throughput: digests per second for one worker process, on realistic users.

    bench/run-with-postgres.sh .venv/bin/python bench/digests.py [--users 100] [--batch 100]

Against the configured DATABASE_URL, inside one transaction that is rolled back at the end
(the database is left as it was), the script
1. creates --users users, each with --recruiters (100) recruiters and --interactions
   (1,000) interactions (bench/dashboard.py's `populate`: roles in every stage, a skewed
   six-month history, follow-ups open, snoozed and closed), in varied time zones; ANALYZE;
2. composes every user's digest once, untimed: that makes the rule-made follow-ups
   current, as the hourly sweep has by the time a digest is due;
3. times, over --rounds rounds of every user, what a batch task does before SMTP, in
   batches of --batch users (DIGEST_BATCH_SIZE, 100): `render.compose_many` (the rules
   for the whole batch at once, `dashboard.build_many`; then each digest's text and HTML
   parts) and building each MIME message: wall time, this process's CPU time, the
   database backend's CPU time, SQL queries per batch; the rules alone; and, once, the
   same one digest at a time (`render.compose`, as the preview and the test digest do);
4. times the whole claim-then-send path once per user (`delivery.deliver_batch`: claim,
   render, lock, "send" to Django's in-memory mail backend, mark sent), i.e. a worker's
   work minus the network and the broker.

It prints digests per second (one process, sequential) and the figures per digest.
"""

import argparse
import random
import statistics
import sys
import time
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, for dashboard.py
import dashboard as kit  # noqa: E402  (bench/dashboard.py: the data and the measuring kit)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters import dashboard  # noqa: E402
from recruiters.digests import conf, delivery, render  # noqa: E402
from recruiters.models import Profile  # noqa: E402

ZONES = ["Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Australia/Sydney", "UTC"]
warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise, no static


class Rollback(Exception):
    pass


def make_users(count, *, recruiters, interactions, now, seed, prefix="bench"):
    """`count` users with `populate`'s data, time zones in turn from ZONES; their profiles."""
    user_model = get_user_model()
    profiles = []
    for n in range(count):
        email = f"{prefix}-{uuid.uuid4().hex[:10]}-{n}@bench.invalid"
        user = user_model.objects.create_user(username=email, email=email)  # no password
        Profile.objects.filter(user=user).update(time_zone=ZONES[n % len(ZONES)])
        kit.populate(
            user,
            recruiters=recruiters,
            interactions=interactions,
            now=now,
            rng=random.Random(seed + n),
        )
        profiles.append(Profile.objects.select_related("user").get(user=user))
    return profiles


def rate(seconds, count):
    return count / seconds if seconds else float("inf")


def counts_words(counts):
    low, high = min(counts), max(counts)
    return f"{low}" if low == high else f"{low}-{high} (NOT constant)"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100, help="users (100)")
    parser.add_argument("--recruiters", type=int, default=100, help="per user (100)")
    parser.add_argument("--interactions", type=int, default=1000, help="per user (1,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of every user (3)")
    parser.add_argument(
        "--batch", type=int, default=conf.batch_size(), help="users per batch (DIGEST_BATCH_SIZE)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    if args.users < 2 or args.rounds < 1 or args.recruiters < 1:
        parser.error("need at least two users, one round and one recruiter")
    return args


def main(argv=None):
    args = parse_args(argv)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kit.quiet_logs()
    vendor = connection.vendor
    now = timezone.now()
    results = {"bench": "digests", "vendor": vendor, "users": args.users}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            profiles = make_users(
                args.users,
                recruiters=args.recruiters,
                interactions=args.interactions,
                now=now,
                seed=args.seed,
            )
            load_s = time.perf_counter() - started
            analyze_s = kit.analyze_loaded(args, load_s)
            db_cpu = kit.DatabaseCPU()
            for profile in profiles:  # untimed: the rule follow-ups, as the sweep made them
                render.compose(profile, now)
            composed = render.compose(profiles[1], now)
            print(
                f"one digest: {len(composed.html) // 1024} KiB HTML, subject “{composed.subject}”"
            )

            counter = kit.QueryCounter()
            size = min(args.batch, len(profiles))
            batches = [profiles[n : n + size] for n in range(0, len(profiles), size)]

            def measured(compose_round, rounds):
                """The median of `rounds` timed rounds, and the queries of each unit."""
                queries, timings = [], []
                with connection.execute_wrapper(counter):
                    for _ in range(rounds):
                        timings.append(kit.timed(lambda: compose_round(queries), 1, db_cpu))
                walls = [t.wall[0] for t in timings]
                middle = timings[walls.index(statistics.median_low(walls))]
                return middle, walls, queries

            def batched_round(queries):
                for batch in batches:
                    before = counter.count
                    composed = render.compose_many(batch, now)
                    for profile in batch:
                        render.email(profile, composed[profile.user_id]).message()
                    queries.append(counter.count - before)

            def one_at_a_time_round(queries):
                for profile in profiles:
                    before = counter.count
                    render.email(profile, render.compose(profile, now)).message()
                    queries.append(counter.count - before)

            middle, walls, batch_queries = measured(batched_round, args.rounds)
            per = {
                "wall_ms": 1000 * middle.wall[0] / len(profiles),
                "cpu_ms": 1000 * middle.cpu[0] / len(profiles),
                "db_cpu_ms": None if middle.db[0] is None else 1000 * middle.db[0] / len(profiles),
            }
            render_rate = rate(middle.wall[0], len(profiles))
            alone, _, queries = measured(one_at_a_time_round, 1)
            alone_rate = rate(alone.wall[0], len(profiles))

            builds = kit.timed(lambda: [dashboard.build_many(b, now) for b in batches], 1, db_cpu)

            deliver_queries = []

            def deliver_all():
                for n, batch in enumerate(batches):
                    before = counter.count
                    items = [[profile.user_id, "bench"] for profile in batch]
                    outcomes, retry = delivery.deliver_batch(items, now=now, claimer=f"bench-{n}")
                    deliver_queries.append(counter.count - before)
                    assert not retry and set(outcomes.values()) <= {
                        delivery.SENT,
                        delivery.SKIPPED,
                    }, outcomes

            with connection.execute_wrapper(counter):
                delivered = kit.timed(deliver_all, 1, db_cpu)
            deliver_rate = rate(delivered.wall[0], len(profiles))

            def each(seconds):
                return None if seconds is None else 1000 * seconds / len(profiles)

            print()
            kit.print_table(
                [
                    (f"render: digests per second, batches of {size}", f"{render_rate:.1f} /s"),
                    (
                        f"  (median round of {args.rounds}; best, worst)",
                        f"{rate(min(walls), len(profiles)):.1f}, "
                        f"{rate(max(walls), len(profiles)):.1f} /s",
                    ),
                    (f"  SQL queries per batch of {size}", counts_words(batch_queries)),
                    ("  wall per digest", kit.ms(per["wall_ms"])),
                    ("  CPU per digest, this process", kit.ms(per["cpu_ms"])),
                    ("  CPU per digest, database backend", kit.ms(per["db_cpu_ms"])),
                    ("  of which dashboard.build_many (the rules)", kit.ms(each(builds.wall[0]))),
                    ("render one at a time (preview, test digest)", f"{alone_rate:.1f} /s"),
                    ("  SQL queries per digest", counts_words(queries)),
                    ("claim + render + send + mark sent, batched", f"{deliver_rate:.1f} /s"),
                    (f"  SQL queries per batch of {size}", counts_words(deliver_queries)),
                    ("  wall per digest", kit.ms(each(delivered.wall[0]))),
                    ("  CPU per digest, this process", kit.ms(each(delivered.cpu[0]))),
                    ("  CPU per digest, database backend", kit.ms(each(delivered.db[0]))),
                ],
                width=46,
            )
            print(
                f"  (one process, sequential; in-memory mail: {len(profiles)} messages; "
                f"the network and the broker not included)"
            )
            results.update(
                load_s=load_s,
                analyze_s=analyze_s,
                recruiters=args.recruiters,
                interactions=args.interactions,
                batch=size,
                render_per_s=render_rate,
                render_per_digest=per,
                render_one_at_a_time_per_s=alone_rate,
                queries_per_batch=sorted(set(batch_queries)),
                queries_per_digest=sorted(set(queries)),
                build_ms_per_digest=each(builds.wall[0]),
                deliver_per_s=deliver_rate,
                deliver_ms_per_digest=each(delivered.wall[0]),
                deliver_cpu_ms_per_digest=each(delivered.cpu[0]),
                deliver_db_cpu_ms_per_digest=each(delivered.db[0]),
                queries_per_delivery_batch=sorted(set(deliver_queries)),
            )
            raise Rollback
    except Rollback:
        print("(rolled back: the database is as it was)")
    kit.write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
