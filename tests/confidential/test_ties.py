"""What is tied to your current employer is flagged wherever it appears, in every mode, for a
fixed number of queries per page (recruiters.confidential.Ties)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiters.confidential import Ties
from recruiters.models import Interaction
from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_role

BADGE = "Tied to your employer (Acme Corp)"


def piece(html, name, tag):
    """The `tag` element (a table row, list item, card) of the page that names `name`."""
    pieces = [p for p in re.split(rf"<{tag}[\s>]", html)[1:] if name in p.split(f"</{tag}>")[0]]
    assert pieces, f"no <{tag}> names {name}"
    return pieces[0].split(f"</{tag}>")[0]


# Ties, row by row ---------------------------------------------------------------------------


def test_recruiters_in_house_or_at_an_agency_working_for_the_employer_are_tied(acme):
    ties = Ties(acme.profile)
    assert (
        ties.recruiter(acme.priya).reason
        == "Priya Shah is in-house at Acme Corp, your current employer"
    )
    assert ties.recruiter(acme.dana).reason == (
        "Dana Reyes is at Northwind Talent, which works for Acme Corp, your current employer"
    )
    assert ties.recruiter(acme.priya).label == ties.recruiter(acme.dana).label == BADGE
    assert ties.recruiter(acme.lee) is None
    assert ties.recruiter(make_recruiter(acme.profile.user)) is None  # no firm


def test_firms_the_employer_and_those_working_for_it(acme):
    ties = Ties(acme.profile)
    assert ties.firm(acme.employer).label == "Your current employer"
    assert (
        ties.firm(acme.northwind).reason
        == "Northwind Talent works for Acme Corp, your current employer"
    )
    assert ties.firm(acme.bluebird) is None
    assert ties.firm(acme.kestrel) is None


def test_roles_at_the_employer_or_through_a_tied_recruiter(acme):
    ties = Ties(acme.profile)
    assert ties.role(acme.platform_lead).reason == (
        "“Platform Lead” is a role at Acme Corp, your current employer"
    )
    assert (
        ties.role(acme.data_lead).reason
        == "“Data Lead” comes through Dana Reyes, who is tied to it"
    )
    assert ties.role(acme.backend) is None
    assert ties.role(make_role(acme.profile.user, title="Direct")) is None


def test_follow_ups_with_a_tied_recruiter_or_about_a_tied_role(acme, user):
    ties = Ties(acme.profile)
    assert ties.follow_up(make_follow_up(user, recruiter=acme.priya)).label == BADGE
    assert ties.follow_up(make_follow_up(user, recruiter=acme.lee, role=acme.platform_lead))
    assert ties.follow_up(make_follow_up(user, recruiter=acme.lee, role=acme.backend)) is None
    assert ties.follow_up(make_follow_up(user)) is None


def test_a_firm_marked_as_working_for_your_employer_ties_even_with_no_employer_named(acme):
    acme.profile.current_employer = None
    acme.profile.save()
    ties = Ties(acme.profile)
    assert ties.recruiter(acme.dana).label == "Tied to your employer"
    assert ties.recruiter(acme.dana).reason.endswith("which works for your employer")
    assert ties.recruiter(acme.priya) is None  # Acme is just a firm now
    assert ties.role(acme.platform_lead) is None


def test_nothing_is_tied_when_nothing_is_named(user):
    firm = make_firm(user, name="Acme Corp")
    recruiter = make_recruiter(user, firm=firm)
    ties = Ties(user.profile)
    assert ties.firm(firm) is None
    assert ties.recruiter(recruiter) is None
    assert ties.role(make_role(user, employer=firm, recruiter=recruiter)) is None


def test_another_users_firm_marked_as_working_for_their_employer_ties_nothing_of_mine(
    user, other_user
):
    make_firm(other_user, name="Their Agency", works_for_my_employer=True)
    mine = make_recruiter(user, firm=make_firm(user, name="My Agency"))
    ties = Ties(user.profile)
    assert ties.firms == {}
    assert ties.recruiter(mine) is None


def test_two_queries_at_most_however_many_rows_are_asked_about(acme, user):
    roles = [make_role(user, recruiter=acme.dana) for _ in range(10)]
    ties = Ties(acme.profile)
    with CaptureQueriesContext(connection) as queries:
        assert all(ties.role(role) for role in roles)
        assert ties.recruiter(acme.priya) and ties.firm(acme.northwind)
        assert not ties.role(acme.backend)
    assert len(queries) == 2


# Every page flags them, in every mode -------------------------------------------------------

MODES = pytest.mark.parametrize("confidential_search", [False, True], ids=["open", "confidential"])


@pytest.fixture
def mode(acme, confidential_search):
    acme.profile.confidential_search = confidential_search
    acme.profile.save()
    return acme


@MODES
def test_recruiter_list_flags_tied_recruiters(client_in, mode):
    html = client_in.get(reverse("recruiter_list")).content.decode()
    assert BADGE in piece(html, "Priya Shah", "tr")
    assert BADGE in piece(html, "Dana Reyes", "tr")
    assert "Tied to your employer" not in piece(html, "Lee Park", "tr")


@MODES
def test_recruiter_list_flags_in_the_htmx_results_too(client_in, mode, htmx_headers):
    headers = {**htmx_headers, "HX-Target": "recruiter-results"}
    html = client_in.get(reverse("recruiter_list"), {"q": "Dana"}, headers=headers)
    assert BADGE in html.content.decode()


@MODES
def test_recruiter_page_says_why(client_in, mode):
    html = client_in.get(mode.dana.get_absolute_url()).content.decode()
    head = html.split('<div class="grid sidebar">')[0]
    assert BADGE in head
    assert "Dana Reyes is at Northwind Talent, which works for Acme Corp" in head
    assert ("You are searching confidentially" in head) == mode.profile.confidential_search
    assert BADGE in piece(html, "Data Lead", "li")  # her role
    lee = client_in.get(mode.lee.get_absolute_url()).content.decode()
    assert BADGE not in lee.split('<div class="grid sidebar">')[0]
    assert BADGE in piece(lee, "Platform Lead", "li")  # at Acme
    assert BADGE not in piece(lee, "Backend Engineer", "li")


@MODES
def test_firm_list_and_firm_pages(client_in, mode):
    html = client_in.get(reverse("firm_list")).content.decode()
    assert "Your current employer" in piece(html, "Acme Corp", "tr")
    assert BADGE in piece(html, "Northwind Talent", "tr")
    assert "badge tied" not in piece(html, "Bluebird Search", "tr")
    assert "badge tied" not in piece(html, "Kestrel Systems", "tr")

    acme_page = client_in.get(mode.employer.get_absolute_url()).content.decode()
    assert "Your current employer" in acme_page.split("</h1>")[1].split("</div>")[0]
    assert BADGE in piece(acme_page, "Priya Shah", "li")
    assert BADGE in piece(acme_page, "Platform Lead", "li")
    northwind = client_in.get(mode.northwind.get_absolute_url()).content.decode()
    assert BADGE in northwind.split("</h1>")[1].split("</div>")[0]
    assert BADGE in piece(northwind, "Dana Reyes", "li")
    bluebird = client_in.get(mode.bluebird.get_absolute_url()).content.decode()
    assert "badge tied" not in bluebird


@MODES
def test_role_board_flags_roles_at_the_employer_or_through_a_tied_recruiter(client_in, mode):
    html = client_in.get(reverse("role_board")).content.decode()
    assert BADGE in piece(html, "Platform Lead", "article")
    assert BADGE in piece(html, "Data Lead", "article")
    assert BADGE not in piece(html, "Backend Engineer", "article")


@MODES
def test_follow_up_list(client_in, mode, user):
    make_follow_up(user, title="Send Priya the CV", recruiter=mode.priya)
    make_follow_up(
        user, title="Ask Lee about Platform Lead", recruiter=mode.lee, role=mode.platform_lead
    )
    make_follow_up(user, title="Ask Lee about Backend", recruiter=mode.lee, role=mode.backend)
    html = client_in.get(reverse("follow_up_list")).content.decode()
    assert BADGE in piece(html, "Send Priya the CV", "li")
    assert BADGE in piece(html, "Ask Lee about Platform Lead", "li")
    assert BADGE not in piece(html, "Ask Lee about Backend", "li")


@MODES
def test_dashboard_recruiter_and_follow_up_items(client_in, mode, user):
    long_ago = timezone.now() - timedelta(days=200)
    for recruiter in (mode.priya, mode.lee):  # both gone dormant
        make_interaction(recruiter, occurred_at=long_ago, direction=Interaction.Direction.INBOUND)
    overdue = timezone.now() - timedelta(hours=2)
    make_follow_up(user, title="Call Dana back", recruiter=mode.dana, due_at=overdue)
    make_follow_up(user, title="Call Lee back", recruiter=mode.lee, due_at=overdue)
    html = client_in.get(reverse("home")).content.decode()
    dormant = html.split('id="section-dormant"')[1]
    assert BADGE in piece(dormant, 'id="dormant-' + str(mode.priya.pk), "li")
    assert BADGE not in piece(dormant, 'id="dormant-' + str(mode.lee.pk), "li")
    assert BADGE in piece(html, "Call Dana back", "li")
    assert BADGE not in piece(html, "Call Lee back", "li")


def test_htmx_follow_up_row_keeps_its_badge(client_in, acme, user, htmx_headers):
    follow_up = make_follow_up(user, title="Send Priya the CV", recruiter=acme.priya)
    url = reverse("follow_up_action", args=[follow_up.pk, "snooze"])
    html = client_in.post(url, {"days": 3}, headers=htmx_headers).content.decode()
    assert BADGE in html


# A fixed number of queries -----------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name", ["recruiter_list", "firm_list", "role_board", "follow_up_list", "home"]
)
def test_flagging_costs_the_same_queries_for_3_and_30_tied_rows(client_in, acme, user, name):
    def add_tied_rows(n):
        for i in range(n):
            recruiter = make_recruiter(user, firm=acme.northwind)
            # Tied by its employer, or only through its recruiter: every page of a paged
            # list (the role board's first 25 cards) has both kinds, whatever the size.
            role = make_role(user, recruiter=recruiter, employer=acme.employer if i % 2 else None)
            make_follow_up(user, recruiter=recruiter, role=role)
            make_firm(user, works_for_my_employer=True)

    url = reverse(name)
    add_tied_rows(3)
    client_in.get(url)  # the dashboard makes its rule follow-ups on a first visit
    few = queries_for(client_in, url)
    add_tied_rows(27)
    client_in.get(url)
    assert queries_for(client_in, url) == few
