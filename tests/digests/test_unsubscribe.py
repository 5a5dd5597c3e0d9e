"""Unsubscribing: RFC 8058 one-click POST and the footer link, without login or CSRF token,
turning the digest off and changing nothing else."""

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from recruiters.digests import tokens
from recruiters.models import Profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client(enforce_csrf_checks=True)


def unsubscribe_path(user):
    return tokens.unsubscribe_url(user).removeprefix(tokens.settings.SITE_URL)


def profile_fields(user):
    return model_to_dict(Profile.objects.get(user=user))


def test_one_click_post_needs_no_login_nor_csrf_token(anonymous, user, other_user):
    before, others_before = profile_fields(user), profile_fields(other_user)
    response = anonymous.post(
        unsubscribe_path(user),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    after = profile_fields(user)
    assert after["digest_frequency"] == "off"
    assert {**after, "digest_frequency": before["digest_frequency"]} == before
    assert profile_fields(other_user) == others_before


def test_footer_link_confirms_first_then_the_button_unsubscribes(anonymous, user):
    path = unsubscribe_path(user)
    page = anonymous.get(path)
    assert page.status_code == 200
    assert b"Unsubscribe" in page.content and b'method="post"' in page.content
    assert Profile.objects.get(user=user).digest_frequency == "daily"  # a GET changes nothing
    done = anonymous.post(path)
    assert done.status_code == 200 and b"no more digest" in done.content
    assert Profile.objects.get(user=user).digest_frequency == "off"
    assert anonymous.post(path).status_code == 200  # again: still off, still fine


def test_weekly_digests_are_turned_off_too(anonymous, user):
    Profile.objects.filter(user=user).update(digest_frequency="weekly", digest_weekday=4)
    anonymous.post(unsubscribe_path(user))
    profile = Profile.objects.get(user=user)
    assert (profile.digest_frequency, profile.digest_weekday) == ("off", 4)


def test_a_bad_token_unsubscribes_nobody(anonymous, user):
    response = anonymous.post(reverse("digest_unsubscribe", args=["not-a-token"]))
    assert response.status_code == 400
    assert Profile.objects.get(user=user).digest_frequency == "daily"
