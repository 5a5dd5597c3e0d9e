"""The optional second factor: a TOTP authenticator app, and single-use recovery codes.

A user who turns it on has one confirmed TOTPDevice (the app) and one StaticDevice whose
tokens are the recovery codes. Logging in is then two steps: the password makes the
session "half signed in" (PENDING_KEY; SecondStepMiddleware lets it reach nothing but the
code step and logout), and a code from either device finishes it (django_otp.login).
"""

import math
from base64 import b32encode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_KEY = "accounts_second_step_pending"
RECOVERY_CODE_COUNT = 10
WRONG_CODE = (
    "That code is not right. Enter the newest code from your authenticator app, "
    "or an unused recovery code."
)


def on_login(sender, request, user, **kwargs):
    """Whatever logged the user in (our login, the admin's), a user with a second factor must
    still give a code."""
    if user_has_device(user):
        request.session[PENDING_KEY] = True


def is_enabled(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_device(user):
    """The authenticator app being set up: not confirmed yet, kept across page loads so the
    QR code the user scanned stays good until they confirm it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device):
    """The device's key as an authenticator app takes it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The otpauth:// URL as an inline SVG QR code (no script, no style attribute)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, title="QR code for your authenticator app")


def normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def _refusal(info):
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return WRONG_CODE
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes in a row: wait {seconds} {unit}, then try again."


def _check(device, code):
    """None if `device` accepts `code` (and records that), else why not."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return _refusal(info)
    return None if device.verify_token(code) else WRONG_CODE


def verify(user, code):
    """The device that accepts `code`: six digits go to the authenticator app, anything else
    is a recovery code, which is used up. Raises ValidationError otherwise.

    Each device throttles itself (django-otp doubles the wait after each wrong code), and
    the failure is recorded even though this raises: the check commits before the raise."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        problem = WRONG_CODE if device is None else _check(device, code)
    if problem:
        raise ValidationError(problem)
    return device


def confirm(user, device, code):
    """Turn the second factor on once the app shows a code for `device`; returns the new
    recovery codes. Raises ValidationError if the code is wrong."""
    with transaction.atomic():
        problem = _check(device, normalise(code))
    if problem:
        raise ValidationError(problem)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT fresh ones; returns them
    (they are shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def disable(user):
    """Turn the second factor off: the app and the recovery codes are forgotten."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
