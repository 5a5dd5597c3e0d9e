"""How long a session lasts: until the browser closes and 12 hours idle, or 30 days since
the last visit with "Keep me signed in on this device"."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from recruiters.accounts import sessions
from tests.accounts.conftest import log_in


def stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_unticked_the_session_ends_with_the_browser_and_after_12_hours_idle(client, dana):
    response = log_in(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    expected = timezone.now() + timedelta(hours=12)
    assert abs(stored_expiry(client) - expected) < timedelta(minutes=1)


def test_ticked_it_lasts_30_days(client, dana):
    response = log_in(client, remember="on")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    expected = timezone.now() + timedelta(days=30)
    assert abs(stored_expiry(client) - expected) < timedelta(minutes=1)


def test_a_visit_pushes_the_end_back(client, dana):
    log_in(client)
    session = client.session
    session[sessions.LAST_SEEN_KEY] = int(time.time()) - sessions.REFRESH_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )

    assert client.get(reverse("home")).status_code == 200
    expected = timezone.now() + timedelta(hours=12)
    assert abs(stored_expiry(client) - expected) < timedelta(minutes=1)


def test_visits_close_together_write_nothing(client, dana):
    log_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )
    before = stored_expiry(client)
    assert client.get(reverse("home")).status_code == 200
    assert stored_expiry(client) == before


def test_an_idle_session_is_over(client, dana):
    log_in(client)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
