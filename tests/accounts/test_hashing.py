"""Passwords are hashed with Argon2; an older PBKDF2 hash still logs in and is re-hashed."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, log_in
from tracker import settings as project_settings


def test_argon2_hashes_new_passwords(dana, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    dana.set_password(PASSWORD)
    assert identify_hasher(dana.password).algorithm == "argon2"


def test_a_pbkdf2_hash_logs_in_and_becomes_argon2(client, dana, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    # A hash of an older Django (fewer iterations than today's, which keeps this test quick).
    dana.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt1234", iterations=1000)
    dana.save()

    assert log_in(client)["Location"] == reverse("home")
    dana.refresh_from_db()
    assert dana.password.startswith("argon2$")
    assert dana.check_password(PASSWORD)
