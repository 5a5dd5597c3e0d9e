"""CSV per table: headers, rows with related names and ids, only the user's, no formulas."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from recruiters.exports.csv_tables import TABLES, neutralise
from recruiters.models import Firm, FollowUp, Interaction
from tests.exports.conftest import THEIR_NAMES
from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_role

TZ = "America/New_York"
HEADERS = {
    "firms": [
        "ID",
        "Name",
        "Kind",
        "Website",
        "Works for my employer",
        "Notes",
        f"Created ({TZ})",
        f"Updated ({TZ})",
    ],
    "recruiters": [
        "ID",
        "Name",
        "Firm ID",
        "Firm",
        "Kind",
        "Tier",
        "Who initiated",
        "Email",
        "Phone",
        "LinkedIn URL",
        "Specialties",
        "Silence threshold (days)",
        "Notes",
        f"Created ({TZ})",
        f"Updated ({TZ})",
    ],
    "roles": [
        "ID",
        "Title",
        "Employer ID",
        "Employer",
        "Recruiter ID",
        "Recruiter",
        "Stage",
        f"Stage changed ({TZ})",
        "Compensation min",
        "Compensation max",
        "Currency",
        "Location",
        "Work mode",
        "Link",
        "Submitted on",
        "Submission authorised",
        "Notes",
        f"Created ({TZ})",
        f"Updated ({TZ})",
    ],
    "interactions": [
        "ID",
        f"When ({TZ})",
        "Recruiter ID",
        "Recruiter",
        "Firm",
        "Role ID",
        "Role",
        "Direction",
        "Channel",
        "Kind",
        "Summary",
        "Value carried",
        "Asks for a reply",
        f"Created ({TZ})",
        f"Updated ({TZ})",
    ],
    "follow-ups": [
        "ID",
        "What",
        "Who owes it",
        "Recruiter ID",
        "Recruiter",
        "Role ID",
        "Role",
        f"Due ({TZ})",
        "State",
        f"Snoozed until ({TZ})",
        f"Closed ({TZ})",
        "Closed by rule",
        "Made by rule",
        "Notes",
        f"Created ({TZ})",
        f"Updated ({TZ})",
    ],
}


def download(client, table):
    response = client.get(reverse("export_csv", args=[table]))
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def read(body):
    """(header, [rows as dicts]) of a CSV download, checking the BOM and the line ends."""
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def test_every_table_is_tested():
    assert set(TABLES) == set(HEADERS)


@pytest.mark.parametrize("table", HEADERS)
def test_header_and_only_own_rows(client_in, rich_account, theirs, table):
    response, body = download(client_in, table)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="callback-{table}-')
    assert "no-store" in response["Cache-Control"]
    header, rows = read(body)
    assert header == HEADERS[table]
    model = TABLES[table].model
    mine = sorted(model.objects.owned_by(rich_account).values_list("pk", flat=True))
    assert [int(row["ID"]) for row in rows] == mine
    for name in THEIR_NAMES:
        assert name not in body.decode()


def test_recruiters_have_their_firm_by_id_and_name(client_in, rich_account):
    _, rows = read(download(client_in, "recruiters")[1])
    dana = next(row for row in rows if row["Name"] == "Dana Reyes")
    assert dana["Firm"] == "Northwind, Talent; Ltd"
    assert int(dana["Firm ID"]) == Firm.objects.get(owner=rich_account, name=dana["Firm"]).pk
    assert dana["Kind"] == "In-house" and dana["Tier"] == "Invest"
    assert dana["Who initiated"] == "I approached them"
    assert dana["Silence threshold (days)"] == "12"
    assert dana["Notes"] == "Likes short e-mails 🎯, hates calls.\r\nTuesdays best."
    sam = next(row for row in rows if "Sam" in row["Name"])
    assert sam["Firm ID"] == "" and sam["Firm"] == "" and sam["Silence threshold (days)"] == ""


def test_roles_interactions_and_follow_ups_name_what_they_point_to(client_in, rich_account):
    _, roles = read(download(client_in, "roles")[1])
    staff = next(row for row in roles if row["Title"] == "Staff Engineer, Data")
    assert (staff["Employer"], staff["Recruiter"]) == ("Émile & Zoë GmbH", "Dana Reyes")
    assert staff["Employer ID"] and staff["Recruiter ID"]
    assert staff["Stage"] == "Interviewing" and staff["Work mode"] == "Hybrid"
    assert (staff["Compensation min"], staff["Compensation max"]) == ("120000", "140000")
    assert staff["Submitted on"] == "2026-01-07" and staff["Submission authorised"] == "yes"

    _, interactions = read(download(client_in, "interactions")[1])
    interview = next(row for row in interactions if row["Kind"] == "Interview")
    assert interview["Recruiter"] == "Dana Reyes"
    assert interview["Firm"] == "Northwind, Talent; Ltd"
    assert interview["Role"] == "Staff Engineer, Data"
    assert int(interview["Role ID"]) == int(staff["ID"])
    assert interview["Direction"] == "From me" and interview["Channel"] == "Video"
    assert interview["Value carried"] == "Feedback" and interview["Asks for a reply"] == "yes"

    _, follow_ups = read(download(client_in, "follow-ups")[1])
    snoozed = next(row for row in follow_ups if row["State"] == "Snoozed")
    assert snoozed["Who owes it"] == "The recruiter" and snoozed["Recruiter"] == "'@Sam Firmless"
    assert snoozed["Snoozed until (America/New_York)"]
    rule_made = next(row for row in follow_ups if row["What"].startswith("Feedback from"))
    assert rule_made["Made by rule"] == "Feedback owed after an interview"
    assert rule_made["Closed by rule"] == "no"


def test_the_confidential_search_columns(client_in, rich_account):
    _, firms = read(download(client_in, "firms")[1])
    works_for = {row["Name"]: row["Works for my employer"] for row in firms}
    assert works_for == {
        "Northwind, Talent; Ltd": "yes",
        "Émile & Zoë GmbH": "no",
        "Unused Retained Search": "no",
    }
    _, follow_ups = read(download(client_in, "follow-ups")[1])
    (withdrawn,) = [row for row in follow_ups if row["State"].startswith("Withdrawn")]
    assert withdrawn["State"] == "Withdrawn"
    assert withdrawn["Closed by rule"] == "yes"
    assert withdrawn["Closed (America/New_York)"] == "2026-01-08 05:30"
    assert [row["Closed by rule"] for row in follow_ups].count("yes") == 1


def test_times_are_in_the_users_time_zone(client_in, user):
    user.profile.time_zone = "Asia/Kolkata"
    user.profile.save()
    recruiter = make_recruiter(user, name="Tz Test")
    make_interaction(recruiter, occurred_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    header, rows = read(download(client_in, "interactions")[1])

    assert header[1] == "When (Asia/Kolkata)"
    assert rows[0]["When (Asia/Kolkata)"] == "2026-03-02 14:30"


DANGEROUS = ["=1+1", "+44 20 7946 0958", "-5", "@SUM(A1:A9)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']
HARMLESS = ["1+1=2", "Dana", " =not at start", "a@b.example", "", "Ünïcode"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_injection_is_neutralised_in_every_text_column(client_in, user, value):
    firm = make_firm(user, name=value, notes=value, website="")
    recruiter = make_recruiter(user, name=value, firm=firm, phone=value, specialties=value)
    role = make_role(user, title=value, employer=firm, recruiter=recruiter, location=value)
    make_interaction(recruiter, role=role, summary=value)
    make_follow_up(user, title=value, recruiter=recruiter, role=role, notes=value)

    for table in HEADERS:
        _, rows = read(download(client_in, table)[1])
        cells = [cell for row in rows for cell in row.values()]
        assert cells, table
        assert "'" + value in cells, table
        assert value not in cells, f"{table} has the raw cell {value!r}"
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (table, cell)


def test_an_unknown_table_is_not_found(client_in):
    assert client_in.get("/export/passwords.csv").status_code == 404


def test_downloads_need_a_login(client, user):
    for table in HEADERS:
        response = client.get(reverse("export_csv", args=[table]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_queries_do_not_grow_with_the_rows(client_in, user, django_assert_max_num_queries):
    firm = make_firm(user)
    for n in range(40):
        recruiter = make_recruiter(user, firm=firm, name=f"R{n}")
        role = make_role(user, recruiter=recruiter, employer=firm)
        make_interaction(recruiter, role=role, direction=Interaction.Direction.INBOUND)
        make_follow_up(user, recruiter=recruiter, role=role, state=FollowUp.State.OPEN)

    for table in HEADERS:
        with django_assert_max_num_queries(8):
            _, rows = read(download(client_in, table)[1])
        assert len(rows) == (1 if table == "firms" else 40)
