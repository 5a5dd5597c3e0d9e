"""The journeys a new user takes, in a real browser against the live server."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruiters.models import Interaction, Recruiter, Role
from tests.browser.helpers import NoReload
from tests.factories import (
    make_firm,
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)

pytestmark = pytest.mark.browser

SUMMARY = "Asked for my CV for the Staff Engineer role"


def field(scope, label):
    """The input labelled exactly `label`, ignoring the required marker ("Name *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\W*$"))


def timeline_entries(page):
    return page.locator("#timeline li.interaction")


def quick_log(page):
    return page.locator("#quick-log")


def test_sign_up_add_a_recruiter_and_log_an_interaction(
    page, live_server, screenshot, mailoutbox, settings
):
    settings.SITE_URL = live_server.url  # the e-mailed link points at this server
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up", exact=True).click()
    expect(page.get_by_role("heading", name="Create your Callback account")).to_be_visible()
    page.get_by_label("Email").fill("dana.fan@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    (mail,) = mailoutbox
    assert mail.to == ["dana.fan@example.com"]
    page.goto(re.search(rf"{re.escape(live_server.url)}/\S+", mail.body).group())
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    field(page, "Password").fill("correct-horse-battery-staple")
    page.get_by_label("Password confirmation").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url(re.compile(r"/recruiters/new/$"))
    expect(page.get_by_role("heading", name="New recruiter")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome to Callback")
    screenshot(page, "recruiter-form")
    field(page, "Name").fill("Dana Reyes")
    page.get_by_label("Kind").select_option(label="In-house")
    page.get_by_role("button", name="Save").click()

    # The redirect to the new recruiter's page comes once the row is committed.
    page.wait_for_url(re.compile(r"/recruiters/\d+/$"))
    recruiter = Recruiter.objects.get(name="Dana Reyes")
    assert page.url.endswith(f"/recruiters/{recruiter.pk}/")
    assert recruiter.owner.email == "dana.fan@example.com"
    assert recruiter.kind == Recruiter.Kind.IN_HOUSE
    page.goto(f"{live_server.url}/recruiters/{recruiter.pk}/")
    expect(page.get_by_role("heading", name="Dana Reyes", level=1)).to_be_visible()
    expect(timeline_entries(page)).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("No interactions yet")

    form = quick_log(page)
    expect(form.get_by_role("heading", name="Log an interaction")).to_be_visible()
    form.get_by_label("Direction").select_option(label="From them")
    form.get_by_label("Kind").select_option(label="Role pitch")
    form.get_by_label("Summary").fill(SUMMARY)
    no_reload = NoReload(page)
    form.get_by_role("button", name="Log it").click()

    expect(timeline_entries(page)).to_have_count(1)
    entry = timeline_entries(page).first
    expect(entry).to_contain_text(SUMMARY)
    expect(entry).to_contain_text("From them")
    expect(entry).to_contain_text("Role pitch")
    expect(quick_log(page).get_by_label("Summary")).to_have_value("")
    no_reload.check()
    interaction = Interaction.objects.get(recruiter=recruiter)
    assert interaction.summary == SUMMARY
    assert interaction.direction == Interaction.Direction.INBOUND
    assert interaction.kind == Interaction.Kind.ROLE_PITCH

    screenshot(page, "recruiter-page")


@pytest.fixture
def busy_recruiter(db):
    """A recruiter with everything the page can show: contact, roles, follow-ups, history."""
    user = make_user("phone.user@example.com")
    firm = make_firm(user, name="Northwind Talent Partners International")
    recruiter = make_recruiter(
        user,
        name="Dana Reyes-Montgomery",
        firm=firm,
        tier=Recruiter.Tier.INVEST,
        email="dana.reyes-montgomery@northwind-talent-partners.example.com",
        phone="+1 415 555 0134",
        linkedin_url="https://www.linkedin.com/in/dana-reyes-montgomery-recruiter",
        specialties="platform, data infrastructure, fintech, developer tooling",
        notes="Met at the platform meetup. Prefers calls in the morning.",
    )
    role = make_role(
        user,
        title="Staff Platform Engineer",
        employer=make_firm(user, name="Contoso Payments", kind="employer"),
        recruiter=recruiter,
        stage=Role.Stage.INTERVIEWING,
        compensation_min=210000,
        compensation_max=260000,
    )
    now = timezone.now()
    make_interaction(
        recruiter,
        direction=Interaction.Direction.INBOUND,
        kind=Interaction.Kind.ROLE_PITCH,
        channel=Interaction.Channel.LINKEDIN,
        role=role,
        value="role_lead",
        occurred_at=now - timezone.timedelta(days=9),
        summary="Pitched the Staff Platform Engineer role at Contoso Payments, "
        "fully remote, a team of eight working on the payments ledger.",
    )
    make_interaction(
        recruiter,
        direction=Interaction.Direction.OUTBOUND,
        kind=Interaction.Kind.STATUS_UPDATE,
        channel=Interaction.Channel.EMAIL,
        role=role,
        expects_reply=True,
        occurred_at=now - timezone.timedelta(days=2),
        summary="Told her I have a second interview elsewhere; asked for the timeline.",
    )
    make_follow_up(
        user,
        title="Ask Dana for feedback on the system design round",
        recruiter=recruiter,
        role=role,
        due_at=now - timezone.timedelta(days=1),
    )
    return recruiter


def test_recruiter_page_fits_a_phone(page, live_server, log_in, screenshot, busy_recruiter):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, busy_recruiter.owner)
    page.goto(f"{live_server.url}{busy_recruiter.get_absolute_url()}")
    expect(timeline_entries(page)).to_have_count(2)

    screenshot(page, "recruiter-page-phone")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"horizontal scroll on a 390px phone: the page is {scroll_width}px wide"
    )


def test_quick_log_shows_an_error_inline_without_reload(page, live_server, log_in, user):
    recruiter = make_recruiter(user, name="Dana Reyes")
    log_in(page, user)
    page.goto(f"{live_server.url}{recruiter.get_absolute_url()}")
    form = quick_log(page)
    form.get_by_label("Summary").fill(SUMMARY)
    form.get_by_label("When").fill("2099-01-01T10:00")
    no_reload = NoReload(page)
    form.get_by_role("button", name="Log it").click()

    error = quick_log(page).locator(".field.has-error .error")
    expect(error).to_have_text("An interaction cannot be in the future.")
    expect(error).to_be_visible()
    # The form keeps what was typed, so the user only fixes the date.
    expect(quick_log(page).get_by_label("Summary")).to_have_value(SUMMARY)
    expect(timeline_entries(page)).to_have_count(0)
    no_reload.check()
    assert not Interaction.objects.exists()


def test_role_board_moves_a_card_without_reload(page, live_server, log_in, user, screenshot):
    make_recruiter(user, name="Dana Reyes")
    log_in(page, user)
    page.goto(f"{live_server.url}/roles/")
    page.get_by_role("link", name="Add role").click()
    expect(page.get_by_role("heading", name="New role")).to_be_visible()
    page.get_by_label("Title").fill("Staff Engineer")
    page.get_by_label("Presenting recruiter").select_option(label="Dana Reyes")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/roles/$"))
    role = Role.objects.get(title="Staff Engineer")
    card = page.locator(f"#role-{role.pk}")
    expect(page.locator(".column.stage-pitched").locator(card)).to_be_visible()
    expect(page.locator(".column.stage-interviewing .role")).to_have_count(0)

    no_reload = NoReload(page)
    card.get_by_label("Move to").select_option(label="Interviewing")

    moved = page.locator(".column.stage-interviewing").locator(f"#role-{role.pk}")
    expect(moved).to_be_visible()
    expect(page.locator(".column.stage-pitched .role")).to_have_count(0)
    expect(page.locator("#stage-interviewing .count")).to_have_text("1")
    expect(moved.get_by_label("Move to")).to_have_value("interviewing")
    no_reload.check()
    role.refresh_from_db()
    assert role.stage == Role.Stage.INTERVIEWING
    screenshot(page, "role-board")

    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "role-board-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
