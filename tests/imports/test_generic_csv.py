"""Any CSV, with a column-mapping step in the preview."""

import pytest
from django.urls import reverse

from recruiters.imports import generic
from recruiters.models import Recruiter
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

pytestmark = pytest.mark.django_db

SHEET = (
    "Full name;Agency;E-mail;Mobile;Where we met;Job title\n"
    "Dana Reyes;Northwind Talent;dana@northwind.example;+44 7700 900123;PyCon;Recruiter\n"
    "Sam Okafor;Bluefin Search;sam@;;;Talent Partner\n"
    "Ola Berg;;;;;\n"
    ";;nobody@example.com;;;\n"
    "Dana Reyes;Northwind Talent;;;;Recruiter\n"
)


def test_columns_are_guessed_from_their_names():
    assert generic.guess_mapping(
        ["Full name", "Agency", "E-mail", "Mobile", "Where we met", "Job title", "LinkedIn link"]
    ) == ["name", "company", "email", "phone", "", "position", "linkedin_url"]


def test_preview_with_guessed_columns(client_in, user):
    job = preview_job(post_upload(client_in, "csv", "recruiters.csv", SHEET))
    assert job.plan["columns"]["mapping"] == ["name", "company", "email", "phone", "", "position"]
    rows = [(row["line"], row["name"], row["action"], row["reason"]) for row in job.plan["rows"]]
    assert rows == [
        (2, "Dana Reyes", "create", ""),
        (3, "Sam Okafor", "skip", "invalid e-mail “sam@”"),
        (4, "Ola Berg", "skip", "only a name: nothing to tell who this is"),
        (5, "", "skip", "no name"),
        (6, "Dana Reyes", "skip", "same person as line 2"),
    ]
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "Which column holds what?" in page
    assert "e.g. PyCon" in page


def test_choose_columns_then_import(client_in, user, htmx_headers):
    job = preview_job(post_upload(client_in, "csv", "recruiters.csv", SHEET))
    url = reverse("import_columns", args=[job.pk])
    mapping = {
        "column-0": "name",
        "column-1": "company",
        "column-4": "notes",
        "column-5": "position",
    }

    response = client_in.post(url, mapping, headers=htmx_headers)

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="preview-body">')
    job.refresh_from_db()
    assert job.plan["columns"]["mapping"] == ["name", "company", "", "", "notes", "position"]
    assert [row["action"] for row in job.plan["rows"]] == [
        "create",
        "create",
        "skip",
        "skip",
        "skip",
    ]

    confirm(client_in, job)
    dana = Recruiter.objects.get(name="Dana Reyes")
    assert (dana.email, dana.firm.name, dana.notes) == (
        "",
        "Northwind Talent",
        "Recruiter at Northwind Talent.\nPyCon",
    )


def test_a_mapping_without_a_name_says_so(client_in, user):
    job = preview_job(post_upload(client_in, "csv", "recruiters.csv", SHEET))
    url = reverse("import_columns", args=[job.pk])
    response = client_in.post(
        url, {"column-1": "company", "column-2": "email", "column-3": "email"}
    )
    assert response.status_code == 302
    page = client_in.get(response.url).content.decode()
    assert "Choose one column only for: E-mail." in page
    response = client_in.post(url, {"column-1": "company"})
    page = client_in.get(response.url).content.decode()
    assert "Choose the column that holds the name (or the first and last names)." in page
    job.refresh_from_db()
    assert job.plan["rows"] == []
    assert (
        client_in.post(reverse("import_confirm", args=[job.pk]), {"rows": "0"}).status_code == 302
    )
    assert Recruiter.objects.count() == 0


def test_first_and_last_name_columns(client_in, user):
    content = "Surname,First name,Firm\nReyes,Dana,Northwind Talent\n"
    job = preview_job(post_upload(client_in, "csv", "people.csv", content))
    assert job.plan["columns"]["mapping"] == ["last_name", "first_name", "company"]
    assert job.plan["rows"][0]["name"] == "Dana Reyes"


@pytest.mark.parametrize(
    "content",
    [
        b"Na\x00me,Email\nDana,dana@example.com\n",
        "Na\x00me,Email\nDana,dana@example.com\n".encode("utf-16"),
    ],
    ids=["utf-8", "utf-16"],
)
def test_a_nul_in_a_column_name_is_refused(client_in, user, content):
    before = counts()
    error = upload_error(post_upload(client_in, "csv", "recruiters.csv", content))
    assert error == "This is not a CSV file (it contains binary data)."
    assert counts() == before


def test_a_chosen_column_with_a_nul_is_no_column(client_in, user):
    job = preview_job(post_upload(client_in, "csv", "recruiters.csv", SHEET))
    url = reverse("import_columns", args=[job.pk])
    response = client_in.post(url, {"column-0": "name\x00", "column-1": "\x00"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.plan["columns"]["mapping"][:2] == ["", ""]
    assert "Choose the column that holds the name" in job.plan["problem"]
