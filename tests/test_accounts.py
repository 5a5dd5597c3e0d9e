"""Sign up, log in, log out, change and reset the password (by e-mail)."""

import re

from django.core import mail
from django.urls import reverse

from tests.factories import make_user

PASSWORD = "correct-horse-battery"


def test_login_by_email_in_any_case_and_logout(client, db):
    make_user("dana@example.com", password=PASSWORD)

    response = client.post(reverse("login"), {"username": "Dana@Example.com", "password": PASSWORD})
    assert response["Location"] == reverse("home")

    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_wrong_password_says_so(client, db):
    make_user("dana@example.com", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "dana@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "That email and password don’t match an account." in response.content.decode()


def test_password_change(client_in, user):
    response = client_in.post(
        reverse("password_change"),
        {
            "old_password": "a-long-test-password",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_by_email(client, settings, db):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("dana@example.com")

    client.post(reverse("password_reset"), {"email": "dana@example.com"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Choose a new Callback password"
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, settings, db
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
