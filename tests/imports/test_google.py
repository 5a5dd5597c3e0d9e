"""Google Contacts CSV: current and older exports, values joined by " ::: "."""

import pytest

from recruiters.imports import google
from recruiters.models import Recruiter
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

CURRENT = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Name Suffix,Nickname,"
    "File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,"
    "Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Website 1 - Label,Website 1 - Value\n"
    "Dana,,Reyes,,,,,,Northwind Talent,Technical Recruiter,,,Met at PyCon,"
    "* myContacts,* Work,not-an-address ::: dana@northwind.example,,,"
    "Mobile,+44 7700 900123 ::: +44 20 0000,Profile,https://www.linkedin.com/in/dana-reyes\n"
    "Old,,Friend,,,,,,,Chef,,,,* myContacts,,,,,,,,\n"
)
OLDER = (
    "Name,Given Name,Additional Name,Family Name,Notes,Group Membership,E-mail 1 - Type,"
    "E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,"
    "Organization 1 - Name,Organization 1 - Title,Website 1 - Type,Website 1 - Value\n"
    "Sam Okafor,Sam,,Okafor,,* My Contacts,* Work,sam@bluefin.example,Work,+1 555 0100,,"
    "Bluefin Search,Talent Partner,,\n"
)


def test_current_export():
    dana, friend = google.parse(CURRENT)
    assert (dana.line, dana.name, dana.company, dana.position) == (
        2,
        "Dana Reyes",
        "Northwind Talent",
        "Technical Recruiter",
    )
    assert dana.email == "dana@northwind.example"
    assert dana.phone == "+44 7700 900123"
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"
    assert dana.notes == "Met at PyCon"
    assert (friend.name, friend.position) == ("Old Friend", "Chef")


def test_older_export():
    (sam,) = google.parse(OLDER)
    assert (sam.name, sam.company, sam.position, sam.email, sam.phone) == (
        "Sam Okafor",
        "Bluefin Search",
        "Talent Partner",
        "sam@bluefin.example",
        "+1 555 0100",
    )


@pytest.mark.django_db
def test_import(client_in, user):
    job = preview_job(post_upload(client_in, "google_contacts", "contacts.csv", "\ufeff" + CURRENT))
    assert [(row["name"], row["action"]) for row in job.plan["rows"]] == [
        ("Dana Reyes", "create"),
        ("Old Friend", "skip"),
    ]
    confirm(client_in, job)
    dana = Recruiter.objects.get(owner=user)
    assert (dana.name, dana.email, dana.firm.name) == (
        "Dana Reyes",
        "dana@northwind.example",
        "Northwind Talent",
    )


@pytest.mark.django_db
def test_not_a_google_export(client_in):
    before = counts()
    error = upload_error(post_upload(client_in, "google_contacts", "x.csv", "Who,What\na,b\n"))
    assert (
        error
        == "The file has no 'Name' or 'First Name' column; is it a Google Contacts CSV export?"
    )
    assert counts() == before
