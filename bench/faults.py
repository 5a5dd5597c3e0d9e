"""The fault drill: load and outages on the real processes, each checked against what
docs/operations.md promises.

    bench/run-with-postgres.sh .venv/bin/python bench/faults.py [--users 50] [--duration 60]

It restarts the PostgreSQL it runs on, so it runs only on run-with-postgres.sh's throwaway
server (it refuses any other). It starts its own Redis (tests/digests/test_redis_down.py's
RedisServer), aiosmtpd server and Celery worker (tests/digests/conftest.py's SMTPServer and
Workers) and gunicorn (bench/load.py's), makes --users users with bench/dashboard.py's data,
each with a daily digest at 08:00 UTC, and runs bench/load.py's simulated users. Then:

1. load: --users users for --duration seconds. Expected: no error; every log the server
   acknowledged (2xx) is stored, once.
2. Redis down: users for --outage-load seconds, Redis stopped --redis-down seconds after a
   few. A sweep (run here, as beat would) during the outage cannot queue anything; once
   Redis is back, the sweep for 08:05. Expected: every page and log answered 2xx, logs
   stored once; the worker reconnects by itself and sends one digest per user.
3. PostgreSQL restarted: stopped for --postgres-down seconds under load, then started.
   Expected: requests that overlap the outage answer 2xx or our 503 with Retry-After,
   nothing else; every other request 2xx; logs acknowledged = logs stored (a refused one
   left nothing); gunicorn and the worker recover without a restart. A probe GETs /home/
   every 0.25 s to time the outage as users see it.
4. SMTP down during a sweep, then a worker killed mid-batch: the next day's sweep runs with
   SMTP stopped (every send fails and is retried with backoff); SMTP comes back holding one
   user's message in its DATA phase; the worker is SIGKILLed while it holds it, started
   again, and the sweep after the lease (16 min later on the sweep's clock) takes over the
   claims. Expected: every user's digest arrives, none twice.

It prints each scenario's figures beside the expectation and exits 1 if one is not met.
Beat does not run: the sweeps run in this process, at a clock of their own (tasks take
`now`), as tests/digests/ runs them. Everything it made is deleted at the end.
"""

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py: gunicorn, the simulated users; sets Django up)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from kombu.exceptions import OperationalError as BrokerError  # noqa: E402

from recruiters.models import Digest, Interaction, Profile, Recruiter  # noqa: E402
from tests.digests import conftest as parts  # noqa: E402  (SMTP server, Celery workers)
from tests.digests.test_redis_down import RedisServer  # noqa: E402

ROOT = load.ROOT
DAY_ONE = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)  # the users' digest hour, 08:00 UTC
DAY_TWO = DAY_ONE + timedelta(days=1)


class TimedVisitor(load.Visitor):
    """bench/load.py's simulated user, also noting when each request started (monotonic),
    so that a request can be placed inside or outside an outage."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log = []  # (started, kind, status or None, seconds)

    def one(self):
        started = time.monotonic()
        try:
            kind, status, seconds = super().one()
        except Exception:
            self.log.append((started, "failed", None, time.monotonic() - started))
            raise
        self.log.append((started, kind, status, seconds))
        return kind, status, seconds


class Probe(threading.Thread):
    """GET /home/ every 0.25 s as one user, noting (moment, status, Retry-After)."""

    def __init__(self, visitor):
        super().__init__(daemon=True)
        self.visitor, self.seen, self.halt = visitor, [], threading.Event()

    def run(self):
        while not self.halt.is_set():
            moment = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", self.visitor.port, timeout=30)
            try:
                cookie = "; ".join(f"{k}={v}" for k, v in self.visitor.cookies.items())
                conn.request("GET", "/home/", headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                self.seen.append((moment, response.status, response.getheader("Retry-After")))
            except OSError as error:
                self.seen.append((moment, type(error).__name__, None))
            finally:
                conn.close()
            self.halt.wait(0.25)


class Drill:
    """The processes and the users; each scenario method returns its checks."""

    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.redis = RedisServer(str(tmp))
        # tests/digests/conftest.py read REDIS_URL when imported: this Redis is newer.
        parts.REDIS_URL = self.redis.url
        os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = self.redis.url
        self.smtp = parts.SMTPServer()
        self.workers = parts.Workers(
            {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tracker.settings",
                "PYTHONPATH": str(ROOT),
                "EMAIL_URL": self.smtp.url,
                "EMAIL_TIMEOUT": "5",
                "SITE_URL": settings.SITE_URL,
            },
            tmp,
        )
        self.server = None
        self.users, self.visitors, self.session_keys = [], [], []

    # set-up and tear-down ----------------------------------------------------------------

    def start(self):
        self.redis.start()
        self.smtp.start()
        self.workers.start("main")
        started = time.perf_counter()
        rng = random.Random
        for n in range(self.args.users):
            email = f"faults-{n}-{os.getpid()}@bench.invalid"
            user = get_user_model().objects.create_user(username=email, email=email)
            self.users.append(user)
            load.kit.populate(
                user,
                recruiters=self.args.recruiters,
                interactions=self.args.interactions,
                now=timezone.now(),
                rng=rng(self.args.seed + n),
            )
            client = Client()
            client.force_login(user)
            self.session_keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
            ids = list(Recruiter.objects.owned_by(user).values_list("pk", flat=True))
            self.visitors.append(
                TimedVisitor(None, self.session_keys[-1], ids, rng(self.args.seed * 7 + n))
            )
        Profile.objects.filter(user__in=self.users).update(
            time_zone="UTC", digest_frequency="daily", digest_hour=8, digest_when_all_clear=True
        )
        load.kit.analyze()
        port = load.free_port()
        self.server = load.start_gunicorn(port, self.args.workers, self.tmp)
        for visitor in self.visitors:
            visitor.port = port
            visitor.warm_up()
        print(
            f"{self.args.users} users of {self.args.recruiters} recruiters and "
            f"{self.args.interactions} interactions, made in {time.perf_counter() - started:.0f} s"
            f"; gunicorn ({self.args.workers} sync workers) on 127.0.0.1:{port}, Redis on "
            f"{self.redis.port}, SMTP on {self.smtp.port}, one Celery worker (solo pool)",
            flush=True,
        )

    def stop(self):
        if self.server is not None:
            load.stop(self.server)
        self.workers.stop_all()
        self.smtp.release()
        self.smtp.stop()
        self.redis.stop()
        connection.close()  # the connection may predate a restart
        Session.objects.filter(session_key__in=self.session_keys).delete()
        left = sum(load.kit.delete_user(user) for user in self.users)
        print(f"{len(self.users)} throwaway users deleted ({left} rows left behind)")

    # measuring -----------------------------------------------------------------------------

    def logged(self):
        """The interactions the simulated users logged (summaries are encrypted: the
        database cannot compare them, so they are compared here)."""
        summaries = Interaction.objects.filter(
            owner__in=self.users, kind="check_in", channel="email", direction="outbound"
        ).values_list("summary", flat=True)
        return sum(summary == load.SUMMARY for summary in summaries.iterator())

    def run_load(self, seconds, during=None):
        """The simulated users for `seconds`; `during()` runs in this thread meanwhile.
        Returns (log of every request, logs stored meanwhile, what `during` returned)."""
        for visitor in self.visitors:
            visitor.log.clear()
        before = self.logged()
        runner = threading.Thread(
            target=load.run_load,
            args=(self.visitors,),
            kwargs={"duration": seconds, "max_requests": self.args.max_requests},
        )
        runner.start()
        extra = during() if during else None
        runner.join()
        connection.close()  # in case PostgreSQL restarted under this connection
        requests = sorted(entry for visitor in self.visitors for entry in visitor.log)
        return requests, self.logged() - before, extra

    @staticmethod
    def acknowledged_logs(requests):
        return sum(
            1
            for _, kind, status, _ in requests
            if kind == "log interaction" and status is not None and 200 <= status < 300
        )

    @staticmethod
    def ok(status):
        return status is not None and 200 <= status < 400

    def digests_sent(self, expected, timeout):
        """Wait until `expected` digests reached SMTP (or `timeout`); the count per user."""
        deadline = time.monotonic() + timeout
        while len(self.smtp.messages()) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # a doubled digest would arrive right after
        emails = {user.email for user in self.users}
        return Counter(str(m["To"]) for m in self.smtp.messages() if str(m["To"]) in emails)

    # the scenarios -------------------------------------------------------------------------

    def under_load(self):
        requests, stored, _ = self.run_load(self.args.duration)
        errors = [r for r in requests if not self.ok(r[2])]
        acked = self.acknowledged_logs(requests)
        figures = (
            f"{len(requests)} requests in {self.args.duration:.0f} s, "
            f"{percentiles(requests)}; {len(errors)} errors"
            + (f" ({statuses(errors)})" if errors else "")
            + "; "
            f"logs acknowledged {acked}, stored {stored}"
        )
        return figures, [
            ("no error", not errors),
            ("every acknowledged log stored once", acked == stored and acked > 0),
        ]

    def redis_down(self):
        self.smtp.clear()
        window = {}

        def outage():
            time.sleep(5)
            self.redis.stop()
            window["down"] = time.monotonic()
            try:
                sweep(DAY_ONE - timedelta(minutes=4))
                window["sweep"] = "queued (unexpected)"
            except BrokerError as error:
                window["sweep"] = f"refused ({type(error).__name__})"
            time.sleep(max(0.0, self.args.redis_down - (time.monotonic() - window["down"])))
            self.redis.start()
            window["up"] = time.monotonic()

        requests, stored, _ = self.run_load(self.args.outage_load, outage)
        during = [r for r in requests if r[0] + r[3] >= window["down"] and r[0] <= window["up"]]
        errors = [r for r in requests if not self.ok(r[2])]
        acked = self.acknowledged_logs(requests)
        back = time.monotonic()
        sweep(DAY_ONE)
        per_user = self.digests_sent(len(self.users), timeout=self.args.digest_timeout)
        caught_up = time.monotonic() - back
        figures = (
            f"Redis down {window['up'] - window['down']:.1f} s; {len(requests)} requests "
            f"({len(during)} during the outage: {statuses(during)}), {len(errors)} errors; "
            f"logs acknowledged {acked}, stored {stored}; sweep during the outage: "
            f"{window['sweep']}; after it: {sum(per_user.values())} digests to "
            f"{len(per_user)} of {len(self.users)} users in {caught_up:.1f} s"
        )
        return figures, [
            ("every page and log answered 2xx/3xx", not errors and during),
            ("every acknowledged log stored once", acked == stored),
            ("one digest per user after the outage", per_user == one_each(self.users)),
        ]

    def postgres_restart(self):
        data_dir = postgres_data_dir()
        window, probe = {}, Probe(self.visitors[0])

        def outage():
            probe.start()
            time.sleep(5)
            window["down"] = time.monotonic()
            postgres("stop", data_dir)
            time.sleep(self.args.postgres_down)
            postgres("start", data_dir)
            window["up"] = time.monotonic()
            time.sleep(5)
            probe.halt.set()
            probe.join()

        requests, stored, _ = self.run_load(self.args.outage_load, outage)
        started, ended = window["down"], window["up"]
        during = [r for r in requests if r[0] + r[3] >= started and r[0] <= ended]
        outside = [r for r in requests if r not in during]
        failed_outside = [r for r in outside if not self.ok(r[2])]
        wrong_during = [r for r in during if not (self.ok(r[2]) or r[2] == 503)]
        acked = self.acknowledged_logs(requests)
        refused = [s for s in probe.seen if s[1] == 503]
        without_retry_after = [s for s in refused if s[2] != "30"]
        first_ok = next((m for m, status, _ in probe.seen if m > ended and status == 200), None)
        figures = (
            f"PostgreSQL down {ended - started:.1f} s (stop, {self.args.postgres_down:.0f} s, "
            f"start); {len(requests)} requests: {len(during)} overlapping the outage "
            f"({statuses(during)}), {len(outside)} outside ({len(failed_outside)} failed); "
            f"probe: {statuses_of(s[1] for s in probe.seen if started <= s[0] <= ended)} during"
            f" the outage, first 200 {'never' if first_ok is None else f'{first_ok - ended:.2f} s'}"
            f" after PostgreSQL was back; logs acknowledged {acked}, stored {stored}"
        )
        return figures, [
            ("no failure outside the outage", not failed_outside),
            ("during it only 2xx/3xx or 503", not wrong_during),
            ("every 503 says Retry-After: 30", refused and not without_retry_after),
            (
                "recovery within 5 s, nothing restarted",
                first_ok is not None
                and first_ok - ended < 5
                and self.server.poll() is None
                and self.workers.processes["main"].poll() is None,
            ),
            ("logs acknowledged = stored (no partial rows)", acked == stored),
        ]

    def worker_killed_and_smtp_down(self):
        self.smtp.clear()
        self.smtp.stop()
        users = set(self.users)
        sweep(DAY_TWO)
        period = DAY_TWO.date().isoformat()
        digests = Digest.objects.filter(user__in=users, period=period)
        wait(
            lambda: digests.filter(attempts__gte=1).count() == len(users),
            120,
            "every digest tried with SMTP down",
        )
        failed = digests.filter(state="claimed").count()
        # A user mid-list: the worker reaches it with some digests sent and some not.
        held = self.users[len(self.users) // 2]
        self.smtp.hold(held.email)
        self.smtp.start()
        wait(self.smtp.handler.held.is_set, 120, "the held message's DATA phase")
        sent_before_kill = len(self.smtp.messages())
        self.workers.kill("main")
        wait(self.smtp.handler.dropped.is_set, 20, "SMTP to see the killed worker go")
        self.smtp.release()
        self.workers.start("main")
        result = sweep(DAY_TWO + timedelta(minutes=16))  # after the lease (15 min)
        per_user = self.digests_sent(len(users), timeout=self.args.digest_timeout)
        again = sweep(DAY_TWO + timedelta(minutes=40))
        time.sleep(3)
        doubled = {to: n for to, n in per_user.items() if n > 1}
        figures = (
            f"SMTP down: {failed} of {len(users)} digests claimed and failing; SMTP back, "
            f"{sent_before_kill} sent before the worker was killed holding one; restarted; "
            f"the sweep after the lease took over {len(result['stale'])} claims; "
            f"{len(per_user)} of {len(users)} users got a digest, {len(doubled)} twice; "
            f"a later sweep found {len(again['due']) + len(again['stale'])} to send"
        )
        return figures, [
            ("every digest tried while SMTP was down", failed == len(users)),
            (f"{len(users)} of {len(users)} digests", set(per_user) == {u.email for u in users}),
            ("none doubled", not doubled and len(self.smtp.messages()) == len(users)),
        ]


# helpers --------------------------------------------------------------------------------


def sweep(moment):
    from recruiters.tasks import sweep as run

    return run(now=moment.isoformat())


def wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def one_each(users):
    return Counter({user.email: 1 for user in users})


def statuses_of(values):
    counts = Counter(values)
    return ", ".join(f"{n}×{status}" for status, n in sorted(counts.items(), key=str)) or "none"


def statuses(requests):
    return statuses_of(r[2] if r[2] is not None else r[1] for r in requests)


def percentiles(requests):
    seconds = [r[3] for r in requests if r[2] is not None]
    if not seconds:
        return "no answer"
    return f"p50 {load.percentile(seconds, 50):.0f} ms, p95 {load.percentile(seconds, 95):.0f} ms"


def postgres_data_dir():
    """The throwaway server's data directory (run-with-postgres.sh's); refuses any other."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = Path(cursor.fetchone()[0])
    if not data_dir.parent.name.startswith("callback-bench."):
        raise SystemExit(
            f"{data_dir} is not bench/run-with-postgres.sh's throwaway PostgreSQL: "
            "this drill restarts its server, run it under that script"
        )
    return data_dir


def postgres(action, data_dir):
    """Stop or start the throwaway server with scripts/throwaway-postgres.sh's helpers."""
    command = {
        "stop": 'stop_postgres "$1"',
        "start": 'as_postgres "$(postgres_bin)/pg_ctl" -D "$1/data" -l "$1/postgresql.log" '
        "-w start >/dev/null",
    }[action]
    subprocess.run(
        ["bash", "-c", f"source scripts/throwaway-postgres.sh; {command}", "_", data_dir.parent],
        cwd=ROOT,
        check=True,
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (50)")
    parser.add_argument("--recruiters", type=int, default=20, help="per user (20)")
    # Outcomes, not speed: small accounts keep each request short, so that every request
    # falls clearly inside or outside an outage.
    parser.add_argument("--interactions", type=int, default=0, help="per user (0)")
    parser.add_argument("--duration", type=float, default=60, help="scenario 1's seconds (60)")
    parser.add_argument("--outage-load", type=float, default=30, help="scenarios 2-3's (30)")
    parser.add_argument("--redis-down", type=float, default=10, help="seconds (10)")
    parser.add_argument("--postgres-down", type=float, default=5, help="seconds (5)")
    parser.add_argument("--digest-timeout", type=float, default=120, help="seconds (120)")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument(
        "--workers", type=int, default=load.web_settings.workers, help="gunicorn workers"
    )
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    load.kit.quiet_logs("mail.log", "axes")
    postgres_data_dir()  # refuse before making anything
    failed = 0
    with tempfile.TemporaryDirectory(prefix="callback-faults.") as tmp:
        drill = Drill(args, Path(tmp))
        try:
            drill.start()
            for name, scenario in [
                ("1. load", drill.under_load),
                ("2. Redis down", drill.redis_down),
                ("3. PostgreSQL restarted", drill.postgres_restart),
                ("4. SMTP down, worker killed mid-batch", drill.worker_killed_and_smtp_down),
            ]:
                started = time.monotonic()
                figures, checks = scenario()
                print(f"\n{name} ({time.monotonic() - started:.0f} s)\n  {figures}")
                for expectation, met in checks:
                    print(f"  {'ok  ' if met else 'FAIL'} {expectation}")
                    failed += not met
                sys.stdout.flush()
        finally:
            drill.stop()
    print(f"\n{'every expectation met' if not failed else f'{failed} expectations FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
