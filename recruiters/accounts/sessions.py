"""How long a signed-in session lasts.

Unticked "Keep me signed in on this device" (and every admin login): the session cookie
ends with the browser, and the session itself after SESSION_COOKIE_AGE without a visit.
Ticked: the session lasts SESSION_REMEMBER_DAYS after the last visit. Either way a visit
pushes the end back, so a session in use does not run out under its owner.
"""

import time
from datetime import timedelta

from django.conf import settings

LAST_SEEN_KEY = "accounts_last_seen"
# A visit saves the session (a write) at most this often, which is how precise "idle" is.
REFRESH_SECONDS = 5 * 60


def remember(session, keep):
    """Keep `session` for SESSION_REMEMBER_DAYS (`keep`), or until the browser closes."""
    if keep:
        # Seconds, not a date: the session then ends that long after its latest save.
        session.set_expiry(int(timedelta(days=settings.SESSION_REMEMBER_DAYS).total_seconds()))
    else:
        session.set_expiry(0)


def touch(session):
    """Note a visit; saving the session restarts its idle countdown."""
    now = int(time.time())
    if now - session.get(LAST_SEEN_KEY, 0) >= REFRESH_SECONDS:
        session[LAST_SEEN_KEY] = now


def on_login(sender, request, user, **kwargs):
    """A fresh session starts its idle countdown now (and needs no write on its first page)."""
    touch(request.session)
