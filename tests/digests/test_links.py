"""The "done" and "snooze 3 days" links of a digest: no login, one follow-up, one purpose,
one use, and only while the follow-up is as the e-mail showed it."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recruiters import services
from recruiters.digests import render, tokens
from recruiters.models import DigestLinkUse, FollowUp
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


def link(follow_up, action):
    return path(tokens.follow_up_url(follow_up, action, follow_up.owner.profile))


def digest_links(user, title):
    """The done and snooze links of the follow-up `title` in the digest `user` gets now."""
    composed = render.compose(user.profile)
    for section in composed.sections:
        for item in section.items:
            if item.title == title:
                return path(item.done_url), path(item.snooze_url)
    raise AssertionError(f"{title} is not in the digest")


def fields(follow_up):
    follow_up.refresh_from_db()
    return {
        name: getattr(follow_up, name)
        for name in ("title", "state", "due_at", "snoozed_until", "closed_at", "notes", "owed_by")
    }


def test_get_only_asks_a_scanner_fetching_the_link_changes_nothing(anonymous, follow_ups):
    target, _ = follow_ups
    before = fields(target)
    response = anonymous.get(link(target, "done"))
    assert response.status_code == 200
    assert b"Mark done" in response.content and b"Chase Dana" in response.content
    assert fields(target) == before


def test_done_without_login_changes_only_that_follow_up(anonymous, follow_ups):
    target, other = follow_ups
    other_before = fields(other)
    response = anonymous.post(link(target, "done"))
    assert response.status_code == 200
    assert b"Marked done." in response.content
    target.refresh_from_db()
    assert target.state == FollowUp.State.DONE and target.closed_at is not None
    assert fields(other) == other_before


def test_snooze_three_days_and_clicking_again_changes_nothing(anonymous, follow_ups):
    target, other = follow_ups
    other_before = fields(other)
    url = link(target, "snooze")
    before = timezone.now()
    anonymous.post(url)
    target.refresh_from_db()
    assert target.state == FollowUp.State.SNOOZED
    assert before + timedelta(days=3) <= target.snoozed_until
    assert target.snoozed_until <= timezone.now() + timedelta(days=3)
    until = target.snoozed_until
    response = anonymous.post(url)
    assert response.status_code == 410 and b"already used" in response.content
    target.refresh_from_db()
    assert target.snoozed_until == until
    assert fields(other) == other_before


def test_done_after_done_is_harmless(anonymous, follow_ups):
    target, _ = follow_ups
    url = link(target, "done")
    anonymous.post(url)
    closed_at = FollowUp.objects.get(pk=target.pk).closed_at
    response = anonymous.post(url)
    assert b"already used" in response.content
    assert FollowUp.objects.get(pk=target.pk).closed_at == closed_at


def test_a_used_done_link_does_not_close_the_reopened_follow_up_again(anonymous, user, follow_ups):
    target, _ = follow_ups
    done, _ = digest_links(user, "Chase Dana")
    assert b"Marked done." in anonymous.post(done).content
    services.reopen_follow_up(FollowUp.objects.get(pk=target.pk))
    before = fields(target)
    for replay in (anonymous.get(done), anonymous.post(done)):
        assert replay.status_code == 410
        assert b"This link was already used on" in replay.content
        assert b'method="post"' not in replay.content
    assert fields(target) == before and before["state"] == FollowUp.State.OPEN


def test_a_link_to_a_follow_up_changed_since_the_email_changes_nothing(anonymous, user, follow_ups):
    """The e-mail's other link, or a change in the app: the link no longer applies."""
    first, second = follow_ups
    done, snooze = digest_links(user, "Chase Dana")
    anonymous.post(done)
    response = anonymous.post(snooze)
    assert response.status_code == 409 and b"changed since this e-mail" in response.content
    assert FollowUp.objects.get(pk=first.pk).state == FollowUp.State.DONE
    done, _ = digest_links(user, "Thank Grace")
    FollowUp.objects.get(pk=second.pk).save()  # edited in the app
    before = fields(second)
    page = anonymous.get(done)
    assert page.status_code == 409 and b'method="post"' not in page.content
    assert b"changed since this e-mail" in page.content
    assert anonymous.post(done).status_code == 409
    assert fields(second) == before


def test_a_used_link_is_recorded_for_its_user_only(anonymous, user, follow_ups):
    target, _ = follow_ups
    anonymous.post(link(target, "done"))
    assert list(DigestLinkUse.objects.values_list("user_id", "action")) == [(user.pk, "done")]


def test_links_expire_after_seven_days(anonymous, follow_ups):
    target, _ = follow_ups
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch.object(signing.time, "time", return_value=eight_days_ago):
        url = link(target, "done")
    response = anonymous.post(url)
    assert response.status_code == 410
    assert b"expired" in response.content
    assert FollowUp.objects.get(pk=target.pk).state == FollowUp.State.OPEN
    six_days_ago = time.time() - 6 * 24 * 3600
    with mock.patch.object(signing.time, "time", return_value=six_days_ago):
        url = link(target, "done")
    assert anonymous.post(url).status_code == 200
    assert FollowUp.objects.get(pk=target.pk).state == FollowUp.State.DONE


def test_a_token_serves_one_purpose_only(anonymous, follow_ups, user):
    target, _ = follow_ups
    done_token = tokens.make("done", user_id=user.pk, epoch=0, follow_up=target)
    # A "done" token under the snooze URL, or as an unsubscribe token, is refused.
    snooze = anonymous.post(reverse("digest_follow_up", args=["snooze", done_token]))
    unsubscribe = anonymous.post(reverse("digest_unsubscribe", args=[done_token]))
    assert snooze.status_code == 400 and unsubscribe.status_code == 400
    unsubscribe_token = tokens.make(tokens.UNSUBSCRIBE, user_id=user.pk, epoch=0)
    done = anonymous.post(reverse("digest_follow_up", args=["done", unsubscribe_token]))
    assert done.status_code == 400
    target.refresh_from_db()
    assert target.state == FollowUp.State.OPEN
    user.profile.refresh_from_db()
    assert user.profile.digest_frequency == "daily"


def test_tampered_or_foreign_tokens_are_refused(anonymous, follow_ups, user):
    target, _ = follow_ups
    url = link(target, "done")
    assert anonymous.post(url[:-3] + "xx/").status_code == 400
    # A validly signed token naming another user's follow-up finds nothing.
    intruder = make_user("intruder@example.com")
    forged = tokens.make("done", user_id=intruder.pk, epoch=0, follow_up=target)
    assert anonymous.post(reverse("digest_follow_up", args=["done", forged])).status_code == 404
    assert anonymous.post(reverse("digest_follow_up", args=["dismiss", forged])).status_code == 400
    target.refresh_from_db()
    assert target.state == FollowUp.State.OPEN


def test_a_new_secret_key_signs_new_links_and_refuses_the_old(anonymous, follow_ups, settings):
    old = link(follow_ups[0], "done")
    settings.SECRET_KEY = "a-rotated-key-" + "x" * 40
    new = link(follow_ups[1], "done")  # signed with the new key, not a remembered signer
    assert anonymous.post(old).status_code == 400
    assert anonymous.post(new).status_code == 200
    assert [f.state for f in FollowUp.objects.order_by("title")] == ["open", "done"]


@pytest.mark.django_db(transaction=True)
def test_clicks_at_the_same_moment_act_once(user):
    """Each click is a real request on its own connection, all released together."""
    target = make_follow_up(user, title="Chase Dana", due_at=timezone.now())
    url = link(target, "done")
    clicks = 6
    barrier, statuses = threading.Barrier(clicks), []

    def click():
        try:
            barrier.wait()
            statuses.append(Client().post(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [410] * (clicks - 1)
    assert DigestLinkUse.objects.count() == 1
    assert FollowUp.objects.get(pk=target.pk).state == FollowUp.State.DONE
