"""The signed links of a digest: "done", "snooze 3 days" and "unsubscribe".

Each link works without logging in, so the token in it is the whole authorisation. A token
is signed with SECRET_KEY (django.core.signing), timestamped and checked for age; it names
the user, the object and the action it was made for; and each action signs with its own
salt, so a "done" token is not a valid "snooze" or "unsubscribe" token, even re-labelled.

A token also carries the account's security epoch (Profile.security_epoch): a password
change or "sign out everywhere" raises it, and every link made before then dies
(recruiters.lifecycle). A "done" or "snooze" token acts once and only on the follow-up as
the e-mail showed it: it carries a nonce, recorded when the link is used (DigestLinkUse),
and the follow-up's version (its last change); the views refuse a used nonce and a
follow-up that changed since.
"""

import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.signals import setting_changed
from django.dispatch import receiver

from recruiters import paths
from recruiters.digests import conf

FOLLOW_UP_ACTIONS = ("done", "snooze")
UNSUBSCRIBE = "unsubscribe"
_SALT = "callback.digests.{}"


class InvalidLink(Exception):
    """Not a token we made for this purpose (tampered, truncated, or for something else)."""


class ExpiredLink(InvalidLink):
    """A token we made, but older than its purpose allows."""


def _max_age(action):
    return conf.unsubscribe_max_age() if action == UNSUBSCRIBE else conf.link_max_age()


@lru_cache(maxsize=8)
def _signer(action):
    """The signer of `action`'s tokens, made once: a digest signs about 80 tokens, and
    making the signer (reading the keys) was half of signing each."""
    return signing.TimestampSigner(salt=_SALT.format(action))


@receiver(setting_changed)
def _forget_signers(*, setting, **kwargs):
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS"):
        _signer.cache_clear()


def make(action, *, user_id, epoch, follow_up=None):
    """A token for `action`, as signing.dumps(payload, salt=...) makes it."""
    payload = {"a": action, "u": user_id, "e": epoch}
    if follow_up is not None:
        payload.update(f=follow_up.pk, v=version(follow_up), n=secrets.token_urlsafe(12))
    return _signer(action).sign_object(payload)


_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def version(follow_up):
    """The follow-up's last change, in whole microseconds: any change gives a new version."""
    return (follow_up.updated_at - _UNIX_EPOCH) // timedelta(microseconds=1)


def epoch(payload):
    """The security epoch a link was made under. Unsubscribe links made before links were
    signed with one count as epoch 0: they die at the account's first revocation."""
    return payload.get("e", 0)


def read(action, token):
    """The payload of `token` if it was made for `action` and is young enough."""
    try:
        payload = signing.loads(token, salt=_SALT.format(action), max_age=_max_age(action))
    except signing.SignatureExpired as error:
        raise ExpiredLink(action) from error
    except signing.BadSignature as error:
        raise InvalidLink(action) from error
    if not isinstance(payload, dict) or payload.get("a") != action or "u" not in payload:
        raise InvalidLink(action)
    if action in FOLLOW_UP_ACTIONS and not {"f", "v", "n"} <= payload.keys():
        raise InvalidLink(action)
    return payload


def absolute(path):
    return settings.SITE_URL + path


def follow_up_url(follow_up, action, profile):
    """The link for `action` on `follow_up` of `profile`'s user, as it is now."""
    token = make(action, user_id=profile.user_id, epoch=profile.security_epoch, follow_up=follow_up)
    return absolute(paths.path("digest_follow_up", action, paths.Segment(token)))


def unsubscribe_url(user):
    token = make(UNSUBSCRIBE, user_id=user.pk, epoch=user.profile.security_epoch)
    return absolute(paths.path("digest_unsubscribe", paths.Segment(token)))
