"""The periodic sweep's work, timed in one process, for N users whose digest hour is now.

    bench/run-with-postgres.sh .venv/bin/python bench/sweep.py [--users 10000]

Against the configured DATABASE_URL, inside one transaction that is rolled back at the end
(the database is left as it was), the script
1. creates --users users, each with --recruiters (100) recruiters and --interactions
   (1,000) interactions (bench/dashboard.py's `populate`), in varied time zones, each with
   a daily digest at the local hour it is now; ANALYZE; makes every user's rule follow-ups
   (untimed, as the sweeps of the past hour have; not with --cold);
2. runs one sweep (`recruiters.tasks.sweep`) with Celery in eager mode: every task it
   queues runs there and then, in this process, with no broker: the rule follow-up sync of
   the users the sweep picks (`sync_follow_ups`), whatever else the sweep queues, and the
   digests of the due users (`send_digest_batch`: claim, compose, send to Django's
   in-memory mail backend, mark sent; before batches, one `send_digest` per user), the
   functions the Celery worker calls;
3. prints the total seconds, and the seconds, CPU, SQL queries and count of each kind of
   task, per user and per digest.

Which users a sweep syncs is the app's choice: a share of them by user id (user id modulo
REMINDER_SYNC_SECONDS / SWEEP_INTERVAL_SECONDS) before the relationship-state rewrite, those
whose follow-ups may be out of date after it. --sync-all makes it sync every user: the
hour's share for all of them, or every follow-up marked stale, as after a write.
"""

import argparse
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, for dashboard.py
import dashboard as kit  # noqa: E402  (bench/dashboard.py: the data and the measuring kit)
from celery.signals import task_postrun, task_prerun  # noqa: E402
from digests import Rollback, make_users  # noqa: E402  (bench/digests.py)
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters import services, tasks  # noqa: E402
from recruiters.models import Digest, Profile  # noqa: E402
from tracker.celery import app  # noqa: E402

warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise, no static


class TaskClock:
    """Per task name: how many ran, and their own wall, CPU, database CPU and SQL queries
    (exclusive: a task's time minus that of the tasks it ran eagerly inside it)."""

    def __init__(self, db_cpu, counter):
        self.db_cpu, self.counter = db_cpu, counter
        self.stack = []
        self.totals = defaultdict(lambda: defaultdict(float))

    def now(self):
        return [time.perf_counter(), time.process_time(), self.db_cpu(), self.counter.count]

    def started(self, task=None, **kwargs):
        self.stack.append((task.name, self.now(), [0.0, 0.0, 0.0, 0]))

    def finished(self, task=None, **kwargs):
        name, before, children = self.stack.pop()
        after = self.now()
        spent = [
            None if b is None or a is None else a - b for a, b in zip(after, before, strict=True)
        ]
        totals = self.totals[name]
        totals["count"] += 1
        for key, value, inner in zip(
            ("wall", "cpu", "db", "queries"), spent, children, strict=True
        ):
            if value is None:
                totals[key] = None
            elif totals[key] is not None:
                totals[key] += value - inner
        if self.stack:
            outer = self.stack[-1][2]
            for n, value in enumerate(spent):
                outer[n] += value or 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000, help="users (10,000)")
    parser.add_argument("--recruiters", type=int, default=100, help="per user (100)")
    parser.add_argument("--interactions", type=int, default=1000, help="per user (1,000)")
    parser.add_argument("--sync-all", action="store_true", help="make the sweep sync every user")
    parser.add_argument(
        "--cold", action="store_true", help="no sync beforehand: new accounts' first sweep"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    if args.users < 1 or args.recruiters < 1:
        parser.error("need at least one user and one recruiter")
    return args


def main(argv=None):
    args = parse_args(argv)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    by_share = hasattr(tasks, "sync_share")  # before the rewrite: a share of the users
    if args.sync_all and by_share:
        settings.REMINDER_SYNC_SECONDS = settings.SWEEP_INTERVAL_SECONDS
    kit.quiet_logs()
    app.conf.task_always_eager = True  # .delay() runs the task here and now: no broker
    app.conf.task_eager_propagates = True
    vendor = connection.vendor
    now = timezone.now().replace(minute=5, second=0, microsecond=0)  # inside the hour
    results = {"bench": "sweep", "vendor": vendor, "users": args.users}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            profiles = make_users(
                args.users,
                recruiters=args.recruiters,
                interactions=args.interactions,
                now=now,
                seed=args.seed,
                prefix="sweep",
            )
            for profile in profiles:  # a daily digest at the local hour it is now
                hour = now.astimezone(profile.zone).hour
                Profile.objects.filter(pk=profile.pk).update(digest_hour=hour)
            load_s = time.perf_counter() - started
            analyze_s = kit.analyze_loaded(args, load_s, "each, their digest due now")
            if not args.cold:  # as the sweeps of the past hour have: every user synced once
                started = time.perf_counter()
                for profile in profiles:
                    services.sync_rule_follow_ups(profile, now)
                print(
                    f"every user's rule follow-ups made beforehand (untimed, as the past "
                    f"hour's sweeps did) in {time.perf_counter() - started:.1f} s",
                    flush=True,
                )
            ours = {profile.user_id for profile in profiles}
            if args.sync_all and not by_share:  # after the rewrite: as if each had written
                Profile.objects.filter(user_id__in=ours).update(follow_ups_stale=True)
            counter = kit.QueryCounter()
            clock = TaskClock(kit.DatabaseCPU(), counter)
            task_prerun.connect(clock.started, weak=False)
            task_postrun.connect(clock.finished, weak=False)
            swept = {}

            def sweep():
                swept.update(tasks.sweep.delay(now.isoformat()).get())

            try:
                with connection.execute_wrapper(counter):
                    total = kit.timed(sweep, 1, clock.db_cpu)
            finally:
                task_prerun.disconnect(clock.started)
                task_postrun.disconnect(clock.finished)
            totals = {name: dict(values) for name, values in clock.totals.items()}
            sent = Digest.objects.filter(user__in=ours, state=Digest.State.SENT).count()
            due = {user_id for user_id, _period in swept["due"]}
            if not by_share:
                picked = "those whose follow-ups may be out of date"
            elif args.sync_all:
                picked = "all of them: --sync-all"
            else:
                shares, turn = tasks.sync_share(now)
                picked = f"user id % {shares} == {turn}"
            others = Profile.objects.exclude(user_id__in=ours).count()

            wall = total.wall[0]
            print()
            print(
                f"  one sweep: {wall:.1f} s wall, {total.cpu[0]:.1f} s CPU in this process, "
                + (
                    "database backend n/a"
                    if total.db[0] is None
                    else f"{total.db[0]:.1f} s CPU in the database backend"
                )
                + f"; {counter.count} SQL queries"
            )
            print(
                f"  {args.users} users: {swept['synced']} synced by this sweep ({picked}), "
                f"{len(due)} digests due ({len(due & ours)} of ours), {sent} sent"
            )
            print(
                f"  per user: {1000 * wall / args.users:.1f} ms of sweep; per digest sent: "
                + (f"{1000 * wall / sent:.1f} ms" if sent else "n/a")
            )
            if others:
                print(f"  note: the database holds {others} other users; the sweep saw them too")
            print()
            header = f"  {'task':<44}{'runs':>6}{'wall s':>9}{'ms each':>9}{'CPU ms':>8}"
            header += f"{'DB ms':>8}{'queries':>9}"
            print(header)
            print("  " + "-" * (len(header) - 2))
            for name, values in sorted(totals.items(), key=lambda item: -(item[1]["wall"] or 0)):
                runs = int(values["count"])

                def each(key, values=values, runs=runs):
                    value = values.get(key)
                    return "n/a" if value is None else f"{1000 * value / runs:.1f}"

                queries = values.get("queries")
                print(
                    f"  {name:<44}{runs:>6}{values['wall']:>9.2f}{each('wall'):>9}"
                    f"{each('cpu'):>8}{each('db'):>8}"
                    f"{'n/a' if queries is None else f'{queries / runs:.1f}':>9}"
                )
            print("  (a task's own time: without the tasks it queued, which ran inside it)")
            results.update(
                load_s=load_s,
                analyze_s=analyze_s,
                recruiters=args.recruiters,
                interactions=args.interactions,
                sweep_s=wall,
                sweep_cpu_s=total.cpu[0],
                sweep_db_cpu_s=total.db[0],
                queries=counter.count,
                synced=swept["synced"],
                due=len(due),
                due_ours=len(due & ours),
                sent=sent,
                ms_per_user=1000 * wall / args.users,
                ms_per_digest=1000 * wall / sent if sent else None,
                tasks=totals,
                other_users=others,
            )
            raise Rollback
    except Rollback:
        print("(rolled back: the database is as it was)")
    kit.write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
