"""Every page renders for a logged-in user with some data, and asks anonymous users to log in."""

import pytest
from django.urls import reverse

from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_role


@pytest.fixture
def rows(user):
    firm = make_firm(user, name="Northwind Talent")
    recruiter = make_recruiter(user, name="Dana Reyes", firm=firm, specialties="data, fintech")
    role = make_role(user, title="Staff Engineer", recruiter=recruiter, employer=firm)
    interaction = make_interaction(recruiter, role=role, summary="Intro call")
    follow_up = make_follow_up(user, recruiter=recruiter, title="Send CV")
    return {
        "firm": firm,
        "recruiter": recruiter,
        "role": role,
        "interaction": interaction,
        "follow_up": follow_up,
    }


PAGES = [
    ("home", None),
    ("settings", None),
    ("recruiter_list", None),
    ("recruiter_create", None),
    ("recruiter_detail", "recruiter"),
    ("recruiter_edit", "recruiter"),
    ("recruiter_delete", "recruiter"),
    ("interaction_edit", "interaction"),
    ("interaction_delete", "interaction"),
    ("firm_list", None),
    ("firm_create", None),
    ("firm_detail", "firm"),
    ("firm_edit", "firm"),
    ("firm_delete", "firm"),
    ("role_board", None),
    ("role_create", None),
    ("role_edit", "role"),
    ("role_delete", "role"),
    ("follow_up_list", None),
    ("follow_up_create", None),
    ("follow_up_edit", "follow_up"),
    ("password_change", None),
    ("export", None),
    ("who_knows", None),
]


@pytest.mark.parametrize(("name", "row"), PAGES)
def test_page_renders(client_in, rows, name, row):
    url = reverse(name, args=[rows[row].pk] if row else [])
    response = client_in.get(url)
    assert response.status_code == 200
    assert b"<h1>" in response.content


@pytest.mark.parametrize(("name", "row"), PAGES)
def test_page_needs_login(client, rows, name, row):
    url = reverse(name, args=[rows[row].pk] if row else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["landing", "login", "signup", "password_reset"])
def test_public_pages_render_without_login(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_landing_sends_logged_in_users_home(client_in):
    assert client_in.get(reverse("landing"))["Location"] == reverse("home")
