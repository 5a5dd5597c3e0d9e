"""Warned before a submission reaches your employer: the quick log (plain and htmx), the
interaction edit page, the role form and a move on the role board come back with the warning
and write nothing, until the "… anyway" button sends the warning's key back as `confirm`."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters.models import Interaction, Role
from tests.factories import make_interaction, make_role


def when():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def submission(**overrides):
    data = {
        "direction": "outbound",
        "kind": "submission",
        "channel": "email",
        "occurred_at": when(),
        "summary": "Sent my CV for the platform role",
    }
    return {**data, **overrides}


def confirm_key(response):
    """The key the warning's "… anyway" button sends back."""
    return response.context["tie_warning"].key


def log_url(recruiter):
    return reverse("log_interaction", args=[recruiter.pk])


# The quick log ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["priya", "dana"])
def test_a_submission_with_a_tied_recruiter_waits_for_confirmation(client_in, acme, who):
    recruiter = getattr(acme, who)

    response = client_in.post(log_url(recruiter), submission())

    assert response.status_code == 200
    html = response.content.decode()
    assert "This submission reaches your employer" in html
    assert f"{recruiter.name} is " in html
    assert 'name="confirm"' in html and "Log it anyway" in html
    assert "Sent my CV for the platform role</textarea>" in html  # what you typed is kept
    assert not Interaction.objects.exists()

    response = client_in.post(log_url(recruiter), submission(confirm=confirm_key(response)))

    assert response.status_code == 302
    assert Interaction.objects.get().kind == "submission"


def test_htmx_quick_log_swaps_in_the_warning_then_logs_on_confirmation(
    client_in, acme, htmx_headers
):
    response = client_in.post(log_url(acme.priya), submission(), headers=htmx_headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="quick-log">')
    assert 'id="tie-warning"' in html and "Priya Shah is in-house at Acme Corp" in html
    assert f'name="confirm" value="{response.context["tie_warning"].key}"' in html
    assert "Logged ✓" not in html
    assert not Interaction.objects.exists()

    key = confirm_key(response)
    response = client_in.post(log_url(acme.priya), submission(confirm=key), headers=htmx_headers)

    html = response.content.decode()
    assert "Logged ✓" in html and 'id="tie-warning"' not in html
    assert Interaction.objects.get().recruiter == acme.priya


def test_a_submission_about_a_role_at_your_employer_warns_whoever_logs_it(client_in, acme):
    response = client_in.post(log_url(acme.lee), submission(role=acme.platform_lead.pk))

    assert "“Platform Lead” is a role at Acme Corp, your current employer" in (
        response.content.decode()
    )
    assert not Interaction.objects.exists()


def test_a_confirmation_covers_only_the_warning_it_was_shown(client_in, acme):
    shown = client_in.post(log_url(acme.lee), submission(role=acme.platform_lead.pk))
    key = confirm_key(shown)

    # The same key with another recruiter, or made up: warned again, nothing written.
    response = client_in.post(log_url(acme.priya), submission(confirm=key))
    assert response.context["tie_warning"] is not None
    response = client_in.post(log_url(acme.priya), submission(confirm="yes"))
    assert response.context["tie_warning"] is not None
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("who", "data"),
    [
        ("priya", {"kind": "check_in"}),  # not a submission
        ("lee", {}),  # not tied
        ("lee", {"role": "backend"}),  # about a role elsewhere
    ],
)
def test_no_warning_for_what_does_not_reach_your_employer(client_in, acme, who, data):
    if "role" in data:
        data = {**data, "role": getattr(acme, data["role"]).pk}

    response = client_in.post(log_url(getattr(acme, who)), submission(**data))

    assert response.status_code == 302
    assert Interaction.objects.count() == 1


def test_no_warning_with_no_employer_named(client_in, user, acme):
    acme.profile.current_employer = None
    acme.northwind.works_for_my_employer = False
    acme.northwind.save()
    acme.profile.save()

    assert client_in.post(log_url(acme.priya), submission()).status_code == 302
    assert Interaction.objects.count() == 1


def test_a_confidential_search_words_it_more_strongly(client_in, confidential):
    html = client_in.post(log_url(confidential.dana), submission()).content.decode()

    assert "Confidential search: this submission reaches your employer" in html
    assert "can tell your employer that you are looking" in html
    assert 'class="tie-warning confidential"' in html
    assert not Interaction.objects.exists()


def test_an_open_search_is_warned_more_gently(client_in, acme):
    html = client_in.post(log_url(acme.dana), submission()).content.decode()

    assert "This submission reaches your employer" in html
    assert "Confidential search" not in html
    assert "Your employer may hear of it" in html


# Editing an interaction ---------------------------------------------------------------------


def interaction_data(interaction, **overrides):
    stored = {
        "kind": interaction.kind,
        "occurred_at": timezone.localtime(interaction.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "summary": interaction.summary,
    }
    return submission(**{**stored, **overrides})


def test_editing_an_interaction_into_a_submission_waits_for_confirmation(client_in, acme):
    check_in = make_interaction(acme.priya, kind="check_in", summary="Coffee")
    url = reverse("interaction_edit", args=[check_in.pk])

    response = client_in.post(url, interaction_data(check_in, kind="submission"))

    assert response.status_code == 200
    assert "Log it anyway" in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.kind == "check_in"

    data = interaction_data(check_in, kind="submission", confirm=confirm_key(response))
    assert client_in.post(url, data).status_code == 302
    check_in.refresh_from_db()
    assert check_in.kind == "submission"


def test_editing_a_confirmed_submission_asks_nothing_again(client_in, acme):
    sent = make_interaction(acme.priya, kind="submission", summary="CV sent")
    url = reverse("interaction_edit", args=[sent.pk])

    response = client_in.post(url, interaction_data(sent, summary="CV and cover letter sent"))

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.summary == "CV and cover letter sent"


# The role form ------------------------------------------------------------------------------


def role_data(**overrides):
    return {"title": "Staff Engineer", "stage": "pitched", "currency": "USD", **overrides}


@pytest.mark.parametrize(
    "data",
    [
        {"stage": "submitted", "employer": "employer"},
        {"stage": "pitched", "employer": "employer", "submitted_on": "2026-11-20"},
        {"stage": "interviewing", "recruiter": "dana"},
        {"stage": "accepted", "recruiter": "priya", "employer": "kestrel"},
    ],
    ids=["submitted_to_acme", "dated_at_acme", "interviewing_via_dana", "accepted_via_priya"],
)
def test_creating_a_submission_to_your_employer_waits_for_confirmation(client_in, acme, data):
    data = {
        k: getattr(acme, v).pk if k in ("employer", "recruiter") else v for k, v in data.items()
    }
    before = Role.objects.count()

    response = client_in.post(reverse("role_create"), role_data(**data))

    assert response.status_code == 200
    assert "Submit anyway" in response.content.decode()
    assert Role.objects.count() == before

    response = client_in.post(
        reverse("role_create"), role_data(**data, confirm=confirm_key(response))
    )
    assert response.status_code == 302
    assert Role.objects.count() == before + 1


def test_a_pitched_role_through_a_tied_recruiter_is_no_submission_yet(client_in, acme):
    response = client_in.post(reverse("role_create"), role_data(recruiter=acme.dana.pk))
    assert response.status_code == 302


def test_dating_the_submission_of_a_tied_role_waits_for_confirmation(client_in, acme):
    role = acme.data_lead
    url = reverse("role_edit", args=[role.pk])
    data = role_data(title="Data Lead", employer=acme.kestrel.pk, recruiter=acme.dana.pk)

    response = client_in.post(url, {**data, "submitted_on": "2026-11-20"})

    assert (
        "Dana Reyes is at Northwind Talent, which works for Acme Corp" in response.content.decode()
    )
    role.refresh_from_db()
    assert role.submitted_on is None

    key = confirm_key(response)
    assert (
        client_in.post(url, {**data, "submitted_on": "2026-11-20", "confirm": key}).status_code
        == 302
    )
    role.refresh_from_db()
    assert role.submitted_on == datetime.date(2026, 11, 20)

    # Its notes change later: nothing to confirm again.
    response = client_in.post(url, {**data, "submitted_on": "2026-11-20", "notes": "Met the team"})
    assert response.status_code == 302


def test_moving_a_submission_to_a_tied_recruiter_warns_again(client_in, acme, user):
    role = make_role(user, title="Ops Lead", recruiter=acme.lee, stage="submitted")
    url = reverse("role_edit", args=[role.pk])

    response = client_in.post(
        url, role_data(title="Ops Lead", stage="submitted", recruiter=acme.dana.pk)
    )

    assert response.status_code == 200
    role.refresh_from_db()
    assert role.recruiter == acme.lee


def test_the_double_submission_warning_follows_the_confirmation(client_in, acme, user):
    make_role(
        user, employer=acme.employer, recruiter=acme.lee, submitted_on=datetime.date(2026, 11, 1)
    )
    data = role_data(employer=acme.employer.pk, recruiter=acme.priya.pk, submitted_on="2026-11-20")
    shown = client_in.post(reverse("role_create"), data)
    assert "Double submission" not in shown.content.decode()

    response = client_in.post(
        reverse("role_create"), {**data, "confirm": confirm_key(shown)}, follow=True
    )

    assert (
        "Double submission: Lee Park already submitted you to Acme Corp"
        in response.content.decode()
    )


# A move on the role board -------------------------------------------------------------------


def move(client, role, stage, **extra):
    return client.post(reverse("role_move", args=[role.pk]), {"stage": stage}, **extra)


def test_a_plain_move_to_submitted_comes_back_with_the_warning(client_in, acme):
    response = move(client_in, acme.data_lead, "submitted")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This submission reaches your employer" in html
    assert "Submit anyway" in html and "Leave it at Pitched" in html
    assert '<input type="hidden" name="stage" value="submitted">' in html
    acme.data_lead.refresh_from_db()
    assert (acme.data_lead.stage, acme.data_lead.submitted_on) == ("pitched", None)

    key = response.context["pending"]["warning"].key
    response = client_in.post(
        reverse("role_move", args=[acme.data_lead.pk]), {"stage": "submitted", "confirm": key}
    )
    assert response.status_code == 302
    acme.data_lead.refresh_from_db()
    assert acme.data_lead.stage == "submitted" and acme.data_lead.submitted_on is not None


def test_an_htmx_move_swaps_in_the_board_with_the_warning(client_in, confidential, htmx_headers):
    role = confidential.platform_lead

    response = move(client_in, role, "submitted", headers=htmx_headers)

    html = response.content.decode()
    assert html.lstrip().startswith('<div class="board" id="board">')
    assert "Confidential search: this submission reaches your employer" in html
    assert "“Platform Lead” is a role at Acme Corp" in html
    assert f'hx-post="{reverse("role_move", args=[role.pk])}"' in html
    role.refresh_from_db()
    assert role.stage == "pitched"

    key = response.context["pending"]["warning"].key
    response = client_in.post(
        reverse("role_move", args=[role.pk]),
        {"stage": "submitted", "confirm": key},
        headers=htmx_headers,
    )
    assert 'id="tie-warning"' not in response.content.decode()
    role.refresh_from_db()
    assert role.stage == "submitted"


@pytest.mark.parametrize(
    ("start", "stage"),
    [("pitched", "closed"), ("pitched", "rejected"), ("submitted", "interviewing")],
)
def test_moves_that_make_no_new_submission_go_ahead(client_in, acme, start, stage):
    role = acme.data_lead
    Role.objects.filter(pk=role.pk).update(stage=start)

    response = move(client_in, role, stage)

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.stage == stage


def test_moving_an_untied_role_to_submitted_asks_nothing(client_in, acme):
    assert move(client_in, acme.backend, "submitted").status_code == 302


# Who learns you are looking -----------------------------------------------------------------


def test_a_confidential_search_says_when_a_recruiter_learns_of_it(client_in, confidential):
    make_interaction(confidential.dana, kind="outreach", direction="outbound")
    outreach = submission(kind="outreach", summary="Told Lee I am looking")

    page = client_in.post(log_url(confidential.lee), outreach, follow=True).content.decode()
    assert "Lee Park did not know you are looking; now 2 recruiters do." in page

    page = client_in.post(log_url(confidential.lee), outreach, follow=True).content.decode()
    assert "did not know you are looking" not in page  # Lee knew already


def test_the_htmx_quick_log_shows_who_learnt_of_it(client_in, confidential, htmx_headers):
    outreach = submission(kind="outreach")
    html = client_in.post(log_url(confidential.lee), outreach, headers=htmx_headers)
    assert "Lee Park did not know you are looking; now 1 recruiter does." in html.content.decode()


def test_a_role_move_that_puts_you_forward_says_who_learnt_of_it(client_in, confidential):
    page = client_in.get(move(client_in, confidential.backend, "submitted")["Location"])
    assert "Lee Park did not know you are looking; now 1 recruiter does." in page.content.decode()


def test_a_confirmed_role_says_who_learnt_of_it(client_in, confidential):
    data = role_data(stage="submitted", recruiter=confidential.priya.pk)
    shown = client_in.post(reverse("role_create"), data)
    page = client_in.post(
        reverse("role_create"), {**data, "confirm": confirm_key(shown)}, follow=True
    )
    assert "Priya Shah did not know you are looking; now 1 recruiter does." in page.content.decode()


def test_an_open_search_does_not_count_who_learns_of_it(client_in, acme):
    page = client_in.post(log_url(acme.lee), submission(kind="outreach"), follow=True)
    assert "did not know you are looking" not in page.content.decode()
