"""Settings → delete my account: with the password and the typed word, every row of the
user goes, and nothing of anyone else's changes."""

from datetime import UTC, datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from recruiters import lifecycle
from recruiters.exports import calendar_feed
from recruiters.models import Digest, DigestLinkUse, ImportJob, Profile, Recruiter
from tests.factories import (
    make_firm,
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def full_account(user, recruiters=1):
    """A row of every kind a user can own, with odd dates among them."""
    firm = make_firm(user, notes="Their agency")
    Profile.objects.filter(user=user).update(current_employer=firm, confidential_search=True)
    for number in range(recruiters):
        recruiter = make_recruiter(user, firm=firm, email=f"r{number}@{user.pk}.example.com")
        role = make_role(user, employer=firm, recruiter=recruiter, stage="submitted")
        make_interaction(recruiter, role=role, summary="Pitched", expects_reply=True)
        make_interaction(recruiter, occurred_at=datetime(1, 1, 2, tzinfo=UTC))
        make_follow_up(user, recruiter=recruiter, role=role)
    make_follow_up(user, due_at=datetime(9999, 12, 30, tzinfo=UTC))
    ImportJob.objects.create(owner=user, kind="csv", filename="mail.csv", plan={"rows": ["x"]})
    Digest.objects.create(user=user, period="2026-W48", state="sent", sent_at=timezone.now())
    calendar_feed.feed_for(user)
    DigestLinkUse.objects.create(nonce=f"n{user.pk}", user=user, action="done")
    # Two-factor devices not yet confirmed, so that signing in takes no second step here.
    TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=False)
    StaticToken.objects.create(device=backup, token=f"code{user.pk}")
    access = {"username": user.username, "ip_address": "192.0.2.1", "user_agent": "test"}
    AccessLog.objects.create(**access, http_accept="*/*", path_info="/accounts/login/")
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Recruiter),
        object_id=str(recruiter.pk),
        object_repr=str(recruiter),
        action_flag=ADDITION,
    )


def everything():
    """Every row of every table but the sessions' (which the requests themselves write)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label != "sessions.Session"
    }


@pytest.fixture
def others(other_user):
    full_account(other_user)
    return everything()


def delete(client, user, **data):
    client.force_login(user)
    return client.post(reverse("delete_account"), {"password": PASSWORD, **data}, follow=True)


def test_deleting_the_account_removes_all_its_rows_and_nothing_else(client, others):
    user = make_user()  # after the snapshot of the others' rows
    full_account(user)
    client.force_login(user)
    assert reverse("delete_account").encode() in client.get(reverse("settings")).content
    form = client.get(reverse("delete_account"))
    assert reverse("export_json").encode() in form.content  # the export is offered first
    response = delete(client, user, confirm="delete")
    assert response.redirect_chain[-1][0] == reverse("landing")
    assert b"Your account and everything in it have been deleted." in response.content
    # Exactly the database from before the user existed: the other user's rows unchanged,
    # none of the deleted user's anywhere.
    assert everything() == others
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    connection.check_constraints()  # what COMMIT checks: no row points at a deleted one
    assert client.get(reverse("settings")).status_code == 302  # signed out


@pytest.mark.parametrize(
    "data, error",
    [
        ({"password": "not-my-password", "confirm": "DELETE"}, b"That is not your password."),
        ({"confirm": "yes"}, b"Type DELETE to confirm."),
    ],
)
def test_without_the_password_and_the_word_nothing_is_deleted(client, user, data, error):
    full_account(user)
    before = everything()
    response = delete(client, user, **data)
    assert response.status_code == 422 and error in response.content
    assert without_login_records(everything()) == without_login_records(before)


def without_login_records(rows):
    """`rows` less what signing in and a wrong password write: django-axes' records and
    the user's last_login."""
    kept = {label: table for label, table in rows.items() if not label.startswith("axes.")}
    kept["auth.User"] = [{**row, "last_login": None} for row in kept["auth.User"]]
    return kept


def test_deletion_takes_as_many_queries_for_a_big_account_as_for_a_small_one(user, other_user):
    full_account(user, recruiters=1)
    full_account(other_user, recruiters=20)
    counts = []
    for owner in (user, other_user):
        with CaptureQueriesContext(connection) as queries:
            lifecycle.delete_account(owner)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not Recruiter.objects.exists()
