"""The paged lists in a real browser: older timeline entries load as you scroll to them,
"Show more" adds the next follow-ups or the next cards of a stage in place (htmx, no
reload), and without JavaScript the same links open the next page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruiters.models import FollowUp, Interaction, Role
from tests.browser.helpers import NoReload
from tests.factories import make_recruiter

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def add_interactions(recruiter, n):
    """`n` interactions an hour apart, newest first: "Touch 000" ... ."""
    newest = timezone.now() - timedelta(minutes=5)
    Interaction.objects.bulk_create(
        Interaction(
            owner=recruiter.owner,
            recruiter=recruiter,
            occurred_at=newest - timedelta(hours=i),
            direction=Interaction.Direction.OUTBOUND if i % 2 else Interaction.Direction.INBOUND,
            expects_reply=i % 3 == 0,
            summary=f"Touch {i:03}",
        )
        for i in range(n)
    )


def entries(page):
    return page.locator("#timeline li.interaction")


def test_timeline_loads_older_pages_as_you_scroll(page, live_server, log_in, user, screenshot):
    recruiter = make_recruiter(user, name="Dana Reyes")
    add_interactions(recruiter, 120)
    log_in(page, user)
    page.goto(f"{live_server.url}{recruiter.get_absolute_url()}")

    expect(entries(page)).to_have_count(50)
    expect(page.locator("#timeline-heading .count")).to_have_text("120")
    expect(entries(page).last).to_contain_text("Touch 049")
    no_reload = NoReload(page)

    page.get_by_role("link", name="Older interactions").scroll_into_view_if_needed()
    expect(entries(page)).to_have_count(100)
    expect(entries(page).nth(50)).to_contain_text("Touch 050")
    screenshot(page, "timeline-second-page", full_page=False)

    page.get_by_role("link", name="Older interactions").scroll_into_view_if_needed()
    expect(entries(page)).to_have_count(120)
    expect(entries(page).last).to_contain_text("Touch 119")
    expect(page.get_by_role("link", name="Older interactions")).to_have_count(0)
    texts = entries(page).locator("p").all_inner_texts()
    assert texts == [f"Touch {i:03}" for i in range(120)]  # each once, in order
    no_reload.check()
    screenshot(page, "timeline-paged")


def test_timeline_older_link_works_without_javascript(browser, live_server, log_in, user):
    recruiter = make_recruiter(user, name="Dana Reyes")
    add_interactions(recruiter, 70)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, user)
        page.goto(f"{live_server.url}{recruiter.get_absolute_url()}")
        expect(entries(page)).to_have_count(50)

        page.get_by_role("link", name="Older interactions").click()

        page.wait_for_url(re.compile(r"\?after=\d+_\d+#timeline-heading$"))
        expect(page.locator("#timeline-heading")).to_be_in_viewport()
        expect(entries(page)).to_have_count(20)
        expect(entries(page).first).to_contain_text("Touch 050")
        expect(page.get_by_role("link", name="Older interactions")).to_have_count(0)
        page.get_by_role("link", name="← Back to the newest").click()
        expect(entries(page).first).to_contain_text("Touch 000")
    finally:
        context.close()


def test_follow_ups_show_more_and_act_on_a_loaded_row(page, live_server, log_in, user, screenshot):
    recruiter = make_recruiter(user, name="Dana Reyes")
    start = timezone.now() - timedelta(days=2)
    FollowUp.objects.bulk_create(
        FollowUp(
            owner=user,
            title=f"Task {i:03}",
            recruiter=recruiter,
            due_at=start + timedelta(hours=3 * i),
        )
        for i in range(70)
    )
    log_in(page, user)
    page.goto(f"{live_server.url}/follow-ups/")
    rows = page.locator("#open-follow-ups li.follow-up")
    expect(rows).to_have_count(50)
    expect(page.locator(".list-count")).to_have_text("70 open, soonest due first")
    no_reload = NoReload(page)

    page.get_by_role("link", name="Show more").click()

    expect(rows).to_have_count(70)
    expect(page.get_by_role("link", name="Show more")).to_have_count(0)
    row = rows.filter(has_text="Task 065")
    row.get_by_role("button", name="Done").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    expect(rows).to_have_count(70)
    no_reload.check()
    assert FollowUp.objects.get(title="Task 065").state == FollowUp.State.DONE
    screenshot(page, "follow-ups-paged")


def test_role_board_show_more_then_move_a_loaded_card(page, live_server, log_in, user, screenshot):
    recruiter = make_recruiter(user, name="Dana Reyes")
    roles = Role.objects.bulk_create(
        Role(owner=user, title=f"Engineer {i:02}", recruiter=recruiter) for i in range(30)
    )
    newest = timezone.now()
    for i, role in enumerate(roles):
        role.updated_at = newest - timedelta(minutes=i)  # "Engineer 00" most recent
    Role.objects.bulk_update(roles, ["updated_at"])
    log_in(page, user)
    page.goto(f"{live_server.url}/roles/")
    pitched = page.locator(".column.stage-pitched")
    expect(pitched.locator("article.role")).to_have_count(25)
    expect(page.locator("#stage-pitched .count")).to_have_text("30")
    no_reload = NoReload(page)

    pitched.get_by_role("link", name="Show more").click()

    expect(pitched.locator("article.role")).to_have_count(30)
    expect(pitched.get_by_role("link", name="Show more")).to_have_count(0)
    screenshot(page, "role-board-paged")
    card = pitched.locator("article.role").filter(has_text="Engineer 28")
    card.get_by_label("Move to").select_option(label="Interviewing")

    moved = page.locator(".column.stage-interviewing article.role")
    expect(moved).to_have_count(1)
    expect(moved).to_contain_text("Engineer 28")
    expect(page.locator("#stage-pitched .count")).to_have_text("29")
    expect(page.locator("#stage-interviewing .count")).to_have_text("1")
    expect(pitched.locator("article.role")).to_have_count(25)  # the board is back at its start
    no_reload.check()
    assert Role.objects.get(title="Engineer 28").stage == Role.Stage.INTERVIEWING

    page.set_viewport_size(PHONE)
    screenshot(page, "role-board-paged-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
