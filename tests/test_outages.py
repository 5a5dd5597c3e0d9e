"""Our own error pages, over real HTTP (the live server, DEBUG off): a bug answers our 500
page; an unreachable database or task queue answers 503 with Retry-After. The database goes
down for real: new connections are pointed at a loopback port nobody listens on, so each
one is refused, and it comes back without restarting anything.
"""

import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.digests.conftest import free_port
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url, *, cookie=None, headers=None):
    """(status, headers, body) of one real HTTP request; error statuses are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    if cookie:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def assert_our_page(body, status):
    assert "Callback" in body and f"error {status}" in body
    assert 'href="/"' in body  # a way back
    assert "Traceback" not in body and "Server Error (500)" not in body


@pytest.fixture
def session_cookie(db):
    client = Client()
    client.force_login(make_user("me@example.com"))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def database_down():
    """`database_down()`: from then on every new database connection is refused; the
    database is back when the test ends, or at `database_down.restore()`."""
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}

    class Outage:
        def __call__(self):
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))

        def restore(self):
            connection.settings_dict.update(saved)

    outage = Outage()
    yield outage
    outage.restore()


@pytest.mark.urls("tests.outage_urls")
def test_a_bug_answers_our_500_page(live_server, session_cookie):
    status, headers, body = fetch(f"{live_server.url}/outage-test/fail/", cookie=session_cookie)
    assert status == 500
    assert_our_page(body, 500)
    assert "Retry-After" not in headers


def test_database_down_answers_503_with_retry_after_then_recovers(
    live_server, session_cookie, database_down
):
    url = f"{live_server.url}/recruiters/"
    before, _, _ = fetch(url, cookie=session_cookie)
    database_down()

    status, headers, body = fetch(url, cookie=session_cookie)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert_our_page(body, 503)
    assert "cannot reach its database" in body

    # htmx swaps no 5xx into the page: it is told to reload it, which shows this page.
    status, headers, _ = fetch(url, cookie=session_cookie, headers={"HX-Request": "true"})
    assert (status, headers["Retry-After"], headers["HX-Refresh"]) == (503, "30", "true")

    database_down.restore()
    assert fetch(url, cookie=session_cookie)[0] == before


@pytest.mark.urls("tests.outage_urls")
def test_a_view_that_cannot_queue_its_task_answers_503(live_server, session_cookie):
    broker = f"redis://127.0.0.1:{free_port()}/0"
    status, headers, body = fetch(
        f"{live_server.url}/outage-test/queue/?broker={broker}", cookie=session_cookie
    )
    assert (status, headers["Retry-After"]) == (503, "30")
    assert_our_page(body, 503)
    assert "cannot reach its task queue" in body
