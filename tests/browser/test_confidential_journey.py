"""A confidential search end to end, as a user would run it: name the employer in Settings,
log a submission to a recruiter in-house there, be warned before it is written, then find no
name in what leaves the app (the digest's sender, subject and preview text, and the
calendar feed)."""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruiters.models import Firm, Interaction
from tests.factories import make_firm, make_follow_up, make_recruiter, make_role, make_user

pytestmark = pytest.mark.browser

NAMES = ("Priya Shah", "Acme Corp", "Staff Engineer", "Kestrel")


def test_a_confidential_search_warns_before_a_submission_and_names_no_one_outside(
    page, live_server, log_in, screenshot, transactional_db
):
    user = make_user("quiet@example.com")
    acme = make_firm(user, name="Acme Corp", kind=Firm.Kind.EMPLOYER, website="https://acme.com")
    priya = make_recruiter(user, name="Priya Shah", firm=acme, kind="in_house")
    make_role(user, title="Staff Engineer", employer=acme, recruiter=priya)
    make_follow_up(
        user,
        title="Call Priya Shah about Staff Engineer at Acme Corp",
        recruiter=priya,
        due_at=timezone.now() + timezone.timedelta(hours=2),
        notes="Kestrel offer pending",
    )
    log_in(page, user)

    # Settings: confidential, and Acme is my current employer.
    page.goto(f"{live_server.url}/settings/")
    page.get_by_label("I am searching confidentially").check()
    page.get_by_label("Current employer").select_option(label="Acme Corp")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    profile = type(user.profile).objects.get(user=user)
    assert profile.confidential_search and profile.current_employer == acme

    # A submission to Priya, in-house at Acme: held back until I confirm it.
    page.goto(f"{live_server.url}{priya.get_absolute_url()}")
    expect(page.locator(".page-head .badge.tied")).to_contain_text("Tied to your employer")
    quick_log = page.locator("#quick-log")
    quick_log.get_by_label("Kind").select_option("submission")
    quick_log.get_by_label("Summary").fill("Sent my CV")
    quick_log.get_by_role("button", name="Log it", exact=True).click()
    warning = page.locator("#tie-warning")
    expect(warning).to_contain_text("Confidential search")
    expect(warning).to_contain_text("Acme Corp")
    screenshot(page, "confidential-journey-warning")
    assert not Interaction.objects.filter(owner=user, kind="submission").exists()
    warning.get_by_role("button", name="Log it anyway").click()
    expect(page.locator("#timeline")).to_contain_text("Sent my CV")
    assert Interaction.objects.filter(owner=user, kind="submission", recruiter=priya).exists()

    # The digest as an inbox shows it before it is opened: no names.
    page.goto(f"{live_server.url}/digest/preview/")
    preview = page.locator(".digest-preview")
    expect(preview).to_contain_text("Subject: Your Callback summary")
    expect(preview).to_contain_text("Preview text: Your Callback summary")
    outside = " ".join(
        preview.locator("p").filter(has_text=re.compile(label)).inner_text()
        for label in ("^To:", "^Subject:", "^Preview text:")
    )
    for name in NAMES:
        assert name not in outside
    screenshot(page, "confidential-journey-digest")

    # The calendar feed: the follow-up is there, under a neutral title, with no names.
    page.goto(f"{live_server.url}/export/")
    feed_path = urlsplit(page.locator("#calendar-url").input_value()).path  # SITE_URL's host
    feed = page.request.get(f"{live_server.url}{feed_path}")
    assert feed.ok
    body = feed.text()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Callback follow-up" in body
    for name in NAMES:
        assert name not in body, f"the feed names {name}"
