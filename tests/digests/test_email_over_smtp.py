"""The digest as a real SMTP server receives it from a real worker, and its links at work."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client

from recruiters.models import FollowUp, Profile
from tests.digests.seed import SEEDED_SUBJECT, digest_user, seed_history

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 12, 9, 5, tzinfo=UTC)  # 09:05 in London


def local_path(url):
    assert url.startswith(settings.SITE_URL)
    return url.removeprefix(settings.SITE_URL)


def test_the_received_digest_and_its_links(worker, smtp, sweep_at):
    user = digest_user("seeded@example.com", time_zone="Europe/London", hour=9)
    rows = seed_history(user, NOW)
    sweep_at(NOW)
    (message,) = smtp.wait_for(1)

    assert message["Subject"] == SEEDED_SUBJECT
    assert message["To"] == "seeded@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        for expected in (
            "Send Priya the updated CV",
            "Call Tom about Ledgerly",
            "Dana Reyes",
            "Grace Adeyemi",
            "Chloe Hart",
            "2 messages to Dana Reyes since 20 Feb, none back",
            "You asked on 10 Mar",
            "Last 90 days: 4 from you, 1 from them",
        ):
            assert expected in part, expected
    assert f"{settings.SITE_URL}/recruiters/{rows['grace'].pk}/" in html

    anonymous = Client(enforce_csrf_checks=True)
    # "Done" on the overdue follow-up (the first section), from the plain-text part: a GET
    # only asks, the POST does it.
    done_url = re.search(r"Done: (\S+)", text).group(1)
    assert anonymous.get(local_path(done_url)).status_code == 200
    assert FollowUp.objects.get(pk=rows["overdue"].pk).state == "open"
    assert anonymous.post(local_path(done_url)).status_code == 200
    assert FollowUp.objects.get(pk=rows["overdue"].pk).state == "done"
    assert FollowUp.objects.get(pk=rows["due_today"].pk).state == "open"

    # The List-Unsubscribe header, used as RFC 8058 says: one POST, no login, no CSRF token.
    unsubscribe = str(message["List-Unsubscribe"]).strip().strip("<>")  # may be folded
    response = anonymous.post(
        local_path(unsubscribe),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    profile = Profile.objects.get(user=user)
    assert (profile.digest_frequency, profile.digest_hour, profile.time_zone) == (
        "off",
        9,
        "Europe/London",
    )
    assert unsubscribe in html  # and the footer link is the same
