import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture
def dana(db):
    return make_user("dana@example.com", password=PASSWORD)


def log_in(client, username="dana@example.com", password=PASSWORD, **extra):
    """POST the login form; `extra` are more fields or request headers (REMOTE_ADDR=...)."""
    fields = {k: v for k, v in extra.items() if not k.isupper()}
    headers = {k: v for k, v in extra.items() if k.isupper()}
    data = {"username": username, "password": password, **fields}
    return client.post(reverse("login"), data, **headers)


def totp_code(device, *, later_steps=0):
    """The code the user's authenticator app shows, by the real algorithm (RFC 6238) on the
    device's own key, origin and step; `later_steps` steps from now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def forget_wrong_codes(device):
    """Undo django-otp's own back-off after wrong codes (it makes the next try wait 1, 2, 4…
    seconds), for tests about what else happens; the rest of the device is left as it is."""
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0)
