"""The digest address and a confidential search, on what a real SMTP server receives from
a real worker: who it goes to, and what the headers say before the e-mail is opened."""

from datetime import UTC, datetime
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.urls import reverse

from recruiters.models import Digest, Profile
from tests.digests.conftest import wait_until
from tests.digests.seed import SEEDED_SUBJECT, digest_user, preheader, seed_history

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 12, 9, 5, tzinfo=UTC)  # 09:05 in London
NEUTRAL = "Your Callback summary"
LOGIN = "ada@work.example"
PERSONAL = "ada.home@personal.example"
NAMES = [
    "Priya",
    "Call Tom",
    "Ledgerly",
    "Dana Reyes",
    "Grace Adeyemi",
    "Chloe Hart",
    "Staff Engineer",  # Dana's role: the digest names it nowhere, least of all up front
]
IN_THE_BODY = NAMES[:-1]


def digest_user_with_address(confidential):
    user = digest_user(LOGIN, time_zone="Europe/London", hour=9)
    Profile.objects.filter(user=user).update(
        digest_email=PERSONAL, confidential_search=confidential
    )
    return user


def sent(user):
    return Digest.objects.filter(user=user, state=Digest.State.SENT).first()


@pytest.mark.parametrize("confidential", [True, False], ids=["confidential", "open"])
def test_the_digest_goes_to_the_digest_address(worker, smtp, sweep_at, confidential):
    user = digest_user_with_address(confidential)
    seed_history(user, NOW)
    sweep_at(NOW)
    # The worker marks the row sent after the SMTP server has accepted the message.
    digest = wait_until(lambda: sent(user), message="the digest marked sent")

    (message,) = smtp.messages()
    assert message["To"] == PERSONAL
    assert not smtp.messages(to=LOGIN)
    assert message["X-Callback-Digest"] == "2026-03-12"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    name, address = parseaddr(str(message["From"]))
    assert address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if confidential:
        assert message["Subject"] == digest.subject == NEUTRAL
        assert name == "Callback"
        assert text.splitlines()[0] == NEUTRAL
        assert preheader(html) == NEUTRAL
        for header, value in message.items():
            for who in NAMES:
                assert who not in str(value), f"{who!r} in the {header} header"
    else:
        assert message["Subject"] == digest.subject == SEEDED_SUBJECT
        assert str(message["From"]) == settings.DEFAULT_FROM_EMAIL
        assert text.splitlines()[0] == "What needs attention, Thursday 12 March:"
        assert preheader(html) == SEEDED_SUBJECT
    # Either way, the details are in the body.
    for who in IN_THE_BODY:
        assert who in text and who in html, who


def test_the_test_digest_goes_to_the_digest_address_and_names_nobody(worker, smtp, client):
    user = digest_user_with_address(confidential=True)
    seed_history(user, datetime.now(UTC))
    client.force_login(user)

    response = client.post(reverse("digest_send_test"), follow=True)

    assert f"A test digest is on its way to {PERSONAL}.".encode() in response.content
    (message,) = smtp.wait_for(1, to=PERSONAL)  # a test digest has no row: the mail is all
    assert message["To"] == PERSONAL
    assert message["Subject"] == f"[Test] {NEUTRAL}"
    assert parseaddr(str(message["From"]))[0] == "Callback"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[:3] == [NEUTRAL, "", text.splitlines()[2]]
    assert text.splitlines()[2].startswith("This is a test digest")
    assert "Dana Reyes" in text
    assert not smtp.messages(to=LOGIN)
    assert Digest.objects.count() == 0
