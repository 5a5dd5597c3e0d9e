"""The dashboard of the demo account in a real browser: what it lists, and its one-click
actions (htmx, no page reload)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruiters import rules
from recruiters.demo import load_demo
from recruiters.models import FollowUp, Interaction, Profile
from tests.browser.helpers import NoReload

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def listed_names(page, section_id):
    """The recruiter names listed in one section of the dashboard, in page order."""
    return page.locator(f"#section-{section_id} li.item .what strong a").all_inner_texts()


def item(page, section_id, text):
    return page.locator(f"#section-{section_id} li.item").filter(has_text=text)


@pytest.fixture
def demo(transactional_db):
    """The demo account, loaded now into the live server's database."""
    user = load_demo("demo.browser@example.com", "a-long-demo-password").user
    return Profile.objects.get(user=user)  # the profile as loaded (Europe/London)


def test_demo_dashboard_lists_and_acts_without_reload(page, live_server, log_in, screenshot, demo):
    user = demo.user
    log_in(page, user)
    page.goto(f"{live_server.url}/home/")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    now = timezone.now()

    # What the page lists is what the rules say, for this user, now.
    silent = [r.name for r in rules.silent_recruiters(demo, now)]
    one_sided = [r.name for r in rules.one_sided(demo, now)]
    assert "Marcus Webb" in silent and "Chloe Hart" in one_sided and "Dan Okafor" in one_sided
    assert listed_names(page, "silent") == silent
    assert listed_names(page, "one-sided") == one_sided
    one_sided_badges = item(page, "one-sided", "Chloe Hart").locator(".badge")
    expect(one_sided_badges).to_have_text(["they ignore you"])

    screenshot(page, "dashboard")
    page.set_viewport_size(PHONE)
    screenshot(page, "dashboard-phone")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"horizontal scroll on a 390px phone: the page is {scroll_width}px wide"
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    # Done, then Snooze: each item leaves the page, without a reload, and the row changes.
    overdue = FollowUp.objects.get(owner=user, title="Send Priya the updated CV")
    due_today = FollowUp.objects.get(owner=user, title="Answer Quayside's offer")
    no_reload = NoReload(page)

    row = page.locator(f"#follow-up-{overdue.pk}")
    row.get_by_role("button", name="Done").click()
    expect(row).to_have_count(0)
    no_reload.check()
    overdue.refresh_from_db()
    assert overdue.state == FollowUp.State.DONE and overdue.closed_at is not None

    row = page.locator(f"#follow-up-{due_today.pk}")
    row.get_by_role("button", name="Snooze 3 days").click()
    expect(row).to_have_count(0)
    no_reload.check()
    due_today.refresh_from_db()
    assert due_today.state == FollowUp.State.SNOOZED
    assert due_today.snoozed_until > timezone.now() + timezone.timedelta(days=2, hours=23)

    # Log their reply on a silent recruiter: the confirmation replaces the item.
    marcus = item(page, "silent", "Marcus Webb")
    marcus_id = marcus.get_attribute("id")
    replies_before = Interaction.objects.filter(
        recruiter__name="Marcus Webb", owner=user, direction=Interaction.Direction.INBOUND
    ).count()
    marcus.get_by_role("button", name="Log their reply").click()

    confirmation = page.locator("#section-silent li.item.done")
    expect(confirmation).to_have_text("✓ Logged “They replied”.")
    expect(confirmation).to_have_attribute("role", "status")
    expect(page.locator(f"#{marcus_id}")).to_have_count(0)
    no_reload.check()
    replies = Interaction.objects.filter(
        recruiter__name="Marcus Webb", owner=user, direction=Interaction.Direction.INBOUND
    )
    assert replies.count() == replies_before + 1
    assert "Marcus Webb" not in [r.name for r in rules.silent_recruiters(demo, timezone.now())]
    screenshot(page, "dashboard-after-actions")

    # A reload agrees: the two follow-ups and Marcus's silence are gone.
    page.reload()
    expect(page.locator(f"#follow-up-{overdue.pk}")).to_have_count(0)
    expect(page.locator(f"#follow-up-{due_today.pk}")).to_have_count(0)
    assert "Marcus Webb" not in listed_names(page, "silent")
