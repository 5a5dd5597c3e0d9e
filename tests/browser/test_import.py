"""Importing LinkedIn connections in a real browser: upload, preview, untick, confirm."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from recruiters.models import ImportJob, Recruiter
from tests.factories import make_user

pytestmark = pytest.mark.browser

CONNECTIONS = Path(__file__).resolve().parents[1] / "imports" / "fixtures" / "Connections.csv"


def test_import_linkedin_connections(page, live_server, log_in, screenshot):
    user = make_user("dana.fan@example.com")
    log_in(page, user)
    page.goto(f"{live_server.url}/imports/")

    expect(page.get_by_role("heading", name="Import", exact=True)).to_be_visible()
    page.get_by_role("radio", name=re.compile(r"^LinkedIn connections")).check()
    page.get_by_label(re.compile(r"^File")).set_input_files(CONNECTIONS)
    screenshot(page, "import-upload")
    page.get_by_role("button", name="Upload and preview").click()

    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_role("heading", name="Preview of Connections.csv")).to_be_visible()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("64 new recruiters")
    expect(counts).to_contain_text("256 skipped")
    expect(counts).to_contain_text("16 new firms")
    assert Recruiter.objects.count() == 0

    job = ImportJob.objects.get(owner=user)
    rows = job.plan["rows"]
    unticked = next(row for row in rows if row["action"] == "create")
    kept = next(row for row in reversed(rows) if row["action"] == "create")
    box = page.get_by_role("checkbox", name=f"Import line {unticked['line']} ({unticked['name']})")
    expect(box).to_be_checked()
    box.uncheck()
    expect(box).not_to_be_checked()
    screenshot(page, "import-preview", full_page=False)
    skipped = page.locator("details.import-skipped > summary")
    skipped.click()
    expect(page.locator("#import-skipped")).to_contain_text("Skip: same person as line")
    skipped.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    screenshot(page, "import-preview-skipped", full_page=False)

    page.get_by_role("button", name="Import ticked rows").last.click()

    page.wait_for_url(re.compile(r"/recruiters/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Imported Connections.csv: 63 recruiters added, 16 new firms."
    )
    results = page.locator("#recruiter-results")
    expect(results.get_by_role("link", name=kept["name"], exact=True)).to_be_visible()
    expect(results.get_by_role("link", name=unticked["name"], exact=True)).to_have_count(0)
    expect(results).to_contain_text("63 recruiters")
    names = set(Recruiter.objects.filter(owner=user).values_list("name", flat=True))
    assert len(names) == 63
    assert unticked["name"] not in names


def test_progress_bar_of_a_large_import(page, live_server, log_in, screenshot):
    user = make_user("dana.fan@example.com")
    job = ImportJob.objects.create(
        owner=user,
        kind="linkedin_connections",
        filename="Connections.csv",
        plan={"type": "contacts", "rows": []},
        state=ImportJob.State.RUNNING,
        total=600,
        processed=150,
    )
    log_in(page, user)
    polls = []
    page.on(
        "request", lambda request: polls.append(request.url) if "progress" in request.url else None
    )
    page.goto(f"{live_server.url}/imports/{job.pk}/progress/")
    expect(page.locator("#import-progress")).to_contain_text("150 of 600 rows (25%)")

    ImportJob.objects.filter(pk=job.pk).update(processed=450)
    expect(page.locator("#import-progress")).to_contain_text("450 of 600 rows (75%)")
    screenshot(page, "import-progress", full_page=False)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        processed=600,
        summary={"created": 590, "merged": 10, "unchanged": 0, "firms": 42},
    )
    expect(page.locator("#import-progress")).to_contain_text(
        "Done. 590 recruiters added, 10 updated, 42 new firms."
    )
    done_at = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == done_at, "the page kept polling after the import was done"
    page.get_by_role("link", name="See your recruiters").click()
    page.wait_for_url(re.compile(r"/recruiters/$"))
