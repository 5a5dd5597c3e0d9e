"""Redis stopped: the web app still serves its pages and logs interactions, and the "send me a
test digest" button says clearly that the task queue is unreachable, without failing. Redis
restarted: a worker started as docker-compose.yml starts it reconnects and logs no false
alarm.

The Redis here is this test's own server (started, used, then stopped), so the session's
Redis keeps serving the other tests.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recruiters.digests.tasks import send_test_digest
from recruiters.models import Interaction
from tests.digests.conftest import (
    CELERY,
    ROOT,
    free_port,
    need_real_parts,
    wait_until,
    worker_database_url,
)
from tests.factories import make_recruiter
from tracker.celery import app

pytestmark = pytest.mark.django_db


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisServer:
    """A redis-server of our own on a free loopback port, which can be restarted on it."""

    def __init__(self, directory):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("needs redis-server: run scripts/test.sh, which installs it")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--dir", self.directory],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: accepts(self.port), timeout=10, message="redis-server")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    """A Redis of our own, and this process's Celery app pointed at it."""
    server = RedisServer(tmp_path)
    server.start()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration; the
    # button opens a connection of its own at each click, so it uses this one.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    assert app.conf.broker_write_url == server.url
    yield server
    server.stop()


def quick_log(recruiter, summary):
    return {
        "direction": "inbound",
        "kind": "check_in",
        "channel": "email",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": summary,
    }


def test_with_redis_stopped_pages_work_and_the_test_button_explains(redis_server, client_in, user):
    recruiter = make_recruiter(user, name="Dana Reyes")
    send_test = reverse("digest_send_test")

    # With Redis up, the button queues the test digest.
    response = client_in.post(send_test, follow=True)
    assert b"A test digest is on its way" in response.content

    redis_server.stop()

    for name, args in [
        ("home", []),
        ("recruiter_list", []),
        ("recruiter_detail", [recruiter.pk]),
        ("settings", []),
        ("digest_preview", []),
        ("digest_settings", []),
    ]:
        assert client_in.get(reverse(name, args=args)).status_code == 200, name
    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]), quick_log(recruiter, "Still logging")
    )
    assert response.status_code == 302
    summaries = [i.summary for i in Interaction.objects.filter(recruiter=recruiter)]
    assert "Still logging" in summaries

    started = time.monotonic()
    response = client_in.post(send_test, follow=True)
    assert time.monotonic() - started < 5  # fails fast, no hanging request
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be queued" in page and "task queue is not reachable" in page
    assert "A test digest is on its way" not in page


def compose_worker_command():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    assert command[0] == "celery"
    return [CELERY, *command[1:]]


@pytest.fixture
def real_parts():
    need_real_parts()  # before redis_server points CELERY_BROKER_URL elsewhere


@pytest.mark.django_db(transaction=True)
def test_a_worker_as_deployed_rides_out_a_redis_restart_without_a_false_alarm(
    real_parts, redis_server, smtp, user, tmp_path
):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": redis_server.url,
        "EMAIL_URL": smtp.url,
        "SITE_URL": settings.SITE_URL,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    with log.open("wb") as out:
        worker = subprocess.Popen(
            compose_worker_command(),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: " ready." in log.read_text(), timeout=60, message="the worker")
        redis_server.stop()
        wait_until(
            lambda: "Connection to broker lost" in log.read_text(), message="the lost broker"
        )
        redis_server.start()
        with app.connection_for_write(redis_server.url) as connection:
            send_test_digest.apply_async((user.pk,), connection=connection)
        smtp.wait_for(1, to=user.email, timeout=30)  # the worker is back at work
        logged = log.read_text()
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    alarms = [
        line
        for line in logged.splitlines()
        # While Redis is down, "Cannot connect" is a true alarm.
        if "ERROR/" in line and "Cannot connect to redis" not in line
    ]
    assert alarms == []
