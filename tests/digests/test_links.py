"""The "done" and "snooze 3 days" links of a digest: no login, one follow-up, one purpose."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recruiters.digests import render, tokens
from recruiters.models import FollowUp
from tests.factories import make_follow_up, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    """A browser that is not logged in and enforces CSRF like a real one."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def follow_ups(user):
    now = timezone.now()
    return (
        make_follow_up(user, title="Chase Dana", due_at=now - timedelta(days=1)),
        make_follow_up(user, title="Thank Grace", due_at=now - timedelta(days=2)),
    )


def path(url):
    return url.removeprefix(render.settings.SITE_URL)


def fields(follow_up):
    follow_up.refresh_from_db()
    return {
        name: getattr(follow_up, name)
        for name in ("title", "state", "due_at", "snoozed_until", "closed_at", "notes", "owed_by")
    }


def test_get_only_asks_a_scanner_fetching_the_link_changes_nothing(anonymous, follow_ups):
    target, _ = follow_ups
    before = fields(target)
    response = anonymous.get(path(tokens.follow_up_url(target, "done")))
    assert response.status_code == 200
    assert b"Mark done" in response.content and b"Chase Dana" in response.content
    assert fields(target) == before


def test_done_without_login_changes_only_that_follow_up(anonymous, follow_ups):
    target, other = follow_ups
    other_before = fields(other)
    response = anonymous.post(path(tokens.follow_up_url(target, "done")))
    assert response.status_code == 200
    assert b"Marked done." in response.content
    target.refresh_from_db()
    assert target.state == FollowUp.State.DONE and target.closed_at is not None
    assert fields(other) == other_before


def test_snooze_three_days_and_clicking_again_changes_nothing(anonymous, follow_ups):
    target, other = follow_ups
    other_before = fields(other)
    url = path(tokens.follow_up_url(target, "snooze"))
    before = timezone.now()
    anonymous.post(url)
    target.refresh_from_db()
    assert target.state == FollowUp.State.SNOOZED
    assert before + timedelta(days=3) <= target.snoozed_until
    assert target.snoozed_until <= timezone.now() + timedelta(days=3)
    until = target.snoozed_until
    response = anonymous.post(url)
    assert b"Already snoozed" in response.content
    target.refresh_from_db()
    assert target.snoozed_until == until
    assert fields(other) == other_before


def test_done_after_done_is_harmless(anonymous, follow_ups):
    target, _ = follow_ups
    url = path(tokens.follow_up_url(target, "done"))
    anonymous.post(url)
    closed_at = FollowUp.objects.get(pk=target.pk).closed_at
    response = anonymous.post(url)
    assert b"Already done" in response.content
    assert FollowUp.objects.get(pk=target.pk).closed_at == closed_at


def test_links_expire_after_seven_days(anonymous, follow_ups):
    target, _ = follow_ups
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch.object(signing.time, "time", return_value=eight_days_ago):
        url = path(tokens.follow_up_url(target, "done"))
    response = anonymous.post(url)
    assert response.status_code == 410
    assert b"expired" in response.content
    assert FollowUp.objects.get(pk=target.pk).state == FollowUp.State.OPEN
    six_days_ago = time.time() - 6 * 24 * 3600
    with mock.patch.object(signing.time, "time", return_value=six_days_ago):
        url = path(tokens.follow_up_url(target, "done"))
    assert anonymous.post(url).status_code == 200
    assert FollowUp.objects.get(pk=target.pk).state == FollowUp.State.DONE


def test_a_token_serves_one_purpose_only(anonymous, follow_ups, user):
    target, _ = follow_ups
    done_token = tokens.make("done", user_id=user.pk, follow_up_id=target.pk)
    # A "done" token under the snooze URL, or as an unsubscribe token, is refused.
    snooze = anonymous.post(reverse("digest_follow_up", args=["snooze", done_token]))
    unsubscribe = anonymous.post(reverse("digest_unsubscribe", args=[done_token]))
    assert snooze.status_code == 400 and unsubscribe.status_code == 400
    unsubscribe_token = tokens.make(tokens.UNSUBSCRIBE, user_id=user.pk)
    done = anonymous.post(reverse("digest_follow_up", args=["done", unsubscribe_token]))
    assert done.status_code == 400
    target.refresh_from_db()
    assert target.state == FollowUp.State.OPEN
    user.profile.refresh_from_db()
    assert user.profile.digest_frequency == "daily"


def test_tampered_or_foreign_tokens_are_refused(anonymous, follow_ups, user):
    target, _ = follow_ups
    url = path(tokens.follow_up_url(target, "done"))
    assert anonymous.post(url[:-3] + "xx/").status_code == 400
    # A validly signed token naming another user's follow-up finds nothing.
    intruder = make_user("intruder@example.com")
    forged = tokens.make("done", user_id=intruder.pk, follow_up_id=target.pk)
    assert anonymous.post(reverse("digest_follow_up", args=["done", forged])).status_code == 404
    assert anonymous.post(reverse("digest_follow_up", args=["dismiss", forged])).status_code == 400
    target.refresh_from_db()
    assert target.state == FollowUp.State.OPEN
