"""Forms through the real views: bad input gets a clear error and saves nothing; good input
saves a row owned by the user and redirects."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from recruiters.forms import ProfileForm
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role
from tests.factories import make_firm, make_recruiter

RECRUITER = {"name": "Dana Reyes", "kind": "agency", "tier": "invest", "initiated_by": "them"}
ROLE = {"title": "Staff Engineer", "stage": "pitched", "currency": "EUR"}
QUICK_LOG = {
    "direction": "inbound",
    "kind": "role_pitch",
    "channel": "linkedin",
    "occurred_at": "2025-03-03T10:15",
    "summary": "Pitched a staff role",
}
FOLLOW_UP = {"title": "Send my CV", "owed_by": "me", "due_at": "2030-03-03T09:00"}


def counts():
    models = [Firm, Recruiter, Role, Interaction, FollowUp, Profile, get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def recruiter(user):
    return make_recruiter(user, name="Sam Okafor", email="sam@northwind.example")


def assert_refused(response, error, status=200):
    """The form came back with `error` shown, and the page says so."""
    assert response.status_code == status
    assert error in response.content.decode()


# Recruiters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "", "This field is required."),
        ("name", "   ", "This field is required."),
        ("email", "dana-at-example", "Enter a valid email address."),
        ("linkedin_url", "not a url", "Enter a valid URL."),
        ("silence_threshold_days", "0", "Ensure this value is greater than or equal to 1."),
        ("silence_threshold_days", "366", "Ensure this value is less than or equal to 365."),
        ("kind", "headhunter", "Select a valid choice."),
    ],
)
def test_recruiter_with_bad_input_is_refused(client_in, user, field, value, error):
    before = counts()
    response = client_in.post(reverse("recruiter_create"), {**RECRUITER, field: value})
    assert_refused(response, error)
    assert field in response.context["form"].errors
    assert counts() == before


def test_recruiter_with_an_email_already_used_is_refused(client_in, recruiter):
    before = counts()
    data = {**RECRUITER, "email": "SAM@Northwind.example"}
    response = client_in.post(reverse("recruiter_create"), data)
    assert_refused(response, "Another of your recruiters already has this email.")
    assert counts() == before


def test_recruiter_with_a_linkedin_url_already_used_is_refused(client_in, user):
    url = "https://www.linkedin.com/in/sam-okafor"
    make_recruiter(user, linkedin_url=url)
    before = counts()
    response = client_in.post(reverse("recruiter_create"), {**RECRUITER, "linkedin_url": url})
    assert_refused(response, "Another of your recruiters already has this LinkedIn URL.")
    assert counts() == before


def test_editing_a_recruiter_keeps_its_own_email(client_in, recruiter):
    data = {**RECRUITER, "name": "Sam O.", "email": "sam@northwind.example"}
    response = client_in.post(reverse("recruiter_edit", args=[recruiter.pk]), data)
    assert response.status_code == 302
    recruiter.refresh_from_db()
    assert recruiter.name == "Sam O."


def test_create_recruiter(client_in, user):
    firm = make_firm(user, name="Northwind Talent")
    data = {**RECRUITER, "firm": firm.pk, "email": "dana@northwind.example"}
    response = client_in.post(reverse("recruiter_create"), data)
    recruiter = Recruiter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recruiter_detail", args=[recruiter.pk])
    assert (recruiter.owner, recruiter.name, recruiter.firm) == (user, "Dana Reyes", firm)


# Firms ----------------------------------------------------------------------------------


def test_firm_with_an_existing_name_in_other_case_is_refused(client_in, user):
    make_firm(user, name="Northwind Talent")
    before = counts()
    data = {"name": "  NORTHWIND talent ", "kind": "agency"}
    response = client_in.post(reverse("firm_create"), data)
    assert_refused(response, "You already have a firm of that name.")
    assert counts() == before


def test_firm_without_name_is_refused(client_in, user):
    before = counts()
    response = client_in.post(reverse("firm_create"), {"name": "", "kind": "agency"})
    assert_refused(response, "This field is required.")
    assert "name" in response.context["form"].errors
    assert counts() == before


def test_firm_may_keep_its_name_when_edited(client_in, user):
    firm = make_firm(user, name="Northwind Talent")
    data = {"name": "Northwind Talent", "kind": "employer"}
    response = client_in.post(reverse("firm_edit", args=[firm.pk]), data)
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.kind == Firm.Kind.EMPLOYER


def test_create_firm(client_in, user):
    data = {"name": "Northwind Talent", "kind": "agency", "website": "https://northwind.example"}
    response = client_in.post(reverse("firm_create"), data)
    firm = Firm.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("firm_detail", args=[firm.pk])
    assert (firm.owner, firm.name) == (user, "Northwind Talent")


# Roles ----------------------------------------------------------------------------------


def test_role_with_min_above_max_compensation_is_refused(client_in, user):
    before = counts()
    data = {**ROLE, "compensation_min": "150000", "compensation_max": "120000"}
    response = client_in.post(reverse("role_create"), data)
    assert_refused(response, "Must not be below the minimum.")
    assert response.context["form"].errors["compensation_max"] == ["Must not be below the minimum."]
    assert counts() == before


def test_role_without_title_is_refused(client_in, user):
    before = counts()
    response = client_in.post(reverse("role_create"), {**ROLE, "title": ""})
    assert_refused(response, "This field is required.")
    assert "title" in response.context["form"].errors
    assert counts() == before


def test_create_role(client_in, user, recruiter):
    data = {**ROLE, "recruiter": recruiter.pk, "compensation_min": "120000"}
    response = client_in.post(reverse("role_create"), data)
    role = Role.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("role_board")
    assert (role.owner, role.title, role.recruiter) == (user, "Staff Engineer", recruiter)


# The quick log --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("occurred_at", "future", "An interaction cannot be in the future."),
        ("direction", "sideways", "Select a valid choice. sideways is not one of the"),
        ("kind", "", "This field is required."),
    ],
)
def test_quick_log_with_bad_input_is_refused(
    client_in, recruiter, htmx_headers, field, value, error
):
    if value == "future":
        value = (timezone.now() + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("log_interaction", args=[recruiter.pk])
    data = {**QUICK_LOG, field: value}
    before = counts()

    assert_refused(client_in.post(url, data), error, status=422)
    response = client_in.post(url, data, headers=htmx_headers)
    assert_refused(response, error, status=200)
    assert "<html" not in response.content.decode()  # only the quick log, not the page

    assert counts() == before


def test_quick_log(client_in, user, recruiter):
    response = client_in.post(reverse("log_interaction", args=[recruiter.pk]), QUICK_LOG)
    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recruiter_detail", args=[recruiter.pk])
    assert (interaction.owner, interaction.recruiter) == (user, recruiter)
    assert interaction.kind == Interaction.Kind.ROLE_PITCH


def test_quick_log_with_htmx(client_in, user, recruiter, htmx_headers):
    url = reverse("log_interaction", args=[recruiter.pk])
    response = client_in.post(url, QUICK_LOG, headers=htmx_headers)
    assert response.status_code == 200
    assert "Pitched a staff role" in response.content.decode()  # in the new timeline
    assert Interaction.objects.get().owner == user


# Follow-ups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("due_at", "", "This field is required."),
        ("due_at", "next tuesday", "Enter a valid date/time."),
        ("title", "", "This field is required."),
        ("owed_by", "nobody", "Select a valid choice."),
    ],
)
def test_follow_up_with_bad_input_is_refused(client_in, user, field, value, error):
    before = counts()
    response = client_in.post(reverse("follow_up_create"), {**FOLLOW_UP, field: value})
    assert_refused(response, error)
    assert field in response.context["form"].errors
    assert counts() == before


def test_create_follow_up(client_in, user, recruiter):
    data = {**FOLLOW_UP, "recruiter": recruiter.pk}
    response = client_in.post(reverse("follow_up_create"), data)
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("follow_up_list")
    assert (follow_up.owner, follow_up.recruiter) == (user, recruiter)
    assert follow_up.state == FollowUp.State.OPEN


# Settings -------------------------------------------------------------------------------


def settings_data(profile, **changes):
    """The settings form as the page would post it, with `changes`."""
    form = ProfileForm(instance=profile)
    data = {name: form[name].value() for name in form.fields}
    return {key: value for key, value in {**data, **changes}.items() if value not in (None, False)}


def test_settings_with_an_unknown_time_zone_are_refused(client_in, user):
    response = client_in.post(
        reverse("settings"), settings_data(user.profile, time_zone="Mars/Olympus")
    )
    assert_refused(response, "“Mars/Olympus” is not a time zone Callback knows")
    user.profile.refresh_from_db()
    assert user.profile.time_zone == "UTC"


def test_settings_are_saved(client_in, user):
    data = settings_data(user.profile, time_zone="Europe/Paris", target_roles="Staff engineer")
    response = client_in.post(reverse("settings"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("settings")
    user.profile.refresh_from_db()
    assert (user.profile.time_zone, user.profile.target_roles) == ("Europe/Paris", "Staff engineer")


# Dates at the ends of the calendar --------------------------------------------------------

# Accepted: 1 Jan 1900 to 31 Dec 2200 (recruiters.bounds), a time compared in UTC.
OUT_OF_RANGE_TIMES = [
    ("Etc/GMT+12", "9999-12-31T23:59"),  # year 10000 in UTC
    ("Etc/GMT-14", "0001-01-01T00:00"),  # a BC date in UTC
    ("Etc/GMT+12", "2200-12-31T13:00"),  # 1 Jan 2201 in UTC
    ("UTC", "1899-12-31T23:59"),
]


def in_zone(user, zone):
    Profile.objects.filter(user=user).update(time_zone=zone)


@pytest.mark.parametrize(("zone", "value"), OUT_OF_RANGE_TIMES)
def test_a_follow_up_due_outside_the_calendar_is_refused(client_in, user, zone, value):
    in_zone(user, zone)
    before = counts()
    response = client_in.post(reverse("follow_up_create"), {**FOLLOW_UP, "due_at": value})
    assert_refused(response, "Enter a date and time between 1 Jan 1900 and 31 Dec 2200 (UTC).")
    assert "due_at" in response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize(("zone", "value"), OUT_OF_RANGE_TIMES[1:2] + OUT_OF_RANGE_TIMES[3:])
def test_an_interaction_outside_the_calendar_is_refused(client_in, user, recruiter, zone, value):
    in_zone(user, zone)
    before = counts()
    url = reverse("log_interaction", args=[recruiter.pk])
    response = client_in.post(url, {**QUICK_LOG, "occurred_at": value})
    assert_refused(response, "between 1 Jan 1900 and 31 Dec 2200 (UTC)", status=422)
    assert counts() == before


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"])
def test_a_role_submitted_outside_the_calendar_is_refused(client_in, user, recruiter, day):
    """The double-submission check adds six months either side: that overflowed at year 9999."""
    employer = make_firm(user, name="Acme Robotics", kind="employer")
    data = {**ROLE, "recruiter": recruiter.pk, "employer": employer.pk, "submitted_on": day}
    before = counts()
    response = client_in.post(reverse("role_create"), data)
    assert_refused(response, "Enter a date between 1 Jan 1900 and 31 Dec 2200.")
    assert "submitted_on" in response.context["form"].errors
    assert counts() == before


def test_the_ends_of_the_range_are_accepted(client_in, user, recruiter):
    in_zone(user, "Etc/GMT-14")
    data = {**FOLLOW_UP, "due_at": "2200-12-31T23:59"}  # 09:59 UTC
    assert client_in.post(reverse("follow_up_create"), data).status_code == 302
    data = {**ROLE, "recruiter": recruiter.pk, "submitted_on": "1900-01-01"}
    assert client_in.post(reverse("role_create"), data).status_code == 302
    for url in (reverse("home"), reverse("follow_up_list"), reverse("role_board")):
        assert client_in.get(url).status_code == 200
