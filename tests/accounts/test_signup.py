"""Signing up tells nobody whether an address has an account: the page is the same either
way, and only the address's owner learns which, by e-mail."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from recruiters.accounts import signup
from tests.accounts.conftest import PASSWORD, log_in

NEW_PASSWORD = "plum-kettle-orbit-9"


def ask(client, email):
    return client.post(reverse("signup"), {"email": email})


def page(client, url):
    """The page at `url`, less the CSRF token (masked afresh on each response)."""
    return re.sub(r'"X-CSRFToken": "\w+"', "", client.get(url).content.decode())


def link_in(message):
    return re.search(r"http://localhost:8000(/signup/finish/\S+/)", message.body).group(1)


def test_a_new_address_gets_a_link_and_the_link_makes_the_account(client, db, mailoutbox):
    response = ask(client, " New.Person@Example.com ")
    assert response["Location"] == reverse("signup_sent")
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert not get_user_model().objects.exists()

    (message,) = mailoutbox
    assert message.to == ["new.person@example.com"]
    assert message.subject == "Finish signing up to Callback"
    page = client.get(link_in(message))
    assert "Your account will be <strong>new.person@example.com</strong>" in page.content.decode()

    response = client.post(
        link_in(message), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("recruiter_create"), 302)]
    assert "Welcome to Callback. Start by adding a recruiter." in response.content.decode()
    user = get_user_model().objects.get()
    assert (user.username, user.email) == ("new.person@example.com", "new.person@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert user.profile.time_zone == "UTC"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_address_with_an_account_gets_the_same_page_and_a_note_by_email(
    client, dana, mailoutbox
):
    new = ask(client, "someone.new@example.com")
    existing = ask(client, "Dana@Example.com")
    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    assert page(client, existing["Location"]) == page(client, new["Location"])

    note = mailoutbox[1]
    assert note.to == ["dana@example.com"]
    assert note.subject == "You already have a Callback account"
    assert "http://localhost:8000/accounts/login/" in note.body
    assert "http://localhost:8000/accounts/password_reset/" in note.body
    assert "/signup/finish/" not in note.body
    assert get_user_model().objects.count() == 1
    dana.refresh_from_db()
    assert dana.check_password(PASSWORD)


def test_a_link_makes_one_account_only(client, db, mailoutbox):
    ask(client, "new.person@example.com")
    link = link_in(mailoutbox[0])
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.post(reverse("logout"))

    page = client.get(link).content.decode()
    assert "new.person@example.com already has a Callback account" in page
    response = client.post(link, {"password1": "another-pass-77", "password2": "another-pass-77"})
    assert get_user_model().objects.get().check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"password2": "plum-kettle-orbit-8"}, "The two password fields didn’t match."),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password1": "short9", "password2": "short9"}, "too short"),
        ({"password1": "new.person1", "password2": "new.person1"}, "too similar"),
    ],
)
def test_a_bad_password_is_refused_and_makes_nothing(client, db, data, error):
    link = reverse(
        "signup_finish",
        args=[signing.dumps("new.person@example.com", salt=signup._SALT, compress=True)],
    )
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **data})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not get_user_model().objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_bad_address_is_refused_and_sends_nothing(client, db, mailoutbox):
    response = ask(client, "not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mailoutbox == []


class OldSigner(signing.TimestampSigner):
    """Signs as if a second past the sign-up link's lifetime ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - signup.LINK_MAX_AGE - 1)


@pytest.mark.parametrize(
    "token",
    [
        OldSigner(salt=signup._SALT).sign_object("new.person@example.com", compress=True),
        signing.dumps("new.person@example.com", salt="another.purpose", compress=True),
        signing.dumps("new.person@example.com", salt=signup._SALT, compress=True)[:-2] + "xx",
    ],
    ids=["expired", "other-purpose", "tampered"],
)
def test_an_expired_or_forged_link_makes_nothing(client, db, token):
    link = reverse("signup_finish", args=[token])
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_the_new_account_logs_in(client, db, mailoutbox):
    ask(client, "new.person@example.com")
    client.post(link_in(mailoutbox[0]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.post(reverse("logout"))
    response = log_in(client, "new.person@example.com", NEW_PASSWORD)
    assert response["Location"] == reverse("home")
