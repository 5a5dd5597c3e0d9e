"""Redis stopped: the web app still serves its pages and logs interactions, and the "send me a
test digest" button says clearly that the task queue is unreachable, without failing.

The Redis here is this test's own server (started, used, then stopped), so the session's
Redis keeps serving the other tests.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters.models import Interaction
from tests.digests.conftest import free_port, wait_until
from tests.factories import make_recruiter
from tracker.celery import app

pytestmark = pytest.mark.django_db


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    """A Redis of our own, and this process's Celery app pointed at it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("needs redis-server: run scripts/test.sh, which installs it")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp_path],
        stdout=subprocess.DEVNULL,
    )
    wait_until(lambda: accepts(port), timeout=10, message="redis-server")
    # Celery reads CELERY_BROKER_URL from the environment before its configuration; the
    # button opens a connection of its own at each click, so it uses this one.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    assert app.conf.broker_write_url == f"redis://127.0.0.1:{port}/0"
    yield server
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=10)


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

    redis_server.terminate()
    redis_server.wait(timeout=10)

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
    assert Interaction.objects.filter(recruiter=recruiter, summary="Still logging").exists()

    started = time.monotonic()
    response = client_in.post(send_test, follow=True)
    assert time.monotonic() - started < 5  # fails fast, no hanging request
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not be queued" in page and "task queue is not reachable" in page
    assert "A test digest is on its way" not in page
