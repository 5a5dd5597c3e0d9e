"""The many-users mix against gunicorn on loopback: requests per second and latency.

    bench/run-with-postgres.sh .venv/bin/python bench/load.py [--users 50] [--duration 60]

Against the configured DATABASE_URL (rows committed, since gunicorn must see them; deleted
at the end, whatever happens), the script
1. creates --users users, each with --recruiters (100) recruiters and --interactions
   (2,000) interactions (bench/dashboard.py's `populate`); ANALYZE; logs each in
   (django.test.Client.force_login: a session row, whose cookie the simulated user sends);
2. starts gunicorn as docker-compose's web service runs it (`gunicorn tracker.wsgi` with
   tracker/gunicorn.py: 2 x cores + 1 workers, or --workers; access log to a temp file) on a free
   127.0.0.1 port, with this environment (the same DATABASE_URL) and tracker.settings
   (tracker.settings_production adds HTTPS hardening and hashed static files, which these
   requests do not touch);
3. warms up: each simulated user GETs one of its recruiter pages once (untimed), which also
   gives it the CSRF cookie and token of the quick-log form, as a browser gets them;
4. runs --users simulated users (one thread each) for --duration seconds, at most
   --max-requests requests in all: each waits 1-3 s (uniformly random) after each answer,
   then asks one of: the dashboard (GET /home/, 50%), one of its recruiters' pages (GET,
   30%), logging an interaction there (the quick log's htmx POST, with the CSRF token, 20%);
5. reports requests answered, requests per second, latency p50/p95/p99 (all and per kind),
   errors (answers other than 2xx/3xx, and failures), the CPU time of gunicorn and of
   PostgreSQL over the run; then stops gunicorn and deletes the users and their sessions.

Traffic goes to 127.0.0.1 only, bounded in count and time.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, for dashboard.py
import dashboard as kit  # noqa: E402  (bench/dashboard.py: the data and the measuring kit)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters.models import Interaction, Recruiter  # noqa: E402
from tracker import gunicorn as web_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MIX = (("dashboard", 50), ("recruiter page", 30), ("log interaction", 20))
SUMMARY = "Logged by bench/load.py"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise, no static


# Processes: gunicorn and PostgreSQL ---------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid):
    """The pids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def tree_cpu(pid):
    """CPU seconds of process `pid`, its children that have ended (reaped: cutime, cstime)
    and those still running, recursively: a counter that only grows, however short-lived
    the children (PostgreSQL's backends, one per connection). None if unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    ticks = sum(int(fields[n]) for n in (11, 12, 13, 14))  # utime stime cutime cstime
    total = ticks / os.sysconf("SC_CLK_TCK")
    for child in children(pid):
        total += tree_cpu(child) or 0
    return total


def postmaster_pid():
    """The PostgreSQL server's main process, if it runs on this machine (the parent of the
    backend serving this connection); None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        with open(f"/proc/{backend}/stat") as stat:
            return int(stat.read().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def start_gunicorn(port, workers, log_dir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "PYTHONPATH": str(ROOT),  # this tree's code, whatever the venv points at
        "WEB_CONCURRENCY": str(workers),
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",  # whitenoise, no static
    }
    command = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "-c", "python:tracker.gunicorn"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(log_dir / "access.log")]
    command += ["--error-logfile", str(log_dir / "error.log")]
    with open(log_dir / "output.log", "wb") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            errors = "".join(
                (log_dir / name).read_text(errors="replace")[-2000:]
                for name in ("output.log", "error.log")
                if (log_dir / name).exists()
            )
            raise SystemExit(f"gunicorn exited ({server.returncode}):\n{errors}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not listen within 30 s")


def stop(server):
    """Stop gunicorn (our own child, by its pid): TERM, then KILL after 15 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# The simulated users ------------------------------------------------------------------------


class Visitor:
    """One simulated user: a session cookie, its recruiters, a CSRF token once warmed up."""

    def __init__(self, port, session_key, recruiter_ids, rng):
        self.port, self.rng = port, rng
        self.recruiter_ids = recruiter_ids
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}
        self.token = None

    def request(self, method, path, body=None, headers=None):
        """(status, seconds, body) of one request on a new connection (gunicorn's sync
        workers close each one), cookies kept as a browser would."""
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.partition(";")[0]
        return response.status, seconds, content

    def warm_up(self):
        path = reverse("recruiter_detail", args=[self.rng.choice(self.recruiter_ids)])
        status, seconds, content = self.request("GET", path)
        found = TOKEN.search(content.decode(errors="replace"))
        if status != 200 or not found or "csrftoken" not in self.cookies:
            raise SystemExit(f"warm-up GET {path} answered {status} without a CSRF token")
        self.token = found.group(1)
        return seconds

    def one(self):
        """One request of the mix: (kind, status, seconds)."""
        kind = self.rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        recruiter = self.rng.choice(self.recruiter_ids)
        if kind == "dashboard":
            status, seconds, _ = self.request("GET", reverse("home"))
        elif kind == "recruiter page":
            status, seconds, _ = self.request("GET", reverse("recruiter_detail", args=[recruiter]))
        else:
            form = {
                "csrfmiddlewaretoken": self.token,
                "direction": "outbound",
                "kind": "check_in",
                "channel": "email",
                "occurred_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),  # users are in UTC
                "role": "",
                "value": "",
                "summary": SUMMARY,
            }
            status, seconds, _ = self.request(
                "POST",
                reverse("log_interaction", args=[recruiter]),
                body=urllib.parse.urlencode(form),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "HX-Target": "quick-log",
                },
            )
        return kind, status, seconds


def percentile(values, p):
    """Nearest-rank percentile of `values` (seconds), in ms."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return 1000 * ordered[int(rank) - 1]


def run_load(visitors, *, duration, max_requests):
    """Each visitor in its own thread until `duration` or `max_requests` in all:
    [(kind, status or None, seconds, error)]."""
    results, lock = [], threading.Lock()
    issued = [0]
    deadline = time.monotonic() + duration

    def take_turn():
        with lock:
            if issued[0] >= max_requests:
                return False
            issued[0] += 1
            return True

    def visit(visitor):
        time.sleep(visitor.rng.uniform(0, 3))  # arrive spread out, not all at once
        while time.monotonic() < deadline and take_turn():
            try:
                kind, status, seconds = visitor.one()
                outcome = (kind, status, seconds, None)
            except Exception as error:  # a timeout or a refused connection is an error
                outcome = ("failed", None, 0.0, f"{type(error).__name__}: {error}")
            with lock:
                results.append(outcome)
            pause = visitor.rng.uniform(1, 3)
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))

    threads = [threading.Thread(target=visit, args=(v,), daemon=True) for v in visitors]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 70)
    return results, time.monotonic() - start


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (50)")
    parser.add_argument("--recruiters", type=int, default=100, help="per user (100)")
    parser.add_argument("--interactions", type=int, default=2000, help="per user (2,000)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="in all (20,000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=web_settings.workers,
        help=f"gunicorn workers ({web_settings.workers}: tracker/gunicorn.py's, as deployed)",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    if args.users < 1 or args.recruiters < 1 or not 0 < args.duration <= 3600:
        parser.error("need a user, a recruiter and a duration of at most an hour")
    return args


def main(argv=None):
    args = parse_args(argv)
    vendor = connection.vendor
    if vendor != "postgresql":
        print(f"note: running on {vendor}, not PostgreSQL (set DATABASE_URL)", file=sys.stderr)
    user_model = get_user_model()
    users, session_keys, server = [], [], None
    log_dir = Path(tempfile.mkdtemp(prefix="callback-load."))
    results = {"bench": "load", "vendor": vendor, "users": args.users}
    now = timezone.now()
    try:
        started = time.perf_counter()
        accounts = []  # (session key, recruiter ids)
        for n in range(args.users):
            email = f"load-{uuid.uuid4().hex[:10]}-{n}@bench.invalid"
            user = user_model.objects.create_user(username=email, email=email)
            users.append(user)
            kit.populate(
                user,
                recruiters=args.recruiters,
                interactions=args.interactions,
                now=now,
                rng=random.Random(args.seed + n),
            )
            client = Client()
            client.force_login(user)
            session_keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
            ids = list(Recruiter.objects.owned_by(user).values_list("pk", flat=True))
            accounts.append((session_keys[-1], ids))
        load_s = time.perf_counter() - started
        kit.analyze_loaded(args, load_s)

        port = free_port()
        server = start_gunicorn(port, args.workers, log_dir)
        print(
            f"gunicorn: {args.workers} sync worker{'s' if args.workers > 1 else ''} on "
            f"127.0.0.1:{port} (pid {server.pid})",
            flush=True,
        )
        visitors = [
            Visitor(port, key, ids, random.Random(args.seed * 7 + n))
            for n, (key, ids) in enumerate(accounts)
        ]
        warm = [visitor.warm_up() for visitor in visitors]
        print(
            f"warm-up: {len(warm)} recruiter pages, {1000 * sum(warm) / len(warm):.0f} ms each "
            f"(one at a time); now {args.users} users for {args.duration:.0f} s...",
            flush=True,
        )

        postmaster = postmaster_pid()
        before = tree_cpu(server.pid), tree_cpu(postmaster) if postmaster else None
        answered, elapsed = run_load(
            visitors, duration=args.duration, max_requests=args.max_requests
        )
        after = tree_cpu(server.pid), tree_cpu(postmaster) if postmaster else None
        summaries = Interaction.objects.filter(owner__in=users).values_list("summary", flat=True)
        logged = sum(summary == SUMMARY for summary in summaries.iterator())  # encrypted

        timed = [r for r in answered if r[1] is not None]
        errors = [r for r in answered if r[1] is None or not 200 <= r[1] < 400]
        print()
        header = f"  {'requests':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        header += f"{'max ms':>9}{'errors':>8}"
        print(header)
        print("  " + "-" * (len(header) - 2))
        by_kind = {}
        for kind in ["all", *(k for k, _ in MIX)]:
            rows = [r for r in timed if kind in ("all", r[0])]
            bad = [r for r in errors if kind in ("all", r[0])]
            if not rows:
                continue
            seconds = [r[2] for r in rows]
            figures = {
                "count": len(rows),
                "p50_ms": percentile(seconds, 50),
                "p95_ms": percentile(seconds, 95),
                "p99_ms": percentile(seconds, 99),
                "max_ms": 1000 * max(seconds),
                "errors": len(bad),
            }
            by_kind[kind] = figures
            print(
                f"  {kind:<18}{len(rows):>7}{figures['p50_ms']:>9.0f}{figures['p95_ms']:>9.0f}"
                f"{figures['p99_ms']:>9.0f}{figures['max_ms']:>9.0f}{len(bad):>8}"
            )
        rate = len(timed) / elapsed if elapsed else 0
        print(
            f"\n  {len(timed)} requests answered in {elapsed:.1f} s: {rate:.1f} requests/s; "
            f"{len(errors)} errors"
        )
        failures = sorted({r[3] or f"HTTP {r[1]}" for r in errors})
        if failures:
            print("  errors: " + "; ".join(failures[:5]))
        posts = by_kind.get("log interaction", {}).get("count", 0)
        print(f"  interactions logged: {logged} (of {posts} POSTs)")

        def spent(n):
            if before[n] is None or after[n] is None:
                return None
            return after[n] - before[n]

        cpu_web, cpu_db = spent(0), spent(1)
        print(
            "  CPU over the run: gunicorn "
            + ("n/a" if cpu_web is None else f"{cpu_web:.1f} s ({100 * cpu_web / elapsed:.0f}%)")
            + ", PostgreSQL "
            + ("n/a" if cpu_db is None else f"{cpu_db:.1f} s ({100 * cpu_db / elapsed:.0f}%)")
            + (
                f"; per request {1000 * cpu_web / len(timed):.0f} + "
                f"{1000 * cpu_db / len(timed):.0f} ms"
                if timed and cpu_web is not None and cpu_db is not None
                else ""
            )
            + f" ({os.cpu_count()} cores)"
        )
        results.update(
            recruiters=args.recruiters,
            interactions=args.interactions,
            duration_s=elapsed,
            workers=args.workers,
            answered=len(timed),
            requests_per_s=rate,
            errors=len(errors),
            by_kind=by_kind,
            interactions_logged=logged,
            cpu_gunicorn_s=cpu_web,
            cpu_postgres_s=cpu_db,
            load_s=load_s,
            samples=[[kind, status, round(seconds, 4)] for kind, status, seconds, _ in answered],
        )
    finally:
        if server is not None:
            stop(server)
            log = log_dir / "access.log"
            lines = len(log.read_text().splitlines()) if log.exists() else 0
            print(f"  gunicorn stopped ({lines} requests in its access log)")
        Session.objects.filter(session_key__in=session_keys).delete()
        left = sum(kit.delete_user(user) for user in users)
        print(f"  {len(users)} throwaway users deleted ({left} rows left behind)")
        shutil.rmtree(log_dir, ignore_errors=True)
    kit.write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
