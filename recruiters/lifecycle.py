"""An account's life after sign-up: ending what stands in for the password, and deletion.

Revocation. Whenever the account's password hash changes, every other session, every digest
link and the calendar feed's address end together: a password change (Settings), a reset
(the e-mailed link), the admin or `manage.py changepassword`, and "sign out everywhere",
which asks for the password and stores it again under a fresh salt.

- Sessions: Django ends them itself. A session keeps an HMAC of the password hash
  (get_session_auth_hash) and is signed out once that no longer matches; the session that
  made the change is kept (update_session_auth_hash).
- Digest links carry Profile.security_epoch (recruiters.digests.tokens), which is raised.
- The calendar feed gets a new token: the old address answers 404.

`RevokeOnPasswordChange` is the hook: Django calls `password_changed` on every password
validator after it saves a new password hash, whichever code set it.

Deletion. `delete_account` removes the user and every row that is theirs, and nothing else.
"""

from django.apps import apps
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db import connection, transaction
from django.db.models import CASCADE, F

from recruiters.models import CalendarFeed, Profile, new_calendar_token


def revoke(user):
    """End the user's digest links and calendar feed address (sessions end with the hash)."""
    Profile.objects.filter(user=user).update(security_epoch=F("security_epoch") + 1)
    CalendarFeed.objects.filter(user=user).update(token=new_calendar_token())


class RevokeOnPasswordChange:
    """A password "validator" that validates nothing: Django calls its `password_changed`
    after saving a new password hash, wherever it was set."""

    def validate(self, password, user=None):
        pass

    def password_changed(self, password, user=None):
        if user is not None:
            revoke(user)

    def get_help_text(self):
        return "A new password signs out your other sessions and ends older digest links."


def sign_out_everywhere(request, password):
    """Store the same password again under a fresh salt: the new hash signs out every other
    session and revokes the links and feed; this session is kept."""
    user = request.user
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)


def _cascading_user_keys():
    """(table, column) of every foreign key of ours that deletes its row with the user."""
    user_model = get_user_model()
    for model in apps.get_app_config("recruiters").get_models():
        for field in model._meta.concrete_fields:
            if field.related_model is user_model and field.remote_field.on_delete is CASCADE:
                yield model._meta.db_table, field.column


@transaction.atomic
def delete_account(user):
    """Delete `user` and everything that is theirs, and nothing of anyone else's.

    Our tables are emptied of the user's rows with one DELETE each: Django's collector would
    load every row and delete them a hundred at a time, for the sake of per-row signals that
    do nothing when the whole account goes (recruiters.state). Foreign keys are checked at
    COMMIT, so the order does not matter, and a row of someone else's still pointing at one
    of these would fail the whole deletion rather than be left dangling. `User.delete()`
    then cascades the rest (two-factor devices, admin log); django-axes' records of the
    user's logins name them without a key.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _cascading_user_keys():
            cursor.execute(f"DELETE FROM {quote(table)} WHERE {quote(column)} = %s", [user.pk])
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        apps.get_model("axes", name).objects.filter(username=user.get_username()).delete()
    user.delete()
