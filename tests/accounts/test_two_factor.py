"""The optional second factor: setting it up in Settings, logging in with a code from the
app or a recovery code, throttling of the code step, turning it off and new codes. Codes
come from the real TOTP algorithm on the device's key."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from recruiters.accounts import two_factor
from tests.accounts.conftest import PASSWORD, forget_wrong_codes, log_in, totp_code
from tests.factories import make_user


def set_up(client):
    """Turn the second factor on through the Settings pages; returns the app's device and
    the recovery codes shown."""
    page = client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    assert two_factor.secret_text(device) in page.content.decode()
    response = client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    codes = response.context["codes"]
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def enabled(client, dana):
    """dana with the second factor on, logged out again; (device, recovery codes)."""
    client.force_login(dana)
    setup = set_up(client)
    client.post(reverse("logout"))
    return setup


def test_setting_it_up_shows_a_qr_code_and_the_key_then_ten_recovery_codes(client, dana):
    client.force_login(dana)
    assert "Set up two-factor sign-in" in client.get(reverse("settings")).content.decode()

    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page and "<title>QR code for your authenticator app</title>" in page
    assert "<script>" not in page and "style=" not in page  # the strict CSP allows neither
    device = TOTPDevice.objects.get(user=dana)
    assert not device.confirmed

    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "That code is not right." in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.exists()

    forget_wrong_codes(device)
    response = client.post(reverse("two_factor_setup"), {"code": totp_code(device)})
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    settings_page = client.get(reverse("settings")).content.decode()
    assert "<strong>On.</strong>" in settings_page and "10 unused recovery codes" in settings_page


def test_the_setup_page_keeps_its_key_until_confirmed(client, dana):
    client.force_login(dana)
    first = client.get(reverse("two_factor_setup")).context["secret"]
    assert client.get(reverse("two_factor_setup")).context["secret"] == first
    assert TOTPDevice.objects.count() == 1


def test_without_a_second_factor_the_password_is_enough(client, dana):
    assert log_in(client)["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_with_it_the_password_alone_reaches_nothing(client, enabled):
    assert log_in(client)["Location"] == reverse("home")
    for url in [reverse("home"), reverse("settings"), reverse("two_factor_setup"), "/manage/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login_code')}?next={url}"
    code_page = client.get(reverse("login_code")).content.decode()
    assert "Enter your code" in code_page
    # Nor does the page offer links into the app that would only lead back to it.
    assert 'aria-label="Main"' not in code_page
    assert reverse("settings") not in code_page


def test_a_code_from_the_app_finishes_the_login(client, enabled):
    device, _ = enabled
    log_in(client)
    response = client.post(
        f"{reverse('login_code')}?next={reverse('settings')}",
        {"code": totp_code(device, later_steps=1)},
    )
    assert response["Location"] == reverse("settings")
    assert client.get(reverse("home")).status_code == 200


def test_a_code_from_the_app_works_once(client, enabled):
    device, _ = enabled
    code = totp_code(device, later_steps=1)  # setting it up used the current step's
    log_in(client)
    assert client.post(reverse("login_code"), {"code": code})["Location"] == reverse("home")
    client.post(reverse("logout"))

    log_in(client)
    forget_wrong_codes(device)
    response = client.post(reverse("login_code"), {"code": code})
    assert "That code is not right." in response.content.decode()


def test_a_recovery_code_works_once(client, enabled):
    _, codes = enabled
    log_in(client)
    spaced = f" {codes[0][:4].upper()}-{codes[0][4:]} "  # as a person might copy it
    assert client.post(reverse("login_code"), {"code": spaced})["Location"] == reverse("home")
    assert StaticToken.objects.count() == 9
    client.post(reverse("logout"))

    log_in(client)
    response = client.post(reverse("login_code"), {"code": codes[0]})
    assert "That code is not right." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_another_users_codes_do_not_work(client, enabled):
    other = make_user("other@example.com", password=PASSWORD)
    client.force_login(other)
    other_device, other_codes = set_up(client)
    client.post(reverse("logout"))

    log_in(client)  # dana
    for code in [other_codes[0], totp_code(other_device, later_steps=1)]:
        response = client.post(reverse("login_code"), {"code": code})
        assert "That code is not right." in response.content.decode()
    assert StaticToken.objects.filter(device__user=other).count() == 10


def test_wrong_codes_lock_out_like_wrong_passwords(client, enabled):
    device, _ = enabled
    log_in(client)
    for _ in range(4):
        forget_wrong_codes(device)
        assert client.post(reverse("login_code"), {"code": "123456"}).status_code == 200
    response = client.post(reverse("login_code"), {"code": "123456"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session  # back to the start

    assert log_in(client).status_code == 429  # and the password step is locked too


def test_django_otp_makes_a_quick_retry_wait(client, enabled):
    device, _ = enabled
    log_in(client)
    client.post(reverse("login_code"), {"code": "123456"})
    response = client.post(reverse("login_code"), {"code": totp_code(device, later_steps=1)})
    assert "Too many wrong codes in a row: wait 1 second," in response.content.decode()


def test_turning_it_off_needs_the_password(client, dana):
    client.force_login(dana)
    set_up(client)

    response = client.post(reverse("two_factor_disable"), {"password": "not-it"})
    assert "That is not your password." in response.content.decode()
    assert two_factor.is_enabled(dana)

    response = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert response["Location"] == reverse("settings")
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    client.post(reverse("logout"))
    assert log_in(client)["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones_and_need_the_password(client, dana):
    client.force_login(dana)
    _, old = set_up(client)

    refused = client.post(reverse("recovery_codes"), {"password": "not-it"})
    assert "That is not your password." in refused.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)

    new = client.post(reverse("recovery_codes"), {"password": PASSWORD}).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_wrong_passwords_when_turning_it_off_count_towards_the_lockout(client, dana):
    client.force_login(dana)
    set_up(client)
    statuses = [
        client.post(reverse("two_factor_disable"), {"password": "not-it"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 4 + [429]
    assert two_factor.is_enabled(dana)
