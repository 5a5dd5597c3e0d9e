"""Login throttling with django-axes: who is throttled, and what a locked-out client sees.

Failures are counted per (address, client IP) pair: after AXES_FAILURE_LIMIT of them, that
address cannot be tried from that IP for AXES_COOLOFF_TIME. The attempt is refused by
axes' backend, before Django's backend hashes anything, so a locked-out client costs no
hashing. The owner, elsewhere, is not locked out, and a password reset lifts the lock.
"""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The client's IP address: the connection's, or, behind TRUSTED_PROXY_COUNT proxies,
    the address the outermost of them saw (the ones to its left are the client's to forge)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [address.strip() for address in header.split(",") if address.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def username(request, credentials):
    """The address an attempt is counted against, as the login form reads it (the admin's
    form does not lower-case it), so "Dana@" and "dana@" share one count."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.strip().lower()


def is_locked(request, username):
    """Whether `username` is locked out for this request's client."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def record_failure(request, username):
    """Count a failed sign-in step (such as a wrong second-factor code) like a wrong password."""
    user_login_failed.send(__name__, credentials={"username": username}, request=request)
    return bool(request.axes_locked_out)


def retry_at(request, username):
    """When `username` may be tried again from this client: a cool-off after the latest failure."""
    latest = AccessAttempt.objects.filter(
        username=username, ip_address=request.axes_ip_address
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out client gets (AXES_LOCKOUT_CALLABLE), with HTTP 429."""
    when = retry_at(request, username(request, credentials))
    minutes = max(1, math.ceil((when - timezone.now()).total_seconds() / 60))
    context = {"minutes": minutes, "retry_at": when, "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=429)
