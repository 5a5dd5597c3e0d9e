"""LinkedIn's Connections.csv: the committed fixture (fixtures/make_connections.py) imports
with the expected counts, again without creating anything, and merges into recruiters that
are already there."""

import pytest
from django.urls import reverse

from recruiters.imports import linkedin
from recruiters.imports.files import decode
from recruiters.models import Firm, ImportJob, Recruiter
from tests.factories import make_firm, make_recruiter
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

pytestmark = pytest.mark.django_db

# By construction of fixtures/make_connections.py.
ROWS = 320
RECRUITERS = 64
FIRMS = 16
SKIPPED = {"not a recruiter": 251, "duplicate": 3, "invalid e-mail": 1, "no name": 1}


def test_the_fixture_is_realistic(connections_csv):
    text = connections_csv.decode()
    assert text.startswith("Notes:\r\n")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert '"Acme Robotics, Inc."' in text
    assert "-Feb-" in text or "-Mar-" in text
    contacts = linkedin.parse_connections(decode(connections_csv))
    assert len(contacts) == ROWS
    assert contacts[0].line == 6  # Notes, a paragraph over two lines, a blank line, header


def test_preview_counts(client_in, connections_csv):
    job = preview_job(
        post_upload(client_in, "linkedin_connections", "Connections.csv", connections_csv)
    )
    assert job.state == ImportJob.State.PREVIEW
    assert job.plan["counts"] == {
        "rows": ROWS,
        "create": RECRUITERS,
        "merge": 0,
        "skip": ROWS - RECRUITERS,
        "firms": FIRMS,
        "skipped": SKIPPED,
    }
    assert Recruiter.objects.count() == 0, "a preview writes nothing"

    page = client_in.get(reverse("import_preview", args=[job.pk]))
    content = page.content.decode()
    assert f"<strong>{RECRUITERS}</strong> new recruiters" in content
    assert "Skip: same person as line" in content
    assert "Skip: not a recruiter (Software Engineer)" in content


def test_import_then_import_again(client_in, user, connections_csv):
    job = preview_job(
        post_upload(client_in, "linkedin_connections", "Connections.csv", connections_csv)
    )
    response = confirm(client_in, job)
    assert response.status_code == 302
    assert response.url == reverse("recruiter_list")

    assert Recruiter.objects.filter(owner=user).count() == RECRUITERS
    assert Firm.objects.filter(owner=user).count() == FIRMS
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.summary == {"created": RECRUITERS, "merged": 0, "unchanged": 0, "firms": FIRMS}
    page = client_in.get(response.url)
    assert f"{RECRUITERS} recruiters added, {FIRMS} new firms." in page.content.decode()

    ann = Recruiter.objects.get(owner=user, name="Kai Chávez")
    assert ann.email == "kai.chavez@example.com"
    assert ann.linkedin_url == "https://www.linkedin.com/in/kai-chavez-0fd2"
    assert ann.firm.name == "Acme Robotics, Inc."
    assert ann.kind == Recruiter.Kind.AGENCY
    assert ann.notes.startswith(
        "Recruitment Consultant at Acme Robotics, Inc.\nLinkedIn connection since "
    )

    before = counts()
    again = preview_job(
        post_upload(client_in, "linkedin_connections", "Connections.csv", connections_csv)
    )
    assert again.plan["counts"]["create"] == 0
    assert again.plan["counts"]["merge"] == 0
    assert again.plan["counts"]["skipped"]["already in Callback"] == RECRUITERS
    response = confirm(client_in, again)
    assert response.url == reverse("import_preview", args=[again.pk])
    assert "Tick at least one row to import." in client_in.get(response.url).content.decode()
    assert counts() == {**before, "ImportJob": before["ImportJob"] + 1}


def test_ticked_skipped_rows_are_imported_after_all(client_in, user, connections_csv):
    job = preview_job(
        post_upload(client_in, "linkedin_connections", "Connections.csv", connections_csv)
    )
    rows = job.plan["rows"]
    engineer = next(n for n, row in enumerate(rows) if row["position"] == "Staff Engineer")
    bad_email = next(n for n, row in enumerate(rows) if row["code"] == "invalid_email")
    duplicate = next(n for n, row in enumerate(rows) if row["code"] == "duplicate")
    recruiter = next(n for n, row in enumerate(rows) if row["action"] == "create")

    confirm(client_in, job, [engineer, bad_email, duplicate, recruiter])

    names = set(Recruiter.objects.filter(owner=user).values_list("name", flat=True))
    assert names == {rows[engineer]["name"], rows[bad_email]["name"], rows[recruiter]["name"]}
    assert Recruiter.objects.get(name=rows[bad_email]["name"]).email == ""


CSV = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Dana,Reyes,https://www.linkedin.com/in/dana-reyes,,"
    "Northwind Talent,Technical Recruiter,24 Nov 2026\r\n"
    "Sam,Okafor,https://www.linkedin.com/in/sam-okafor,sam@bluefin.example,"
    "Bluefin Search,Sourcer,13-Feb-26\r\n"
    "Lee,Chen,https://www.linkedin.com/in/lee-chen,,Northwind Talent,Talent Partner,2026-02-13\r\n"
    "Ola,Berg,https://www.linkedin.com/in/ola-berg,,Globex,Software Engineer,1 Mar 2025\r\n"
)


def plan_of(client, content, name="Connections.csv"):
    return preview_job(post_upload(client, "linkedin_connections", name, content)).plan


def by_name(plan):
    return {row["name"]: row for row in plan["rows"]}


def test_merges_by_url_then_email_then_name_and_firm(client_in, user):
    northwind = make_firm(user, name="NORTHWIND talent")
    by_url = make_recruiter(
        user, name="D. Reyes", linkedin_url="http://linkedin.com/in/Dana-Reyes/"
    )
    by_email = make_recruiter(user, name="Samuel Okafor", email="SAM@bluefin.example")
    by_name_and_firm = make_recruiter(user, name="lee chen", firm=northwind, phone="+44 20 1234")

    job = preview_job(post_upload(client_in, "linkedin_connections", "Connections.csv", CSV))
    rows = by_name(job.plan)
    assert rows["Dana Reyes"]["action"] == "merge"
    assert rows["Dana Reyes"]["match"] == {
        "id": by_url.pk,
        "name": "D. Reyes",
        "by": "LinkedIn URL",
    }
    assert rows["Dana Reyes"]["changes"] == ["firm"]
    assert rows["Sam Okafor"]["match"]["id"] == by_email.pk
    assert rows["Sam Okafor"]["changes"] == ["LinkedIn URL", "firm"]
    assert rows["Lee Chen"]["match"] == {
        "id": by_name_and_firm.pk,
        "name": "lee chen",
        "by": "name and firm",
    }
    assert rows["Lee Chen"]["changes"] == ["LinkedIn URL"]
    assert rows["Ola Berg"]["action"] == "skip"
    assert job.plan["counts"]["firms"] == 1  # Bluefin Search; Northwind Talent is there

    confirm(client_in, job)

    assert Recruiter.objects.filter(owner=user).count() == 3
    by_url.refresh_from_db()
    by_email.refresh_from_db()
    by_name_and_firm.refresh_from_db()
    assert by_url.name == "D. Reyes", "a merge keeps what the user wrote"
    assert by_url.firm == northwind
    assert by_email.linkedin_url == "https://www.linkedin.com/in/sam-okafor"
    assert by_email.email == "SAM@bluefin.example"
    assert by_email.firm.name == "Bluefin Search"
    assert by_name_and_firm.linkedin_url == "https://www.linkedin.com/in/lee-chen"
    assert by_name_and_firm.phone == "+44 20 1234"
    assert set(Firm.objects.filter(owner=user).values_list("name", flat=True)) == {
        "NORTHWIND talent",
        "Bluefin Search",
    }


def test_a_recruiter_changed_since_the_preview_is_matched_again(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "Connections.csv", CSV))
    assert by_name(job.plan)["Dana Reyes"]["action"] == "create"
    dana = make_recruiter(user, name="Dana", linkedin_url="https://www.linkedin.com/in/dana-reyes")

    confirm(client_in, job)

    assert Recruiter.objects.filter(owner=user).count() == 3
    dana.refresh_from_db()
    assert dana.firm.name == "Northwind Talent"


def test_unticked_rows_are_left_out(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "Connections.csv", CSV))
    rows = job.plan["rows"]
    keep = [n for n, row in enumerate(rows) if row["name"] in ("Dana Reyes", "Lee Chen")]
    # Without JavaScript the form sends one "row" field per ticked checkbox.
    client_in.post(reverse("import_confirm", args=[job.pk]), {"row": keep})
    assert set(Recruiter.objects.values_list("name", flat=True)) == {"Dana Reyes", "Lee Chen"}


def test_a_row_number_that_is_not_offered_is_ignored(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "Connections.csv", CSV))
    dana = next(n for n, row in enumerate(job.plan["rows"]) if row["name"] == "Dana Reyes")
    confirm(client_in, job, [dana, 999, -1])
    assert list(Recruiter.objects.values_list("name", flat=True)) == ["Dana Reyes"]


def test_confirming_twice_imports_once(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "Connections.csv", CSV))
    confirm(client_in, job)
    response = confirm(client_in, job)
    assert response.url == reverse("import_progress", args=[job.pk])
    assert Recruiter.objects.count() == 3


def test_older_export_without_url_column_and_preamble(client_in, user):
    content = (
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Dana,Reyes,dana@northwind.example,Northwind Talent,Recruiter,24 Nov 2016\n"
    )
    plan = plan_of(client_in, content)
    assert plan["rows"][0]["action"] == "create"
    assert plan["rows"][0]["connected_on"] == "2016-11-24"
    assert plan["rows"][0]["line"] == 2


def test_newer_export_with_extra_columns_and_comma_padding(client_in, user):
    content = (
        'Notes:,,,,,,\n"When exporting your connection data, you may notice that,\n'
        'some email addresses are missing.",,,,,,\n,,,,,,\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On,Tags\n"
        "Dana,Reyes,https://www.linkedin.com/in/dana-reyes,,"
        "Northwind Talent,Recruiter,24 Nov 2026,x\n"
    )
    plan = plan_of(client_in, content)
    assert [(row["line"], row["name"], row["action"]) for row in plan["rows"]] == [
        (6, "Dana Reyes", "create")
    ]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("cp1252", b""),
        ("latin-1", b""),
    ],
)
def test_encodings(client_in, encoding, bom):
    content = bom + CSV.replace("Dana,Reyes", "Zoë,Müller").encode(encoding)
    plan = plan_of(client_in, content)
    assert plan["rows"][0]["name"] == "Zoë Müller"
    assert plan["counts"]["create"] == 3


def test_semicolon_separated(client_in):
    content = CSV.replace(",", ";").replace("Northwind Talent", '"Northwind; Talent"')
    plan = plan_of(client_in, content)
    assert plan["rows"][0]["company"] == "Northwind; Talent"
    assert plan["counts"]["create"] == 3


def test_tab_separated(client_in):
    plan = plan_of(client_in, CSV.replace(",", "\t"))
    assert plan["counts"]["create"] == 3


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            CSV.replace("First Name", "Given Name"),
            "Line 1: The file has no 'First Name' column; is it LinkedIn's Connections.csv?",
        ),
        (
            CSV.replace(",Position,", ",Job,"),
            "Line 1: The file has no 'Position' column; is it LinkedIn's Connections.csv?",
        ),
        (
            "Name,Phone\nDana,123\n",
            "The file has no 'First Name' column; is it LinkedIn's Connections.csv?",
        ),
        (
            "CONVERSATION ID,FROM,TO,DATE,CONTENT\n1,A,B,2026-01-01 10:00:00 UTC,Hi\n",
            "This looks like LinkedIn's messages.csv; choose “LinkedIn messages” to import it.",
        ),
        ("", "The file is empty."),
        ("\r\n  \r\n", "The file is empty."),
        (
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n",
            "The file has no rows to import.",
        ),
    ],
)
def test_bad_files_change_nothing(client_in, user, content, error):
    make_recruiter(user, name="Already Here")
    before = counts()
    response = post_upload(client_in, "linkedin_connections", "Connections.csv", content)
    assert upload_error(response).startswith(error)
    assert error in response.content.decode().replace("&#x27;", "'")
    assert counts() == before


def test_an_image_is_refused(client_in):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(200)
    response = post_upload(client_in, "linkedin_connections", "photo.png", png)
    assert upload_error(response) == "This is not a CSV file (it looks like a PNG image)."
    assert ImportJob.objects.count() == 0


def test_a_file_over_10_mb_is_refused_before_it_is_stored(client_in):
    big = CSV.encode() + b"x" * (14 * 1024 * 1024)
    before = counts()
    response = post_upload(client_in, "linkedin_connections", "Connections.csv", big)
    assert upload_error(response).startswith("File is 14.")
    assert upload_error(response).endswith(" MB; the limit is 10 MB.")
    assert counts() == before
