"""The digest e-mail's preview: its own document, framed by the preview page, with a policy
that lets the e-mail's inline styles through and no script at all."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.digests.seed import digest_user, seed_history
from tests.security.test_headers import policy


@pytest.fixture
def seeded(db):
    user = digest_user("preview@example.com")
    seed_history(user, timezone.now())
    return user


def test_the_email_preview_allows_inline_styles_and_no_script(client, seeded):
    client.force_login(seeded)
    response = client.get(reverse("digest_preview_email"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Dana Reyes" in response.content.decode()
    assert policy(response) == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
        "sandbox": [
            "allow-popups",
            "allow-popups-to-escape-sandbox",
            "allow-top-navigation-by-user-activation",
        ],
    }
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the preview page may frame it
    assert "no-store" in response["Cache-Control"]


def test_the_email_preview_is_only_ever_your_own(client, seeded):
    assert client.get(reverse("digest_preview_email"))["Location"].startswith(reverse("login"))
    client.force_login(digest_user("someone.else@example.com"))
    assert "Dana Reyes" not in client.get(reverse("digest_preview_email")).content.decode()


def test_the_email_preview_answers_only_get(client, seeded):
    client.force_login(seeded)
    assert client.post(reverse("digest_preview_email")).status_code == 405
