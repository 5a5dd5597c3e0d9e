"""In the app: the digest preview, the "send me a test digest now" button, the settings."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters.digests import render
from recruiters.digests.forms import DigestSettingsForm
from recruiters.models import Digest, Profile
from tests.digests.conftest import wait_until
from tests.digests.seed import SEEDED_SUBJECT, digest_user, seed_history


@pytest.mark.django_db
def test_preview_shows_what_the_next_digest_will_say(client):
    user = digest_user("preview@example.com", time_zone="Asia/Tokyo", hour=7)
    seed_history(user, timezone.now())
    client.force_login(user)
    response = client.get(reverse("digest_preview"))
    assert response.status_code == 200
    composed = response.context["composed"]
    assert composed.subject == render.compose(user.profile).subject
    page = response.content.decode()
    assert "Dana Reyes" in page and "Chloe Hart" in page  # inside the e-mail's HTML
    # The e-mail's HTML is a document of its own, in the page's frame.
    assert f'src="{reverse("digest_preview_email")}"' in page
    email = client.get(reverse("digest_preview_email")).content.decode()
    assert email.startswith("<!doctype html>") and "Dana Reyes" in email
    assert "07:00 (Asia/Tokyo)" in page
    assert "Send me a test digest now" in page
    assert Digest.objects.count() == 0  # previewing claims nothing


@pytest.mark.django_db
def test_preview_of_a_user_with_digests_off(client, user):
    Profile.objects.filter(user=user).update(digest_frequency="off")
    client.force_login(user)
    response = client.get(reverse("digest_preview"))
    assert b"Your digest is off" in response.content


@pytest.mark.django_db
def test_preview_needs_a_login(client):
    response = client.get(reverse("digest_preview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_test_digest_button_sends_now_and_leaves_the_period_alone(worker, smtp, client, sweep_at):
    user = digest_user("tester@example.com", hour=8)
    seed_history(user, timezone.now())
    client.force_login(user)
    response = client.post(reverse("digest_send_test"), follow=True)
    assert b"A test digest is on its way to tester@example.com" in response.content
    (message,) = smtp.wait_for(1)
    assert message["Subject"].startswith("[Test] ")
    assert "This is a test digest" in message.get_body(("plain",)).get_content()
    assert Digest.objects.count() == 0
    # The period's real digest still goes out when it is due.
    now = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)
    seed_history(user, now)  # something that needs attention at that moment
    sweep_at(now)
    # The worker marks the digest sent after the SMTP server has it: wait for that state.
    wait_until(
        lambda: Digest.objects.filter(state="sent").exists(), message="the digest marked sent"
    )
    messages = smtp.wait_for(2)
    assert messages[1]["Subject"] == SEEDED_SUBJECT
    assert Digest.objects.get().state == "sent"


@pytest.mark.django_db
def test_digest_settings_form_validates_and_saves(client, user):
    form = DigestSettingsForm(
        {"digest_frequency": "weekly", "digest_hour": "25", "digest_weekday": "9"},
        instance=user.profile,
    )
    assert set(form.errors) == {"digest_hour", "digest_weekday"}
    client.force_login(user)
    response = client.post(
        reverse("digest_settings"),
        {
            "digest_frequency": "weekly",
            "digest_hour": "18",
            "digest_weekday": "4",
            "digest_when_all_clear": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("settings")
    profile = Profile.objects.get(user=user)
    assert (profile.digest_frequency, profile.digest_hour, profile.digest_weekday) == (
        "weekly",
        18,
        4,
    )
    assert profile.digest_when_all_clear is True
    assert profile.time_zone == "UTC"  # the rest of the profile is not this form's


@pytest.mark.django_db
def test_digest_settings_block_over_htmx(client, user, htmx_headers):
    client.force_login(user)
    page = client.get(reverse("digest_settings"))
    assert b'id="digest-settings"' in page.content
    bad = client.post(
        reverse("digest_settings"), {"digest_frequency": "hourly"}, **{"headers": htmx_headers}
    )
    assert bad.status_code == 422 and b"Select a valid choice" in bad.content
    assert b"<html" not in bad.content  # the block only, for htmx to swap
    good = client.post(
        reverse("digest_settings"),
        {"digest_frequency": "off", "digest_hour": "8", "digest_weekday": "0"},
        headers=htmx_headers,
    )
    assert good.status_code == 200 and b"Saved." in good.content
    assert Profile.objects.get(user=user).digest_frequency == "off"
