"""Signing up without telling anyone which addresses have an account.

The sign-up form asks for an address only, and whatever it is the answer is the same: "check
your e-mail". The mail is what differs, and only the address's owner reads it: a new address
gets a link to choose a password and finish; an address with an account gets a note that
someone tried to sign up with it, and how to log in or reset the password. Both paths do
the same work (one lookup, one e-mail) and hash nothing, so they take the same time too.
The link is signed (SECRET_KEY) and expires; it can make at most one account, because once
the account exists the link says so instead.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

LINK_MAX_AGE = 60 * 60 * 24  # a day
_SALT = "callback.accounts.signup"


def link(email):
    token = signing.dumps(email, salt=_SALT, compress=True)
    return settings.SITE_URL + reverse("signup_finish", args=[token])


def email_from_token(token):
    """The address a sign-up link was made for, or None if it is not one of ours or too old."""
    try:
        return signing.loads(token, salt=_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        return None


def has_account(email):
    return get_user_model().objects.filter(username__iexact=email).exists()


def send(email):
    """The one e-mail a sign-up sends to `email`: the link to finish, or, when the address
    already has an account, how to get into it."""
    context = {
        "email": email,
        "site_url": settings.SITE_URL,
        "login_url": settings.SITE_URL + reverse("login"),
        "reset_url": settings.SITE_URL + reverse("password_reset"),
    }
    if has_account(email):
        subject, template = "You already have a Callback account", "signup_existing"
    else:
        subject, template = "Finish signing up to Callback", "signup_link"
        context["link"] = link(email)
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, [email])
