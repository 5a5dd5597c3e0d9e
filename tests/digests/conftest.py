"""Real parts for the digest tests: Redis, an SMTP server on loopback, Celery workers.

- `smtp`: an aiosmtpd server on a free loopback port, for the whole session. It records
  each message it accepts; it can be stopped and started again on the same port, and can
  hold the DATA phase of chosen recipients (a worker killed then never gets its "250").
- `workers`: real `celery -A tracker worker` processes (solo pool) on the Redis of
  REDIS_URL (scripts/test.sh starts a throwaway one), against the *test* database that
  pytest-django created, sending to `smtp`. One worker, "main", runs for the session;
  tests may start more, kill one (SIGKILL) and start it again.
- `clock`: the sweep and the send tasks take `now` (ISO 8601), so no worker's clock is
  faked: `sweep_at(moment)` runs the sweep in this process, which queues the tasks.

Tests that use workers must be `django_db(transaction=True)`: the worker processes only
see committed rows. They need PostgreSQL (the workers share the test database) and Redis;
elsewhere they are skipped, and in CI (CI=true) that is an error instead.
"""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_URL = os.environ.get("REDIS_URL", "")
QUEUE = "celery"  # Celery's default queue: the one the tasks go to

# The tests queue tasks where the workers listen. Celery reads CELERY_BROKER_URL from the
# environment before its configuration; scripts/test.sh exports it, equal to REDIS_URL.
if REDIS_URL and not os.environ.get("CELERY_BROKER_URL"):
    os.environ["CELERY_BROKER_URL"] = REDIS_URL


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout=20.0, interval=0.05, message="condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def need_real_parts():
    """Fail, saying how to get them, a test that needs Redis and PostgreSQL without them."""
    missing = []
    if not REDIS_URL:
        missing.append("REDIS_URL (a Redis server)")
    elif os.environ.get("CELERY_BROKER_URL") != REDIS_URL:
        missing.append("CELERY_BROKER_URL equal to REDIS_URL")
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL of a PostgreSQL server")
    if missing:
        pytest.fail(f"needs {' and '.join(missing)}: run scripts/test.sh, which starts them")


# SMTP ------------------------------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: accepts every message and keeps it, parsed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.hold = set()  # recipients whose DATA phase is held until released
        self.refuse = set()  # recipients whose messages get "451 try again later"
        self.held = threading.Event()  # set once a held message waits
        self.dropped = threading.Event()  # set when a held message's client went away
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse & set(envelope.rcpt_tos):
            return "451 4.3.0 Try again later"
        if self.hold & set(envelope.rcpt_tos):
            self.held.set()
            # If the client goes away meanwhile, aiosmtpd cancels this coroutine and the
            # message is never accepted: it is not recorded.
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                self.dropped.set()
                raise
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Recorder()
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self, to=None):
        with self.handler.lock:
            messages = list(self.handler.messages)
        return [m for m in messages if to is None or to in str(m["To"])]

    def wait_for(self, count, to=None, timeout=20.0):
        return wait_until(
            lambda: len(self.messages(to)) >= count and self.messages(to),
            timeout=timeout,
            message=f"{count} message(s) to {to or 'anyone'}",
        )

    def hold(self, address):
        self.handler.release.clear()
        self.handler.held.clear()
        self.handler.dropped.clear()
        self.handler.hold = {address}

    def release(self):
        self.handler.hold = set()
        self.handler.release.set()

    def refuse(self, *addresses):
        """Answer messages to `addresses` with a transient refusal (none: accept all)."""
        self.handler.refuse = set(addresses)

    def clear(self):
        self.release()
        self.refuse()
        with self.handler.lock:
            self.handler.messages.clear()


@pytest.fixture(scope="session")
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.release()
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The session's SMTP server, emptied, running and holding nothing."""
    if smtp_server.controller is None:
        smtp_server.start()
    smtp_server.clear()
    yield smtp_server
    smtp_server.release()
    if smtp_server.controller is None:
        smtp_server.start()


# Redis and Celery workers ------------------------------------------------------------


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def worker_database_url():
    """The URL of the database pytest-django created (test_<name>), for other processes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if user else ""
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Real `celery -A tracker worker` processes, each in its own process group."""

    def __init__(self, env, log_dir):
        self.env = env
        self.log_dir = log_dir
        self.processes = {}
        self.logs = {}

    def start(self, name="main"):
        assert name not in self.processes, f"worker {name} is already running"
        log = self.log_dir / f"worker-{name}-{uuid.uuid4().hex[:6]}.log"
        command = [
            CELERY,
            "-A",
            "tracker",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name], self.logs[name] = process, log

        def ready():
            if process.poll() is not None:
                pytest.fail(f"worker {name} exited:\n{log.read_text()}")
            return " ready." in log.read_text()

        wait_until(ready, timeout=60, message=f"worker {name} to be ready")
        return process

    def kill(self, name="main"):
        """SIGKILL: no cleanup, no acknowledgement, open connections just drop."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self, name="main"):
        """A warm shutdown (SIGTERM): the worker finishes its task, then exits."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self):
        for name in list(self.processes):
            self.stop(name)

    def log(self, name="main"):
        return self.logs[name].read_text()

    def drain(self, timeout=30.0):
        """Wait until every queued task has been executed and acknowledged."""
        client = redis_client()

        def idle():
            return client.llen(QUEUE) == 0 and client.hlen("unacked") == 0

        wait_until(idle, timeout=timeout, message="the workers to finish their tasks")
        time.sleep(0.1)

    def forget_unacked(self):
        """Drop the unacknowledged messages of a killed worker (Redis would deliver them
        again after its visibility timeout, an hour; the claim makes them harmless)."""
        client = redis_client()
        client.delete("unacked", "unacked_index")


@pytest.fixture(scope="session")
def workers(django_db_setup, smtp_server, tmp_path_factory):
    """The session's Celery workers; "main" is running. Requires PostgreSQL and Redis."""
    need_real_parts()
    from tracker.celery import app

    app.control.purge()
    redis_client().delete("unacked", "unacked_index")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_URL": smtp_server.url,
        "EMAIL_TIMEOUT": "5",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "LOG_LEVEL": "INFO",
    }
    pool = Workers(env, tmp_path_factory.mktemp("workers"))
    pool.start("main")
    yield pool
    pool.stop_all()


@pytest.fixture
def worker(workers, smtp, request):
    """The running workers, idle before and after the test; "main" runs throughout.

    After the last test that uses them, the workers stop at once, so that they never run
    tasks that later tests of the session queue for other reasons.
    """
    if "main" not in workers.processes:
        workers.start("main")
    workers.drain()
    yield workers
    smtp.release()
    workers.drain()
    for name in [name for name in workers.processes if name != "main"]:
        workers.stop(name)
    items = request.session.items
    later = items[items.index(request.node) + 1 :] if request.node in items else []
    if not any("worker" in item.fixturenames for item in later):
        workers.stop_all()
    elif "main" not in workers.processes:
        workers.start("main")


@pytest.fixture
def sweep_at():
    """Run the periodic sweep in this process as if the clock read `moment`."""
    from recruiters.tasks import sweep

    def run(moment):
        return sweep(now=moment.isoformat())

    return run
