"""Every main page under the strict Content-Security-Policy in a real browser: nothing is
refused, nothing loses its styling, and the htmx interactions still work."""

import re

import pytest
from playwright.sync_api import expect

from recruiters.demo import load_demo
from recruiters.models import Firm, Recruiter
from tests.browser.helpers import NoReload
from tests.imports.conftest import FIXTURES

pytestmark = pytest.mark.browser

# Each refusal is reported to the test, from every document of the page (frames too).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.documentURI}`);
});
"""


@pytest.fixture
def violations(page):
    """What the Content-Security-Policy refused on the page, as the test goes."""
    found = []
    page.context.expose_function("reportCspViolation", lambda report: found.append(report))
    page.add_init_script(REPORT_VIOLATIONS)
    # The sandboxed e-mail frame runs no script: its refusals only reach the console.
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


@pytest.fixture
def demo(transactional_db):
    return load_demo("demo.csp@example.com", "a-long-demo-password").user


def visit(page, url, heading):
    """Open `url`; the document came with the strict policy, and shows `heading`."""
    response = page.goto(url)
    assert response.ok, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
    expect(page.get_by_role("heading", level=1).first).to_have_text(heading)
    # The stylesheet applied: the top bar has its colours, not the browser's defaults.
    background = page.locator(".topbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", url


def test_every_main_page_runs_under_the_policy(
    page, live_server, log_in, screenshot, demo, violations
):
    base = live_server.url
    visit(page, f"{base}/accounts/login/", "Log in")
    log_in(page, demo)
    recruiter = Recruiter.objects.filter(owner=demo).order_by("name").first()
    firm = Firm.objects.filter(owner=demo).order_by("name").first()
    pages = [
        ("/home/", "Today", "csp-dashboard"),
        ("/recruiters/", "Recruiters", "csp-recruiters"),
        (recruiter.get_absolute_url(), recruiter.name, "csp-recruiter"),
        ("/firms/", "Firms", "csp-firms"),
        (firm.get_absolute_url(), firm.name, "csp-firm"),
        ("/roles/", "Roles", "csp-roles"),
        ("/follow-ups/", "Follow-ups", "csp-follow-ups"),
        ("/recruiters/new/", "New recruiter", "csp-recruiter-new"),
        ("/settings/", "Settings", "csp-settings"),
        ("/export/", "Export your data", "csp-export"),
        ("/who-knows/", "Who knows you are looking", "csp-who-knows"),
    ]
    for path, heading, name in pages:
        visit(page, base + path, re.compile(re.escape(heading)))
        screenshot(page, name)

    # htmx is set up for the policy: no eval, no injected <style>.
    assert page.evaluate("[htmx.config.allowEval, htmx.config.allowScriptTags]") == [False, False]
    assert page.locator("head style").count() == 0

    # The digest preview frames the e-mail, whose own inline styles still apply.
    visit(page, f"{base}/digest/preview/", "Digest preview")
    email = page.frame_locator("iframe.digest-frame")
    expect(email.get_by_role("heading", level=1)).to_be_visible()
    card = email.locator("[id^=digest-]").first
    expect(card).to_have_css("border-radius", "8px")
    screenshot(page, "csp-digest-preview")

    # An import: upload, the preview, and its confirm script that packs the ticked rows.
    visit(page, f"{base}/imports/", "Import")
    page.get_by_role("radio", name=re.compile(r"^LinkedIn connections")).check()
    page.get_by_label(re.compile(r"^File")).set_input_files(FIXTURES / "Connections.csv")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview of Connections.csv")).to_be_visible()
    screenshot(page, "csp-import-preview")
    page.get_by_role("button", name="Import ticked rows").last.click()
    page.wait_for_url(re.compile(r"/recruiters/$"))
    expect(page.get_by_role("status")).to_contain_text("Imported Connections.csv")

    assert violations == []


def test_dashboard_htmx_actions_work_under_the_policy(
    page, live_server, log_in, screenshot, demo, violations
):
    log_in(page, demo)
    page.goto(f"{live_server.url}/home/")
    no_reload = NoReload(page)

    # A tier change: the select posts on change (hx-trigger), the item becomes its confirmation.
    item = page.locator("#section-silent li.item").first
    name = item.locator(".what strong a").inner_text()
    recruiter = Recruiter.objects.get(owner=demo, name=name)
    new_tier = next(tier for tier in Recruiter.Tier if tier != recruiter.tier)
    item.get_by_label(f"Tier of {name}").select_option(new_tier.value)
    done = page.locator("#section-silent li.item.done")
    expect(done).to_have_text(f"✓ {name} is now “{new_tier.label}”.")
    recruiter.refresh_from_db()
    assert recruiter.tier == new_tier

    # A quick log: "Log their reply" replaces the next item with its confirmation.
    page.locator("#section-silent li.item:not(.done)").first.get_by_role(
        "button", name="Log their reply"
    ).click()
    expect(done).to_have_count(2)
    expect(done.nth(1)).to_have_text("✓ Logged “They replied”.")
    no_reload.check()
    screenshot(page, "csp-dashboard-after-htmx")

    # The recruiter list's live search (hx-get on input, with a delay).
    page.goto(f"{live_server.url}/recruiters/")
    page.get_by_role("searchbox", name="Search").fill(name)
    expect(page.locator("#recruiter-results tbody tr")).to_have_count(1)
    # htmx keeps no copy of the page it replaced (the pages are no-store); Back asks again.
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    page.go_back()
    expect(page.locator("#recruiter-results tbody tr")).to_have_count(
        Recruiter.objects.filter(owner=demo).count()
    )
    expect(page.get_by_role("heading", name="Recruiters", level=1)).to_be_visible()
    assert violations == []
