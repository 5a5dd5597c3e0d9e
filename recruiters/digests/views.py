"""Digest pages: the preview, the test button, the settings block, and the e-mail's links.

The links in a digest (done, snooze, unsubscribe) work without logging in: the signed token
in the URL is the authorisation (recruiters.digests.tokens). A GET only shows what the link
will do, with a button: mail scanners fetch links, and must not complete or unsubscribe
anything. The POST does it. Those POSTs need no CSRF token: a forged request would have to
know the token, and whoever knows it may use it anyway; RFC 8058's one-click unsubscribe
(a POST with the body `List-Unsubscribe=One-Click`, sent by the mail provider) has none.

A "done" or "snooze" link acts once, on the follow-up as the e-mail showed it: used again,
or after the follow-up changed (done, reopened, snoozed, edited, anywhere), it says so and
changes nothing. Every link dies when the account's security epoch moves on (a password
change, "sign out everywhere": recruiters.lifecycle).
"""

import logging

from celery import current_app
from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from kombu.exceptions import OperationalError as BrokerError

from recruiters.digests import conf, schedule, services, tokens
from recruiters.digests import render as digest_render
from recruiters.digests.forms import DigestSettingsForm
from recruiters.digests.tasks import send_test_digest
from recruiters.models import Digest, DigestLinkUse, FollowUp, Profile

log = logging.getLogger(__name__)

# A broker that is down fails the publish fast: one retry, then the error.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def handled_periods(user):
    """The periods whose digest went out (or had nothing to say) lately."""
    recent = Digest.objects.filter(user=user).exclude(state=Digest.State.CLAIMED)
    return set(recent.order_by("-pk").values_list("period", flat=True)[:10])


def preview(request):
    """What the next digest will say, from the same templates as the e-mail."""
    profile = request.user.profile
    now = timezone.now()
    composed = digest_render.compose(profile, now)
    context = {
        "composed": composed,
        "profile": profile,
        "next_slot": schedule.next_slot(profile, now, done_periods=handled_periods(request.user)),
        "would_send": composed.needs_attention or profile.digest_when_all_clear,
        "recipient": digest_render.recipient(profile),
        "sender": digest_render.sender(profile),
        "domain_warning": digest_render.domain_warning(profile),
    }
    return render(request, "digests/preview.html", context)


# The e-mail's own styles are inline, as mail clients need them: its preview is a document
# of its own (the preview page frames it) whose policy allows inline styles and nothing
# else. The sandbox without allow-scripts means no script runs there whatever slips in.
EMAIL_PREVIEW_POLICY = {
    "default-src": "'none'",
    "style-src": "'unsafe-inline'",
    "img-src": ["'self'", "data:"],
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'self'",
    "sandbox": [
        "allow-popups",
        "allow-popups-to-escape-sandbox",
        "allow-top-navigation-by-user-activation",
    ],
}


@require_safe
@xframe_options_sameorigin
@csp(EMAIL_PREVIEW_POLICY)
def preview_email(request):
    """The HTML of the next digest, exactly as e-mailed, for the preview page's frame."""
    composed = digest_render.compose(request.user.profile, timezone.now())
    return HttpResponse(composed.html, content_type="text/html; charset=utf-8")


@require_POST
def send_test(request):
    """Queue a test digest to the user; a broker that is down gets a clear message.

    The click opens a broker connection of its own rather than borrowing a pooled one: a
    rare action, and it then always talks to the broker that is configured now.
    """
    try:
        with current_app.connection_for_write() as connection:
            send_test_digest.apply_async(
                (request.user.pk,),
                connection=connection,
                retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
    except (BrokerError, OSError):
        log.warning("Could not queue a test digest for user %s", request.user.pk, exc_info=True)
        messages.error(
            request,
            "The test digest could not be queued: Callback’s task queue is not reachable "
            "right now. Nothing else is affected; try again in a few minutes.",
        )
    else:
        messages.success(
            request,
            f"A test digest is on its way to {digest_render.recipient(request.user.profile)}. "
            "Your next real digest is unaffected.",
        )
    return redirect("digest_preview")


@require_http_methods(["GET", "POST"])
def digest_settings(request):
    """The digest block of the settings page. htmx gets the block back; a plain POST goes
    back to the settings page; GET (or an invalid plain POST) shows the block on its own."""
    profile = request.user.profile
    form = DigestSettingsForm(request.POST or None, instance=profile)
    saved = False
    if request.method == "POST" and form.is_valid():
        form.save()
        saved = True
        if not request.htmx:
            messages.success(request, "Digest settings saved.")
            return redirect("settings")
    context = {"digest_form": form, "digest_saved": saved, "profile": profile}
    status = 422 if form.is_bound and not saved else 200
    template = "digests/_settings_form.html" if request.htmx else "digests/settings.html"
    return render(request, template, context, status=status)


def _link_page(request, context, status=200):
    return render(request, "digests/link.html", context, status=status)


def _bad_link(request, error):
    if isinstance(error, tokens.ExpiredLink):
        message = "This link has expired. Open Callback to see what needs attention now."
        return _link_page(request, {"heading": "Link expired", "message": message}, 410)
    message = "This link is not valid (perhaps it was cut short by your mail program)."
    return _link_page(request, {"heading": "Link not valid", "message": message}, 400)


def _revoked(request):
    message = (
        "This link stopped working when the account’s password was changed or it was signed "
        "out everywhere. Nothing changed. Log in to Callback to act on it."
    )
    return _link_page(request, {"heading": "Link no longer valid", "message": message}, 410)


def _stale_link(request, follow_up, payload):
    """The answer to a link that has been used, or whose follow-up changed since the e-mail;
    None if neither."""
    used = DigestLinkUse.objects.filter(nonce=payload["n"]).first()
    if used is not None:
        when = formats.date_format(timezone.localtime(used.used_at, follow_up.owner.profile.zone))
        message = (
            f"This link was already used on {when}; each link in a digest works once. "
            "Nothing changed. Open Callback to act on this follow-up now."
        )
        return _link_page(request, {"heading": "Link already used", "message": message}, 410)
    if payload["v"] != tokens.version(follow_up):
        message = (
            f"“{follow_up.title}” changed since this e-mail was sent (it is now "
            f"{follow_up.get_state_display().lower()}), so this link no longer applies. "
            "Nothing changed. Open Callback to act on it."
        )
        return _link_page(request, {"heading": "Follow-up changed", "message": message}, 409)
    return None


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow_up_link(request, action, token):
    """A digest's "done" or "snooze 3 days" link: GET confirms, POST does it, once, and only
    to the follow-up as the e-mail showed it."""
    if action not in tokens.FOLLOW_UP_ACTIONS:
        return _bad_link(request, tokens.InvalidLink(action))
    try:
        payload = tokens.read(action, token)
    except tokens.InvalidLink as error:
        return _bad_link(request, error)
    follow_ups = FollowUp.objects.filter(pk=payload["f"], owner_id=payload["u"]).select_related(
        "owner__profile", "recruiter"
    )
    if request.method == "POST":
        # Of two clicks at once, the second waits here, then finds the link used.
        follow_ups = follow_ups.select_for_update(of=("self",))
    follow_up = follow_ups.first()
    if follow_up is None:
        message = "This follow-up no longer exists."
        return _link_page(request, {"heading": "Nothing to do", "message": message}, 404)
    if tokens.epoch(payload) != follow_up.owner.profile.security_epoch:
        return _revoked(request)
    stale = _stale_link(request, follow_up, payload)
    if stale is not None:
        return stale
    verb = "Mark done" if action == "done" else f"Snooze {conf.SNOOZE_DAYS} days"
    context = {"heading": follow_up.title, "follow_up": follow_up}
    if request.method == "POST":
        DigestLinkUse.objects.create(nonce=payload["n"], user_id=payload["u"], action=action)
        context["message"] = services.follow_up_link(follow_up, action)
        context["done"] = True
    else:
        context["button"] = verb
        context["message"] = (
            f"{verb}: “{follow_up.title}”"
            + (f" with {follow_up.recruiter}" if follow_up.recruiter_id else "")
            + "?"
        )
    return _link_page(request, context)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The List-Unsubscribe URL and the footer link: GET confirms, POST (the button, or
    RFC 8058's one-click POST from the mail provider) turns the digest off. Unlike the
    follow-up links it may be used again: it only ever turns the digest off."""
    try:
        payload = tokens.read(tokens.UNSUBSCRIBE, token)
    except tokens.InvalidLink as error:
        return _bad_link(request, error)
    profiles = Profile.objects.filter(user_id=payload["u"])
    epoch = profiles.values_list("security_epoch", flat=True).first()
    if epoch is None:
        message = "This account no longer exists."
        return _link_page(request, {"heading": "Nothing to do", "message": message}, 404)
    if tokens.epoch(payload) != epoch:
        return _revoked(request)
    context = {"heading": "Unsubscribe from the digest"}
    if request.method == "POST":
        services.unsubscribe(payload["u"])
        context["message"] = (
            "Done: no more digest e-mails. Everything else in your account stays as it was; "
            "you can turn the digest back on in your settings."
        )
        context["done"] = True
    else:
        context["message"] = "Stop the Callback digest e-mails? Nothing else changes."
        context["button"] = "Unsubscribe"
    return _link_page(request, context)
