"""Login throttling and lockout (django-axes): per address and client IP, for the app's login
and the admin's, with no hashing while locked, and a password reset that lifts the lock."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import RequestFactory
from django.urls import reverse

from recruiters.accounts.throttle import client_ip
from tests.accounts.conftest import PASSWORD, log_in
from tests.factories import make_user


class CountingHasher(MD5PasswordHasher):
    """A real (fast) hasher that counts how often Django hashes a password with it."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def fail(client, times, **extra):
    return [log_in(client, password="wrong-guess", **extra) for _ in range(times)]


def test_the_fifth_wrong_password_locks_out_and_then_even_the_right_one_is_refused(client, dana):
    responses = fail(client, 5)
    assert [r.status_code for r in responses] == [200] * 4 + [429]

    response = log_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many attempts" in page
    assert "try again in 15 minutes" in page
    assert reverse("password_reset") in page


def test_a_locked_out_attempt_hashes_nothing(client, dana, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    dana.set_password(PASSWORD)
    dana.save()
    fail(client, 5)

    CountingHasher.calls = 0
    for password in ["wrong-again", PASSWORD]:
        assert log_in(client, password=password).status_code == 429
    assert CountingHasher.calls == 0


def test_the_owner_elsewhere_is_not_locked_out(client, dana):
    fail(client, 5, REMOTE_ADDR="198.51.100.7")

    response = log_in(client, REMOTE_ADDR="203.0.113.9")
    assert response["Location"] == reverse("home")


def test_a_successful_login_starts_the_count_again(client, dana):
    fail(client, 4)
    assert log_in(client)["Location"] == reverse("home")
    client.post(reverse("logout"))

    assert [r.status_code for r in fail(client, 4)] == [200] * 4


def test_the_lock_lifts_after_the_cool_off(client, dana):
    fail(client, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )

    assert log_in(client)["Location"] == reverse("home")


def test_a_password_reset_lifts_the_lock(client, dana, mailoutbox):
    fail(client, 5)

    client.post(reverse("password_reset"), {"email": "dana@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = {"new_password1": "plum-kettle-orbit-9", "new_password2": "plum-kettle-orbit-9"}
    assert client.post(form_url, new)["Location"] == reverse("password_reset_complete")

    assert log_in(client, password="plum-kettle-orbit-9")["Location"] == reverse("home")


def test_the_admin_login_is_throttled_too(client, db):
    admin = make_user("boss@example.com", password=PASSWORD)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    url = reverse("admin:login")
    typed = ["boss@example.com", "Boss@Example.com", " BOSS@example.com", "boss@EXAMPLE.com"]
    statuses = [
        client.post(url, {"username": username, "password": "wrong-guess"}).status_code
        for username in [*typed, "boss@example.com"]
    ]
    assert statuses == [200] * 4 + [429]

    right = {"username": "boss@example.com", "password": PASSWORD}
    assert client.post(url, right).status_code == 429


def test_the_admin_is_not_at_slash_admin(client, db, settings):
    assert reverse("admin:index") == f"/{settings.ADMIN_URL}" == "/manage/"
    assert client.get("/admin/").status_code == 404


@pytest.mark.parametrize(
    ("proxies", "forwarded", "ip"),
    [
        (0, "", "10.0.0.1"),
        (1, "", "10.0.0.1"),  # not through the proxy after all
        (0, "203.0.113.5", "10.0.0.1"),  # no proxy: the header is the client's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # what the client wrote is left of it
        (2, "1.2.3.4, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
    ],
)
def test_the_client_ip_is_the_one_the_trusted_proxies_saw(settings, proxies, forwarded, ip):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == ip
