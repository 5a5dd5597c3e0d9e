"""Applying a large contacts plan: the rows are written in bulk (COPY, bulk updates), yet
they come out as saving them one by one would, and a bad row still writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recruiters.imports import apply, plan
from recruiters.imports.files import BadFile
from recruiters.imports.records import Contact
from recruiters.models import Firm, ImportJob, Recruiter, RecruiterState
from tests.factories import make_firm, make_recruiter
from tests.imports.conftest import counts

ROWS = 1200  # more than apply.BATCH, so the progress reports fall between rows


def contacts(n=ROWS):
    return [
        Contact(
            line=number + 2,
            name=f"Person {number}",
            company=f"Firm {number % 7}",
            position="Technical Recruiter",
            email=f"person{number}@example.com" if number % 3 == 0 else "",
            linkedin_url=f"https://www.linkedin.com/in/person-{number}",
            connected_on="2026-11-03",
        )
        for number in range(n)
    ]


def job_for(user, records, *, tick_everything=False):
    the_plan = plan.plan_contacts(user, records, recruiters_only=True, source="LinkedIn")
    if tick_everything:
        for row in the_plan["rows"]:
            row["ticked"] = True
    return ImportJob.objects.create(
        owner=user, kind="linkedin_connections", filename="c.csv", plan=the_plan
    )


def test_bulk_written_rows_are_as_saved_ones(user):
    long_ago = timezone.now() - timedelta(days=30)
    firm = make_firm(user, name="Firm 3")
    there = make_recruiter(
        user, name="Person 3", linkedin_url="https://www.linkedin.com/in/person-3", notes="Mine."
    )
    Recruiter.objects.filter(pk=there.pk).update(updated_at=long_ago)
    records = contacts()
    # The same person as line 12, with a phone number: the preview calls it a duplicate, but
    # ticked it is matched at apply time to the recruiter made from line 12 and fills it in.
    records.append(
        Contact(
            line=ROWS + 2,
            name="Person 10",
            linkedin_url="https://www.linkedin.com/in/person-10",
            phone="+44 7700 900123",
        )
    )
    progress = []

    summary = apply.apply_job(
        job_for(user, records, tick_everything=True), progress=progress.append
    )

    assert summary == {"created": ROWS - 1, "merged": 2, "unchanged": 0, "firms": 6}
    assert progress == [500, 1000, ROWS + 1]
    recruiters = Recruiter.objects.filter(owner=user)
    assert recruiters.count() == ROWS
    assert RecruiterState.objects.filter(owner=user).count() == ROWS  # state.refresh ran
    made = recruiters.get(name="Person 6")
    assert (made.email, made.linkedin_url) == (
        "person6@example.com",
        "https://www.linkedin.com/in/person-6",
    )
    assert made.firm.name == "Firm 6" and made.firm.owner == user
    assert (made.kind, made.tier, made.initiated_by) == (
        Recruiter.Kind.IN_HOUSE,
        Recruiter.Tier.MAINTAIN,
        Recruiter.InitiatedBy.THEM,
    )
    assert made.silence_threshold_days is None and made.specialties == ""
    assert made.notes == "Technical Recruiter at Firm 6.\nLinkedIn connection since 3 Nov 2026."
    assert made.created_at and made.updated_at and made.created_at <= timezone.now()
    assert recruiters.get(name="Person 10").phone == "+44 7700 900123"
    there.refresh_from_db()
    assert (there.email, there.firm, there.notes) == ("person3@example.com", firm, "Mine.")
    assert there.updated_at > long_ago
    assert Firm.objects.filter(owner=user).count() == 7


def test_merges_write_only_the_fields_they_fill(user):
    """Two recruiters filled in with different fields (one UPDATE each): each gets its own,
    and what the user changed since the preview is kept."""
    ann = make_recruiter(user, name="Ann", linkedin_url="https://www.linkedin.com/in/ann")
    bob = make_recruiter(user, name="Bob", email="bob@example.com")
    records = [
        Contact(line=2, name="Ann", linkedin_url="https://www.linkedin.com/in/ann", phone="123"),
        Contact(line=3, name="Bob", email="bob@example.com", company="Initech"),
    ]
    job = job_for(user, records)
    Recruiter.objects.filter(pk=ann.pk).update(email="ann@example.com")  # since the preview
    Recruiter.objects.filter(pk=bob.pk).update(phone="999")

    assert apply.apply_job(job)["merged"] == 2

    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.phone, ann.email, ann.firm) == ("123", "ann@example.com", None)
    assert (bob.phone, bob.firm.name) == ("999", "Initech")


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("name", "x" * 201, "name: Ensure this value has at most 200 characters (it has 201)."),
        ("email", "not an address", "email: Enter a valid email address."),
        ("linkedin_url", "linkedin.com/in/nobody", "linkedin url: Enter a valid URL."),
        ("kind", "pirate", "kind: Value 'pirate' is not a valid choice."),
        ("phone", "1" * 41, "phone: Ensure this value has at most 40 characters (it has 41)."),
    ],
)
def test_a_bad_row_late_in_a_large_plan_writes_nothing(user, field, value, problem):
    make_recruiter(user, name="Already there")
    job = job_for(user, contacts())
    job.plan["rows"][1100][field] = value  # a plan changed since the preview
    before = counts()

    with pytest.raises(BadFile) as refused:
        apply.apply_job(job)

    assert refused.value.line == 1102
    assert refused.value.message == f"This row cannot be imported ({problem})."
    assert counts() == before
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"name": "x" * 300, "email": "nope", "kind": "pirate"},
        {"linkedin_url": "ftp://example.com/x", "phone": "9" * 50},
        {"silence_threshold_days": 0},
        {"tier": "gold", "notes": "fine"},
    ],
)
def test_checked_refuses_what_full_clean_refuses(user, fields):
    fields = {"name": "Someone", **fields}
    with pytest.raises(ValidationError) as full:
        Recruiter(owner=user, **fields).full_clean(exclude=["owner", "firm"], validate_unique=False)
    with pytest.raises(BadFile) as refused:
        apply.checked(Recruiter(owner=user, **fields), line=7)
    for field, messages in full.value.message_dict.items():
        assert f"{field.replace('_', ' ')}: {' '.join(messages)}" in str(refused.value)


def test_checked_passes_what_full_clean_passes(user):
    recruiter = Recruiter(
        owner=user,
        name="Someone",
        kind=Recruiter.Kind.RETAINED,
        email="someone@example.com",
        linkedin_url="https://www.linkedin.com/in/someone",
        silence_threshold_days=30,
    )
    recruiter.full_clean(exclude=["owner", "firm"], validate_unique=False)
    assert apply.checked(recruiter, line=2) is recruiter


def test_a_broken_constraint_in_the_bulk_insert_is_an_integrity_error(user):
    """What confirm() and the task catch to say "Your recruiters changed while importing"."""
    url = "https://www.linkedin.com/in/twice"
    twice = [Recruiter(owner=user, name=name, linkedin_url=url) for name in ("One", "Two")]
    with pytest.raises(IntegrityError), transaction.atomic():
        apply.insert(Recruiter, twice)
    assert not Recruiter.objects.exists()
