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


# Which of the two submissions you authorised (right to represent) -------------------------

EARLIER = datetime.date.today() - datetime.timedelta(days=30)
ON_EARLIER = f"on {EARLIER:%-d %b %Y}"


def move_to_submitted(client, role, **kwargs):
    """The page after moving `role` to submitted (the board's partial, with `headers`)."""
    response = client.post(reverse("role_move", args=[role.pk]), {"stage": "submitted"}, **kwargs)
    if kwargs:
        return response.content.decode()
    return client.get(response["Location"]).content.decode()


def clash(user, *, earlier_authorised, this_authorised):
    """Marco submitted you to Kestrel 30 days ago (Data Lead); Dana's Platform Lead role
    there is about to be submitted. Returns Dana's role."""
    kestrel = make_firm(user, name="Kestrel", kind="employer")
    marco, dana = make_recruiter(user, name="Marco"), make_recruiter(user, name="Dana")
    make_role(
        user,
        title="Data Lead",
        employer=kestrel,
        recruiter=marco,
        submitted_on=EARLIER,
        submission_authorised=earlier_authorised,
    )
    return make_role(
        user,
        title="Platform Lead",
        employer=kestrel,
        recruiter=dana,
        submission_authorised=this_authorised,
    )


def test_the_warning_says_you_authorised_the_earlier_one_and_not_this_one(client_in, user):
    role = clash(user, earlier_authorised=True, this_authorised=False)

    page = move_to_submitted(client_in, role)

    assert (
        f"Double submission: Marco already submitted you to Kestrel {ON_EARLIER} "
        "(Data Lead, which you authorised). This one you did not authorise. "
        "Make sure only one recruiter represents you there."
    ) in page


def test_the_warning_says_you_authorised_this_one_and_not_the_earlier_one(client_in, user):
    role = clash(user, earlier_authorised=False, this_authorised=True)

    page = move_to_submitted(client_in, role)

    assert "(Data Lead, which you did not authorise). This one you authorised." in page


def test_the_warning_says_when_you_authorised_neither(client_in, user, htmx_headers):
    role = clash(user, earlier_authorised=False, this_authorised=False)

    html = move_to_submitted(client_in, role, headers=htmx_headers)

    assert "(Data Lead, which you did not authorise). This one you did not authorise." in html


def test_saving_the_form_says_whether_you_ticked_authorised(client_in, user):
    """The form's own tick decides what "this one" says."""
    kestrel = make_firm(user, name="Kestrel", kind="employer")
    marco, dana = make_recruiter(user, name="Marco"), make_recruiter(user, name="Dana")
    make_role(
        user,
        title="Data Lead",
        employer=kestrel,
        recruiter=marco,
        submitted_on=datetime.date(2026, 5, 4),
        submission_authorised=True,
    )
    data = {
        "title": "Platform Lead",
        "employer": kestrel.pk,
        "recruiter": dana.pk,
        "stage": "submitted",
        "currency": "GBP",
        "submitted_on": "2026-11-03",
        "submission_authorised": "on",
    }

    page = client_in.post(reverse("role_create"), data, follow=True).content.decode()

    assert (
        "Marco already submitted you to Kestrel on 4 May 2026 (Data Lead, which you "
        "authorised). This one you authorised."
    ) in page


def test_each_clashing_submission_says_which_you_authorised(client_in, user):
    role = clash(user, earlier_authorised=True, this_authorised=False)
    lee = make_recruiter(user, name="Lee")
    make_role(
        user, title="Head of Data", employer=role.employer, recruiter=lee, submitted_on=EARLIER
    )

    page = move_to_submitted(client_in, role)

    assert (
        f"Marco already submitted you to Kestrel {ON_EARLIER} (Data Lead, which you authorised)"
        in page
    )
    assert (
        f"Lee already submitted you to Kestrel {ON_EARLIER} (Head of Data, which you did not "
        "authorise)"
    ) in page
    assert page.count("This one you did not authorise.") == 2
