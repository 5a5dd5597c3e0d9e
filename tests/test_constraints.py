"""The database itself refuses what must never be stored, whatever code writes the row.

Forms are bypassed on purpose: rows are written with `objects.create()` or `.update()`.
Each expected IntegrityError gets its own `transaction.atomic()`, as PostgreSQL requires
(a failed statement aborts the whole transaction there).
"""

from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from recruiters.models import (
    ChoicesCheck,
    Firm,
    FollowUp,
    Interaction,
    Profile,
    Recruiter,
    Role,
)
from tests.factories import (
    make_firm,
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)


@contextmanager
def rejected():
    """`with rejected():` the statement inside must fail with an IntegrityError."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def make(model, owner, **fields):
    """A fresh, otherwise valid row of `model` owned by `owner`."""
    if model is Firm:
        return make_firm(owner, **fields)
    if model is Recruiter:
        return make_recruiter(owner, **fields)
    if model is Role:
        return make_role(owner, **fields)
    if model is Interaction:
        return make_interaction(make_recruiter(owner), **fields)
    if model is FollowUp:
        return make_follow_up(owner, **fields)
    raise AssertionError(model)


def now():
    return timezone.now()


# Blank names and titles -----------------------------------------------------------------

NAMED = [(Firm, "name"), (Recruiter, "name"), (Role, "title"), (FollowUp, "title")]


BLANKS = ["", "   ", "\t\n"]


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(("model", "field"), NAMED)
def test_blank_name_is_rejected_on_create(user, model, field, blank):
    with rejected():
        make(model, user, **{field: blank})
    assert not model.objects.exists()


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(("model", "field"), NAMED)
def test_blank_name_is_rejected_on_update(user, model, field, blank):
    row = make(model, user)
    with rejected():
        model.objects.filter(pk=row.pk).update(**{field: blank})
    row.refresh_from_db()
    assert getattr(row, field) != ""


# Choice fields --------------------------------------------------------------------------

CHOICE_FIELDS = [
    (Firm, "kind"),
    (Recruiter, "kind"),
    (Recruiter, "tier"),
    (Recruiter, "initiated_by"),
    (Role, "stage"),
    (Role, "work_mode"),
    (Interaction, "channel"),
    (Interaction, "direction"),
    (Interaction, "kind"),
    (Interaction, "value"),
    (FollowUp, "owed_by"),
    (FollowUp, "state"),
    (FollowUp, "rule"),
]

# What else a row needs so that the bogus choice is its only fault.
ALONG_WITH = {(FollowUp, "rule"): {"rule_key": "interaction:1"}}


def test_every_choice_field_is_covered():
    """A new choice field must get a constraint, and a line in CHOICE_FIELDS."""
    models = [Firm, Recruiter, Role, Interaction, FollowUp, Profile]
    found = {
        (model, field.name)
        for model in models
        for field in model._meta.get_fields()
        if getattr(field, "choices", None) and field.get_internal_type() == "CharField"
    }
    assert found == {*CHOICE_FIELDS, (Profile, "digest_frequency")}


@pytest.mark.parametrize(("model", "field"), CHOICE_FIELDS)
def test_invalid_choice_is_rejected_on_create(user, model, field):
    with rejected():
        make(model, user, **{field: "bogus"}, **ALONG_WITH.get((model, field), {}))


@pytest.mark.parametrize(("model", "field"), CHOICE_FIELDS)
def test_invalid_choice_is_rejected_on_update(user, model, field):
    row = make(model, user)
    with rejected():
        model.objects.filter(pk=row.pk).update(
            **{field: "bogus"}, **ALONG_WITH.get((model, field), {})
        )


@pytest.mark.parametrize(("model", "field"), CHOICE_FIELDS)
def test_validation_refuses_an_invalid_choice_asking_the_database_only_if_no_form_can(
    user, model, field, django_assert_num_queries
):
    """A form field's own validation stands in for the constraint's SELECT (ChoicesCheck);
    a field no form shows (FollowUp.rule) is still checked by the constraint itself."""
    row = make(model, user)
    for name, value in {field: "bogus", **ALONG_WITH.get((model, field), {})}.items():
        setattr(row, name, value)
    (constraint,) = [
        c for c in model._meta.constraints if c.name == f"{model._meta.model_name}_{field}_valid"
    ]
    if model._meta.get_field(field).editable:
        with pytest.raises(ValidationError) as refused:
            row.clean_fields()
        assert list(refused.value.error_dict) == [field]
        with django_assert_num_queries(0):
            constraint.validate(model, row)
    else:
        with pytest.raises(ValidationError):
            constraint.validate(model, row)


def refuses(check, *args, **kwargs):
    try:
        check(*args, **kwargs)
    except ValidationError:
        return True
    return False


@pytest.mark.django_db
def test_a_choice_field_refuses_exactly_what_its_constraint_refuses():
    """What lets ChoicesCheck skip the database: for every value, the field's validation
    and the database's check (Django's CheckConstraint.validate) agree."""
    checked = set()
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, ChoicesCheck):
                continue
            (name,) = constraint.condition.referenced_base_fields
            field = model._meta.get_field(name)
            if not field.editable:  # no form shows it: its constraint still asks the database
                continue
            others = {f.name for f in model._meta.fields} - {name}
            row = model()
            for value in [*(value for value, _ in field.choices), "", "bogus", "Daily"]:
                setattr(row, name, value)
                by_database = refuses(models.CheckConstraint.validate, constraint, model, row)
                by_field = refuses(row.clean_fields, exclude=others)
                assert by_field == by_database, (model, name, value)
            checked.add((model, name))
    assert set(CHOICE_FIELDS) - {(FollowUp, "rule")} <= checked


@pytest.mark.parametrize(
    ("model", "field"), [(Role, "work_mode"), (Interaction, "value"), (FollowUp, "rule")]
)
def test_optional_choice_may_be_blank(user, model, field):
    assert getattr(make(model, user, **{field: ""}), field) == ""


def test_invalid_digest_frequency_is_rejected(user):
    with rejected():
        Profile.objects.filter(user=user).update(digest_frequency="hourly")
    user.profile.refresh_from_db()
    assert user.profile.digest_frequency == Profile.DigestFrequency.DAILY


# Roles ----------------------------------------------------------------------------------


def test_compensation_min_above_max_is_rejected(user):
    with rejected():
        make_role(user, compensation_min=150_000, compensation_max=120_000)
    role = make_role(user, compensation_min=120_000, compensation_max=150_000)
    with rejected():
        Role.objects.filter(pk=role.pk).update(compensation_min=200_000)


@pytest.mark.parametrize(
    ("low", "high"), [(100_000, 100_000), (100_000, None), (None, 100_000), (None, None)]
)
def test_compensation_range_may_be_equal_or_open(user, low, high):
    make_role(user, compensation_min=low, compensation_max=high)


# Firms ----------------------------------------------------------------------------------


def test_firm_name_is_unique_per_owner_ignoring_case(user):
    firm = make_firm(user, name="Northwind Talent")
    with rejected():
        make_firm(user, name="NORTHWIND talent")
    other = make_firm(user, name="Southwind Talent")
    with rejected():
        Firm.objects.filter(pk=other.pk).update(name="northwind talent")
    assert list(Firm.objects.owned_by(user)) == [firm, other]


def test_two_owners_may_have_firms_of_the_same_name(user, other_user):
    make_firm(user, name="Northwind Talent")
    make_firm(other_user, name="northwind talent")
    assert Firm.objects.count() == 2


# Recruiters -----------------------------------------------------------------------------


def test_recruiter_email_is_unique_per_owner_ignoring_case(user):
    make_recruiter(user, email="dana@northwind.example")
    with rejected():
        make_recruiter(user, email="Dana@Northwind.example")
    other = make_recruiter(user, email="sam@northwind.example")
    with rejected():
        Recruiter.objects.filter(pk=other.pk).update(email="DANA@northwind.example")


def test_recruiter_linkedin_url_is_unique_per_owner(user):
    url = "https://www.linkedin.com/in/dana-reyes"
    make_recruiter(user, linkedin_url=url)
    with rejected():
        make_recruiter(user, linkedin_url=url)
    other = make_recruiter(user, linkedin_url="https://www.linkedin.com/in/sam")
    with rejected():
        Recruiter.objects.filter(pk=other.pk).update(linkedin_url=url)


def test_blank_email_and_linkedin_url_may_repeat(user):
    make_recruiter(user, email="", linkedin_url="")
    make_recruiter(user, email="", linkedin_url="")
    assert Recruiter.objects.count() == 2


def test_two_owners_may_share_a_recruiter(user, other_user):
    contact = {"email": "dana@northwind.example", "linkedin_url": "https://linkedin.com/in/dana"}
    make_recruiter(user, **contact)
    make_recruiter(other_user, **contact)
    assert Recruiter.objects.count() == 2


@pytest.mark.parametrize("days", [0, 366, 1000])
def test_silence_threshold_outside_1_to_365_is_rejected(user, days):
    with rejected():
        make_recruiter(user, silence_threshold_days=days)
    recruiter = make_recruiter(user)
    with rejected():
        Recruiter.objects.filter(pk=recruiter.pk).update(silence_threshold_days=days)


@pytest.mark.parametrize("days", [None, 1, 365])
def test_silence_threshold_inside_1_to_365_is_stored(user, days):
    assert make_recruiter(user, silence_threshold_days=days).silence_threshold_days == days


# Follow-ups -----------------------------------------------------------------------------


def test_snoozed_follow_up_needs_snoozed_until(user):
    with rejected():
        make_follow_up(user, state=FollowUp.State.SNOOZED, snoozed_until=None)
    make_follow_up(user, state=FollowUp.State.SNOOZED, snoozed_until=now())


@pytest.mark.parametrize("state", ["open", "done", "dismissed"])
def test_only_a_snoozed_follow_up_has_snoozed_until(user, state):
    closed_at = now() if state in ("done", "dismissed") else None
    with rejected():
        make_follow_up(user, state=state, snoozed_until=now(), closed_at=closed_at)


@pytest.mark.parametrize("state", ["done", "dismissed"])
def test_closed_follow_up_needs_closed_at(user, state):
    with rejected():
        make_follow_up(user, state=state, closed_at=None)
    follow_up = make_follow_up(user, state=state, closed_at=now())
    with rejected():
        FollowUp.objects.filter(pk=follow_up.pk).update(closed_at=None)


@pytest.mark.parametrize("state", ["open", "snoozed"])
def test_open_follow_up_has_no_closed_at(user, state):
    snoozed_until = now() if state == "snoozed" else None
    with rejected():
        make_follow_up(user, state=state, snoozed_until=snoozed_until, closed_at=now())


# Profiles -------------------------------------------------------------------------------


def test_every_new_user_gets_a_profile_with_the_designed_defaults(db):
    profile = make_user().profile
    assert profile.silence_days_agency == 7
    assert profile.silence_days_in_house == 10
    assert profile.silence_days_retained == 14
    assert profile.dormant_after_days == 90
    assert profile.one_sided_window_days == 90
    assert profile.feedback_business_days == 3
    assert profile.pitch_answer_days == 2
    assert Profile.objects.count() == 1


def test_a_user_has_only_one_profile(user):
    with rejected():
        Profile.objects.create(user=user)


@pytest.mark.parametrize(("field", "value"), [("digest_hour", 24), ("digest_weekday", 7)])
def test_digest_time_out_of_range_is_rejected(user, field, value):
    with rejected():
        Profile.objects.filter(user=user).update(**{field: value})


@pytest.mark.parametrize(("field", "value"), [("digest_hour", 0), ("digest_hour", 23)])
def test_digest_hour_bounds_are_allowed(user, field, value):
    assert Profile.objects.filter(user=user).update(**{field: value}) == 1


# Every threshold of the rules is a number of days.
THRESHOLDS = [field.name for field in Profile._meta.fields if "days" in field.name]


def test_thresholds_are_found():
    assert {"silence_days_agency", "dormant_after_days", "pitch_answer_days"} <= {*THRESHOLDS}


@pytest.mark.parametrize("field", THRESHOLDS)
def test_zero_threshold_is_rejected(user, field):
    with rejected():
        Profile.objects.filter(user=user).update(**{field: 0})
