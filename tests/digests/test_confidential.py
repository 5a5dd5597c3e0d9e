"""A confidential search: nothing a digest shows before it is opened names anyone; the digest
address, and the warning when it is at the current employer's domain.

What shows before an e-mail is opened (on a lock screen, in a notification, in a shared
inbox): the From name, the subject and the preview text, which mail clients take from the
HTML's first text (the hidden preheader) or from the text part's first line.
test_digest_address_over_smtp.py checks the same on what a real SMTP server receives.
"""

import html as html_lib
import re
from datetime import UTC, datetime
from email.utils import parseaddr

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters.digests import render
from recruiters.digests.forms import DigestSettingsForm
from recruiters.models import Profile
from tests.dashboard.test_dashboard import daytime_zone
from tests.digests.seed import SEEDED_SUBJECT, digest_user, preheader, seed_history
from tests.factories import make_firm, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 9, 5, tzinfo=UTC)  # Thursday, 09:05 in London (GMT)
NEUTRAL = "Your Callback summary"
# Who and what the seeded history is about (tests/digests/seed.py).
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


def seeded(confidential, email="ada@example.com", now=NOW, time_zone="Europe/London", **profile):
    user = digest_user(email, time_zone=time_zone, hour=9, **profile)
    Profile.objects.filter(user=user).update(confidential_search=confidential)
    user.profile.refresh_from_db()
    seed_history(user, now)
    return user


def visible_text(html):
    """The HTML body's text, in order, as a mail client reads it for its preview."""
    body = html[html.index("<body") :]
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    return " ".join(text.split())


def assert_names_nobody(text, what):
    for name in NAMES:
        assert name not in text, f"{name!r} in the {what}"


def test_a_confidential_digest_names_nobody_before_it_is_opened():
    user = seeded(confidential=True)
    composed = render.compose(user.profile, NOW)
    message = render.email(user.profile, composed, period="2026-03-12")

    assert composed.subject == message.subject == NEUTRAL
    assert composed.preheader == preheader(composed.html) == NEUTRAL
    assert composed.text.splitlines()[0] == NEUTRAL
    assert parseaddr(message.from_email)[0] == "Callback"
    assert f"<title>{NEUTRAL}</title>" in composed.html
    # A client that shows more of the preview than the preheader gets the invisible fill,
    # not the first names of the body.
    assert_names_nobody(visible_text(composed.html)[:250], "HTML's opening text")
    assert_names_nobody("\n".join(composed.text.splitlines()[:5]), "text part's opening lines")
    for name, value in message.extra_headers.items():
        assert_names_nobody(value, f"{name} header")
    # The details are all in the body, once opened.
    for name in IN_THE_BODY:
        assert name in composed.text and name in composed.html, name


def test_without_a_confidential_search_the_digest_says_what_it_holds(settings):
    user = seeded(confidential=False)
    composed = render.compose(user.profile, NOW)
    message = render.email(user.profile, composed)

    assert composed.subject == SEEDED_SUBJECT
    assert composed.preheader == preheader(composed.html) == SEEDED_SUBJECT
    assert composed.text.splitlines()[0] == "What needs attention, Thursday 12 March:"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert NEUTRAL not in composed.text + composed.html


def test_switching_the_mode_off_brings_the_normal_wording_back():
    user = seeded(confidential=True)
    assert render.compose(user.profile, NOW).subject == NEUTRAL
    Profile.objects.filter(user=user).update(confidential_search=False)
    user.profile.refresh_from_db()
    composed = render.compose(user.profile, NOW)
    assert composed.subject == composed.preheader == SEEDED_SUBJECT
    assert not composed.text.startswith(NEUTRAL)


@pytest.mark.parametrize(("confidential", "subject"), [(True, NEUTRAL), (False, SEEDED_SUBJECT)])
def test_the_test_digest_follows_the_same_wording(confidential, subject):
    user = seeded(confidential)
    composed = render.compose(user.profile, NOW, test=True)

    assert composed.subject == f"[Test] {subject}"
    assert composed.preheader == preheader(composed.html) == subject
    lines = composed.text.splitlines()
    if confidential:
        assert lines[:3] == [NEUTRAL, "", lines[2]]
        assert lines[2].startswith("This is a test digest")
    else:
        assert lines[0].startswith("This is a test digest")


def test_an_all_clear_digest_is_neutral_too():
    user = digest_user("clear@example.com", digest_when_all_clear=True)
    Profile.objects.filter(user=user).update(confidential_search=True)
    user.profile.refresh_from_db()
    composed = render.compose(user.profile, NOW)
    assert composed.subject == composed.preheader == NEUTRAL
    assert "All clear" in composed.text  # in the body


def test_the_sender_name_is_neutral_whatever_the_setting_says(settings):
    settings.DEFAULT_FROM_EMAIL = "Ada's job search <digests@callback.example>"
    user = seeded(confidential=True)
    assert render.sender(user.profile) == "Callback <digests@callback.example>"
    Profile.objects.filter(user=user).update(confidential_search=False)
    user.profile.refresh_from_db()
    assert render.sender(user.profile) == settings.DEFAULT_FROM_EMAIL


def page_text(response):
    """The words of a page, tags (and the e-mail in the preview's frame) left out."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


@pytest.mark.parametrize("confidential", [True, False])
def test_the_preview_page_shows_what_the_inbox_will_show(client, confidential):
    now = timezone.now()  # the page reads the real clock: a zone where it is midday
    user = seeded(
        confidential, now=now, time_zone=daytime_zone(now), digest_email="ada.home@example.org"
    )
    client.force_login(user)

    response = client.get(reverse("digest_preview"))

    subject = response.context["composed"].subject  # the page renders the digest of now
    assert (subject == NEUTRAL) is confidential
    assert confidential or "follow-ups due" in subject
    text = page_text(response)
    assert f"Subject: {subject}" in text
    assert f"Preview text: {subject}" in text
    assert f"To: ada.home@example.org · From: {render.sender(user.profile)}" in text
    assert ("preview text mention no one" in text) is confidential
    # The e-mail itself, in its frame, still has the details.
    assert "Dana Reyes" in html_lib.unescape(response.content.decode())


# The digest address --------------------------------------------------------------------


def test_the_digest_goes_to_the_digest_address_or_else_the_login():
    user = make_user("ada@work.example")
    assert render.recipient(user.profile) == "ada@work.example"
    user.profile.digest_email = "ada@home.example"
    assert render.recipient(user.profile) == "ada@home.example"


def test_the_settings_form_offers_the_digest_address(client, user):
    client.force_login(user)
    page = client.get(reverse("settings")).content.decode()
    assert 'name="digest_email"' in page
    assert "Empty: me@example.com." in page

    response = client.post(
        reverse("digest_settings"),
        {
            "digest_frequency": "daily",
            "digest_hour": "8",
            "digest_weekday": "0",
            "digest_email": "me.personal@example.org",
        },
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=user).digest_email == "me.personal@example.org"


def test_a_digest_address_that_is_not_one_is_refused(client, user, htmx_headers):
    client.force_login(user)
    response = client.post(
        reverse("digest_settings"),
        {
            "digest_frequency": "daily",
            "digest_hour": "8",
            "digest_weekday": "0",
            "digest_email": "me at home",
        },
        headers=htmx_headers,
    )
    assert response.status_code == 422
    assert b"Enter a valid email address." in response.content
    assert Profile.objects.get(user=user).digest_email == ""


def test_clearing_the_digest_address_goes_back_to_the_login(client, user):
    Profile.objects.filter(user=user).update(digest_email="me.personal@example.org")
    client.force_login(user)
    client.post(
        reverse("digest_settings"),
        {"digest_frequency": "daily", "digest_hour": "8", "digest_weekday": "0"},
    )
    profile = Profile.objects.get(user=user)
    assert profile.digest_email == "" and render.recipient(profile) == "me@example.com"


# The warning: an address at the current employer's domain ------------------------------


def acme_warning(domain="acme.com"):
    return (
        f"Digests go to an address at {domain}, your current employer's domain: consider a "
        "personal address."
    )


@pytest.mark.parametrize(
    ("website", "address", "warned"),
    [
        ("https://acme.com", "ada@acme.com", True),
        ("https://www.Acme.COM/careers", "Ada@ACME.com", True),  # "www." and case ignored
        ("http://acme.com:8080/", "ada@mail.acme.com", True),  # a subdomain shares it
        ("acme.com", "ada@acme.com", True),  # a website without its scheme
        ("https://acme.com", "ada@acme.com.", True),
        ("https://acme.com", "ada@notacme.com", False),
        ("https://acme.com", "ada@acme.com.example", False),
        ("https://acme.com", "ada@gmail.com", False),
        ("", "ada@acme.com", False),  # no website, no domain to compare
    ],
)
def test_which_addresses_share_the_employers_domain(user, website, address, warned):
    firm = make_firm(user, name="Acme", kind="employer", website=website)
    profile = user.profile
    profile.current_employer = firm
    warning = render.domain_warning(profile, address)
    assert warning == (acme_warning() if warned else "")


def test_no_current_employer_no_warning(user):
    assert render.domain_warning(user.profile, "me@example.com") == ""


@pytest.fixture
def at_acme(db):
    """A user who logs in with their work address at Acme, their current employer."""
    user = make_user("ada@acme.com")
    acme = make_firm(user, name="Acme", kind="employer", website="https://www.acme.com/")
    Profile.objects.filter(user=user).update(current_employer=acme)
    user.profile.refresh_from_db()
    return user


def warned(response):
    return acme_warning() in html_lib.unescape(response.content.decode())


def test_the_settings_page_and_the_digest_form_warn_of_the_work_address(
    client, at_acme, htmx_headers
):
    client.force_login(at_acme)
    assert warned(client.get(reverse("settings")))
    assert warned(client.get(reverse("digest_settings")))
    assert DigestSettingsForm(instance=at_acme.profile).domain_warning == acme_warning()

    # A personal address: no warning.
    data = {"digest_frequency": "daily", "digest_hour": "8", "digest_weekday": "0"}
    personal = client.post(
        reverse("digest_settings"),
        data | {"digest_email": "ada@home.example"},
        headers=htmx_headers,
    )
    assert personal.status_code == 200 and b"Saved." in personal.content
    assert not warned(personal)
    assert not warned(client.get(reverse("settings")))

    # An address at a subdomain of the employer's: saved all the same, and warned.
    work = client.post(
        reverse("digest_settings"),
        data | {"digest_email": "ada@mail.acme.com"},
        headers=htmx_headers,
    )
    assert work.status_code == 200 and b"Saved." in work.content
    assert warned(work)
    assert Profile.objects.get(user=at_acme).digest_email == "ada@mail.acme.com"
    assert warned(client.get(reverse("settings")))
    assert warned(client.get(reverse("digest_preview")))


def test_the_warning_does_not_depend_on_the_mode(client, at_acme):
    """The warning is about where the digest goes; it stands whether or not the search
    is confidential (a work address is seen by work)."""
    client.force_login(at_acme)
    for confidential in (True, False):
        Profile.objects.filter(user=at_acme).update(confidential_search=confidential)
        assert warned(client.get(reverse("settings")))


def test_a_bad_address_warns_of_the_saved_one_not_the_typo(at_acme):
    form = DigestSettingsForm(
        {
            "digest_frequency": "daily",
            "digest_hour": "8",
            "digest_weekday": "0",
            "digest_email": "not an address",
        },
        instance=at_acme.profile,
    )
    assert not form.is_valid()
    assert form.domain_warning == acme_warning()  # the login address is still used
