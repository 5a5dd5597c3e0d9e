"""A confidential search in a real browser: the quick log and the role board hold back a
submission that reaches the employer until "… anyway" is clicked (htmx sends the button's
`confirm` value), and the page "Who knows you are looking"."""

import pytest
from playwright.sync_api import expect

from recruiters.models import Firm, Interaction, Role
from tests.browser.helpers import NoReload
from tests.factories import make_firm, make_interaction, make_recruiter, make_role, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def searching(transactional_db):
    """Someone at Acme Corp, searching confidentially, allowing 2 recruiters to know."""
    user = make_user("quiet.search@example.com")
    acme = make_firm(user, name="Acme Corp", kind=Firm.Kind.EMPLOYER)
    northwind = make_firm(user, name="Northwind Talent", works_for_my_employer=True)
    kestrel = make_firm(user, name="Kestrel Systems", kind=Firm.Kind.EMPLOYER)
    profile = user.profile
    profile.current_employer = acme
    profile.confidential_search = True
    profile.aware_warning_threshold = 2
    profile.save()
    dana = make_recruiter(user, name="Dana Reyes", firm=northwind)
    lee = make_recruiter(user, name="Lee Park", firm=make_firm(user, name="Bluebird Search"))
    make_role(user, title="Data Lead", employer=kestrel, recruiter=dana)
    make_role(user, title="Backend Engineer", employer=kestrel, recruiter=lee, stage="offer")
    for name in ("Marco Vitale", "Sam Ortiz"):
        make_interaction(make_recruiter(user, name=name), kind="outreach", direction="outbound")
    return user, dana


def test_quick_log_holds_back_a_submission_to_a_tied_recruiter(
    page, live_server, log_in, screenshot, searching
):
    user, dana = searching
    log_in(page, user)
    page.goto(f"{live_server.url}{dana.get_absolute_url()}")
    expect(page.locator(".page-head .badge.tied")).to_have_text("Tied to your employer (Acme Corp)")
    no_reload = NoReload(page)

    quick_log = page.locator("#quick-log")
    quick_log.get_by_label("Kind").select_option("submission")
    quick_log.get_by_label("Summary").fill("Sent my CV for Data Lead")
    quick_log.get_by_role("button", name="Log it", exact=True).click()

    warning = page.locator("#tie-warning")
    expect(warning).to_contain_text("Confidential search: this submission reaches your employer")
    expect(warning).to_contain_text("Dana Reyes is at Northwind Talent, which works for Acme Corp")
    expect(quick_log.get_by_label("Summary")).to_have_value("Sent my CV for Data Lead")
    screenshot(page, "confidential-quick-log-warning")
    assert not Interaction.objects.filter(kind="submission").exists()

    warning.get_by_role("button", name="Log it anyway").click()

    expect(page.locator("#quick-log .saved-note")).to_have_text("Logged ✓")
    expect(page.locator("#timeline")).to_contain_text("Sent my CV for Data Lead")
    expect(page.locator("#quick-log .messages")).to_contain_text(
        "Dana Reyes did not know you are looking; now 4 recruiters do."
    )
    screenshot(page, "confidential-quick-log-confirmed")
    assert Interaction.objects.get(kind="submission").recruiter == dana
    no_reload.check()


def test_role_board_move_waits_for_submit_anyway(page, live_server, log_in, screenshot, searching):
    user, _ = searching
    log_in(page, user)
    page.goto(f"{live_server.url}/roles/")
    no_reload = NoReload(page)
    card = page.locator("article.role").filter(has_text="Data Lead")
    expect(card.locator(".badge.tied")).to_be_visible()

    card.get_by_label("Move to").select_option("submitted")

    warning = page.locator("#board #tie-warning")
    expect(warning).to_contain_text("this submission reaches your employer")
    screenshot(page, "confidential-board-warning")
    assert Role.objects.get(title="Data Lead").stage == "pitched"

    warning.get_by_role("button", name="Submit anyway").click()

    expect(page.locator("#board #tie-warning")).to_have_count(0)
    expect(page.locator("#stage-submitted").locator("..")).to_contain_text("Data Lead")
    assert Role.objects.get(title="Data Lead").stage == "submitted"
    no_reload.check()


def test_who_knows_page_and_dashboard_warning(page, live_server, log_in, screenshot, searching):
    user, _ = searching
    log_in(page, user)
    page.goto(f"{live_server.url}/home/")
    expect(page.locator("#aware-warning")).to_contain_text("3 recruiters know you are looking")
    screenshot(page, "confidential-dashboard-warning", full_page=False)

    page.get_by_role("link", name="Who knows", exact=True).click()
    expect(page.get_by_role("heading", name="Who knows you are looking")).to_be_visible()
    rows = page.locator("table.who-knows tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Lee Park")).to_contain_text("Kestrel Systems")
    expect(page.locator("#aware-warning")).to_contain_text("more than the 2 you allow")
    screenshot(page, "confidential-who-knows")
