"""Browser tests: one headless Chromium for the whole run, a fresh context per test.

The tests drive pytest-django's `live_server` (which brings in `transactional_db`, so the
server thread sees the rows a test creates). Chromium is Debian's, never a Playwright
download: set CHROMIUM_PATH to use another binary.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium shared by every browser test of the run."""
    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"No Chromium at {CHROMIUM_PATH}; install it or set CHROMIUM_PATH.")
    # Playwright's sync API runs an asyncio event loop in this (the main) thread, from
    # start() until stop(). While it exists, Django's async-safety guard sees a running
    # loop and raises SynchronousOnlyOperation on every ORM call made here: the rows a
    # test creates, force_login, and transactional_db's flush after each test. The ORM
    # calls are in fact synchronous and never run inside the loop, so the guard is a
    # false alarm here. Switch it off from the moment the loop starts until the session
    # ends (tests that run later in the same process share the live loop, so they need
    # it too), and put it back afterwards; runs without browser tests keep the guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A page in a fresh browser context (no cookies shared between tests).

    JavaScript errors on the page fail the test.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screenshot():
    """`screenshot(page, "recruiter-page")` saves test-artifacts/recruiter-page.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name, *, full_page=True):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def log_in(live_server):
    """`log_in(page, user)`: the browser is logged in as `user`, without the login form.

    The test client logs in (a real session row) and its session cookie is handed over.
    """

    def log_in_as(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return log_in_as
