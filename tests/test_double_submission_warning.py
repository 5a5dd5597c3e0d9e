"""Article 003: logging a second recruiter's submission to the same employer warns at once."""

import datetime

from django.urls import reverse

from tests.factories import make_firm, make_recruiter, make_role


def test_moving_a_role_to_submitted_warns_of_an_earlier_submission_elsewhere(client_in, user):
    orbital = make_firm(user, name="Orbital Freight", kind="employer")
    sophie, tom = make_recruiter(user, name="Sophie Lang"), make_recruiter(user, name="Tom Ellery")
    make_role(
        user,
        title="Backend Engineer",
        employer=orbital,
        recruiter=sophie,
        stage="rejected",
        submitted_on=datetime.date.today() - datetime.timedelta(days=90),
    )
    role = make_role(user, title="Data Engineer", employer=orbital, recruiter=tom)

    response = client_in.post(reverse("role_move", args=[role.pk]), {"stage": "submitted"})

    page = client_in.get(response["Location"]).content.decode()
    assert "Double submission: Sophie Lang already submitted you to Orbital Freight" in page


def test_saving_the_form_with_a_submission_date_warns_too(client_in, user):
    orbital = make_firm(user, name="Orbital Freight", kind="employer")
    sophie, tom = make_recruiter(user, name="Sophie Lang"), make_recruiter(user, name="Tom Ellery")
    make_role(user, employer=orbital, recruiter=sophie, submitted_on=datetime.date(2026, 6, 1))
    data = {
        "title": "Data Engineer",
        "employer": orbital.pk,
        "recruiter": tom.pk,
        "stage": "submitted",
        "currency": "GBP",
        "submitted_on": "2026-11-20",
    }

    response = client_in.post(reverse("role_create"), data, follow=True)

    assert "Double submission: Sophie Lang" in response.content.decode()


def test_no_warning_for_the_same_recruiter_or_after_six_months(client_in, user):
    orbital = make_firm(user, name="Orbital Freight", kind="employer")
    sophie, tom = make_recruiter(user, name="Sophie Lang"), make_recruiter(user, name="Tom Ellery")
    make_role(user, employer=orbital, recruiter=sophie, submitted_on=datetime.date(2025, 1, 1))
    make_role(user, employer=orbital, recruiter=tom, submitted_on=datetime.date(2026, 10, 1))
    role = make_role(user, employer=orbital, recruiter=tom)

    response = client_in.post(reverse("role_move", args=[role.pk]), {"stage": "submitted"})

    assert "Double submission" not in client_in.get(response["Location"]).content.decode()


def test_an_htmx_move_shows_the_warning_on_the_board_at_once(client_in, user, htmx_headers):
    orbital = make_firm(user, name="Orbital Freight", kind="employer")
    sophie, tom = make_recruiter(user, name="Sophie Lang"), make_recruiter(user, name="Tom Ellery")
    make_role(user, employer=orbital, recruiter=sophie, submitted_on=datetime.date.today())
    role = make_role(user, employer=orbital, recruiter=tom)

    response = client_in.post(
        reverse("role_move", args=[role.pk]), {"stage": "submitted"}, headers=htmx_headers
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div class="board" id="board">')
    assert "Double submission: Sophie Lang already submitted you to Orbital Freight" in html
