"""The signed links of a digest: "done", "snooze 3 days" and "unsubscribe".

Each link works without logging in, so the token in it is the whole authorisation. A token
is signed with SECRET_KEY (django.core.signing), timestamped and checked for age; it names
the user, the object and the action it was made for; and each action signs with its own
salt, so a "done" token is not a valid "snooze" or "unsubscribe" token, even re-labelled.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

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


def make(action, *, user_id, follow_up_id=None):
    payload = {"a": action, "u": user_id}
    if follow_up_id is not None:
        payload["f"] = follow_up_id
    return signing.dumps(payload, salt=_SALT.format(action))


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
    if action in FOLLOW_UP_ACTIONS and "f" not in payload:
        raise InvalidLink(action)
    return payload


def absolute(path):
    return settings.SITE_URL + path


def follow_up_url(follow_up, action):
    token = make(action, user_id=follow_up.owner_id, follow_up_id=follow_up.pk)
    return absolute(reverse("digest_follow_up", args=[action, token]))


def unsubscribe_url(user):
    return absolute(reverse("digest_unsubscribe", args=[make(UNSUBSCRIBE, user_id=user.pk)]))
