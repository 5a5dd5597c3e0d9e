"""The whole account as JSON: format, every field, relations by id, only the user's rows."""

import json
from datetime import datetime

import pytest
from django.urls import reverse

from recruiters.exports.account_json import (
    FORMAT,
    NOT_EXPORTED,
    PROFILE_FIELD_NAMES,
    SECTIONS,
    VERSION,
)
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role
from tests.exports.conftest import THEIR_NAMES


def export(client):
    response = client.get(reverse("export_json"))
    assert response.status_code == 200
    return response, json.loads(response.content)


@pytest.mark.parametrize("model", [Profile, *(section.model for section in SECTIONS)])
def test_the_format_names_every_field_of_every_model(model):
    """A new model field fails here until it is added to the format (or deliberately left
    out in NOT_EXPORTED): that is the moment to decide whether the version changes."""
    if model is Profile:
        exported = set(PROFILE_FIELD_NAMES)
    else:
        exported = set(next(s for s in SECTIONS if s.model is model).field_names)
    fields = {field.name for field in model._meta.concrete_fields}
    assert exported | NOT_EXPORTED[model] == fields
    assert not exported & NOT_EXPORTED[model]


def test_the_file_holds_every_table_with_ids_and_relations(client_in, rich_account, theirs):
    response, data = export(client_in)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="callback-account-')
    assert "no-store" in response["Cache-Control"]
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    assert datetime.fromisoformat(data["exported_at"]).utcoffset().total_seconds() == 0
    assert data["account"] == {"username": "me@example.com", "email": "me@example.com"}
    assert set(data) == {
        "format",
        "version",
        "exported_at",
        "account",
        "profile",
        *(section.key for section in SECTIONS),
    }
    assert set(data["profile"]) == set(PROFILE_FIELD_NAMES)
    assert data["profile"]["time_zone"] == "America/New_York"
    for section in SECTIONS:
        rows = data[section.key]
        ids = sorted(section.model.objects.owned_by(rich_account).values_list("pk", flat=True))
        assert [row["id"] for row in rows] == ids, section.key
        for row in rows:
            assert set(row) == {"id", *section.field_names}, section.key
    for name in THEIR_NAMES:
        assert name not in response.content.decode()


def test_relations_are_the_ids_of_rows_in_the_file(client_in, rich_account):
    _, data = export(client_in)

    dana = Recruiter.objects.get(owner=rich_account, name="Dana Reyes")
    staff = Role.objects.get(owner=rich_account, title="Staff Engineer, Data")
    recruiter = next(row for row in data["recruiters"] if row["id"] == dana.pk)
    assert recruiter["firm"] == dana.firm_id
    role = next(row for row in data["roles"] if row["id"] == staff.pk)
    assert (role["employer"], role["recruiter"]) == (staff.employer_id, dana.pk)
    interview = Interaction.objects.get(owner=rich_account, kind="interview")
    row = next(row for row in data["interactions"] if row["id"] == interview.pk)
    assert (row["recruiter"], row["role"]) == (dana.pk, staff.pk)
    sam = Recruiter.objects.get(owner=rich_account, name="@Sam Firmless")
    assert next(row for row in data["recruiters"] if row["id"] == sam.pk)["firm"] is None


def test_values_keep_their_exact_form(client_in, rich_account):
    _, data = export(client_in)

    follow_up = FollowUp.objects.get(owner=rich_account, state="snoozed")
    row = next(row for row in data["follow_ups"] if row["id"] == follow_up.pk)
    assert datetime.fromisoformat(row["snoozed_until"]) == follow_up.snoozed_until
    assert row["snoozed_until"].endswith("+00:00")
    assert datetime.fromisoformat(row["created_at"]) == follow_up.created_at
    staff = next(row for row in data["roles"] if row["title"] == "Staff Engineer, Data")
    assert staff["submitted_on"] == "2026-01-07"
    assert staff["compensation_min"] == 120000 and staff["submission_authorised"] is True
    assert staff["work_mode"] == "hybrid"  # the stored value, not the label
    firm = Firm.objects.get(owner=rich_account, name__startswith="Northwind")
    assert next(r for r in data["firms"] if r["id"] == firm.pk)["notes"] == firm.notes


def test_the_confidential_search_fields_are_in_the_file(client_in, rich_account):
    _, data = export(client_in)

    employer = Firm.objects.get(owner=rich_account, name="Émile & Zoë GmbH")
    profile = data["profile"]
    assert profile["current_employer"] == employer.pk  # the firm's id in the same file
    assert employer.pk in {row["id"] for row in data["firms"]}
    assert profile["aware_warning_threshold"] == 3
    assert profile["digest_email"] == "me.personal@example.org"
    assert profile["confidential_search"] is True
    works_for = {row["name"]: row["works_for_my_employer"] for row in data["firms"]}
    assert works_for == {
        "Northwind, Talent; Ltd": True,
        "Émile & Zoë GmbH": False,
        "Unused Retained Search": False,
    }
    withdrawn = next(row for row in data["follow_ups"] if row["state"] == "withdrawn")
    assert withdrawn["closed_by_rule"] is True
    closed_at = FollowUp.objects.get(owner=rich_account, state="withdrawn").closed_at
    assert datetime.fromisoformat(withdrawn["closed_at"]) == closed_at
    assert [row["closed_by_rule"] for row in data["follow_ups"]].count(True) == 1


def test_without_a_current_employer_the_file_says_null(client_in, user):
    _, data = export(client_in)
    assert data["profile"]["current_employer"] is None
    assert data["profile"]["digest_email"] == ""
    assert data["profile"]["aware_warning_threshold"] == 5


def test_an_empty_account_exports_empty_tables(client_in):
    _, data = export(client_in)

    for section in SECTIONS:
        assert data[section.key] == []
    assert data["profile"]["time_zone"] == "UTC"


def test_the_export_needs_a_login(client, user):
    response = client.get(reverse("export_json"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
