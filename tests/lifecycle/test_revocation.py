"""A password change, a reset and "sign out everywhere" end every other session, every
digest link made before and the calendar feed's address; this session and other users'
links and feeds stay."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from recruiters.digests import tokens
from recruiters.exports import calendar_feed
from recruiters.models import FollowUp, Profile
from tests.factories import make_follow_up

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-passphrase-7"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client):
    return client.get(reverse("settings")).status_code == 200


def path(url):
    return url.removeprefix(tokens.settings.SITE_URL)


class Issued:
    """A user's digest links and calendar feed address, as issued before a revocation."""

    def __init__(self, user):
        profile = Profile.objects.get(user=user)
        self.follow_up = make_follow_up(user, title=f"Chase {user.pk}")
        self.done = path(tokens.follow_up_url(self.follow_up, "done", profile))
        self.unsubscribe = path(tokens.unsubscribe_url(user))
        self.feed = path(calendar_feed.feed_url(calendar_feed.feed_for(user)))

    def all_work(self, client):
        return (
            client.get(self.done).status_code,
            client.get(self.unsubscribe).status_code,
            client.get(self.feed).status_code,
        ) == (200, 200, 200)

    def all_dead(self, client):
        done, unsubscribe = client.post(self.done), client.post(self.unsubscribe)
        assert b"stopped working" in done.content and b"stopped working" in unsubscribe.content
        self.follow_up.refresh_from_db()
        assert self.follow_up.state == FollowUp.State.OPEN
        assert Profile.objects.get(user=self.follow_up.owner).digest_frequency == "daily"
        return (done.status_code, unsubscribe.status_code, client.get(self.feed).status_code) == (
            410,
            410,
            404,
        )


@pytest.fixture
def issued(user, other_user):
    return Issued(user), Issued(other_user)


def assert_revoked(user, issued, here, elsewhere):
    mine, theirs = issued
    anonymous = Client()
    assert not is_signed_in(elsewhere)
    assert mine.all_dead(anonymous)
    assert theirs.all_work(anonymous)
    # The export page shows the feed's new address, which works.
    page = here.get(reverse("export")).content.decode()
    new_feed = calendar_feed.feed_url(calendar_feed.existing_feed(user))
    assert new_feed in page and path(new_feed) != mine.feed
    assert anonymous.get(path(new_feed)).status_code == 200


def test_changing_the_password_revokes_everything_but_this_session(user, other_user, issued):
    here, elsewhere, theirs = signed_in(user), signed_in(user), signed_in(other_user)
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert is_signed_in(here) and is_signed_in(theirs)
    assert_revoked(user, issued, here, elsewhere)


def test_sign_out_everywhere_revokes_everything_but_this_session(user, other_user, issued):
    here, elsewhere, theirs = signed_in(user), signed_in(user), signed_in(other_user)
    page = here.get(reverse("settings"))
    assert reverse("sign_out_everywhere").encode() in page.content
    response = here.post(reverse("sign_out_everywhere"), {"password": PASSWORD}, follow=True)
    assert b"Signed out everywhere else" in response.content
    assert is_signed_in(here) and is_signed_in(theirs)
    assert_revoked(user, issued, here, elsewhere)
    user.refresh_from_db()  # the password itself is unchanged
    assert user.check_password(PASSWORD)


def test_sign_out_everywhere_with_a_wrong_password_changes_nothing(user, issued):
    here, elsewhere = signed_in(user), signed_in(user)
    response = here.post(reverse("sign_out_everywhere"), {"password": "not-my-password"})
    assert response.status_code == 422 and b"That is not your password." in response.content
    assert is_signed_in(here) and is_signed_in(elsewhere)
    assert issued[0].all_work(Client())


def test_a_password_reset_revokes_everything(user, other_user, issued):
    elsewhere = signed_in(user)
    anonymous = Client()
    anonymous.post(reverse("password_reset"), {"email": user.email})
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = anonymous.get(link, follow=True)
    assert form_page.status_code == 200
    set_password = form_page.redirect_chain[-1][0]
    response = anonymous.post(
        set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    here = signed_in(user)
    assert_revoked(user, issued, here, elsewhere)
