"""The "Who knows you are looking" page (/who-knows/), and the warnings of a confidential
search when more recruiters know than you allow (Profile.aware_warning_threshold)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_firm, make_interaction, make_recruiter, make_role

BADGE = "Tied to your employer (Acme Corp)"


def told(recruiter, days_ago=3, kind="outreach", direction="outbound"):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return make_interaction(recruiter, kind=kind, direction=direction, occurred_at=at)


def row(html, recruiter):
    start = html.index(f'<tr id="aware-{recruiter.pk}">')
    return html[start : html.index("</tr>", start)]


def page(client):
    return client.get(reverse("who_knows")).content.decode()


def test_lists_each_recruiter_who_knows_since_when_and_where_they_put_you_forward(
    client_in, acme, user
):
    told(acme.lee, days_ago=40)
    acme.platform_lead.submitted_on = datetime.date.today() - datetime.timedelta(days=10)
    acme.platform_lead.save()
    make_role(user, recruiter=acme.lee, employer=acme.kestrel, stage="interviewing")
    make_role(user, recruiter=acme.lee, employer=acme.kestrel, stage="offer")  # listed once
    zenith = make_firm(user, name="Zenith Labs", kind="employer")
    make_role(user, recruiter=acme.lee, employer=zenith, stage="pitched")  # not put forward
    told(acme.priya, days_ago=2, kind="submission", direction="inbound")

    html = page(client_in)

    lee, priya = row(html, acme.lee), row(html, acme.priya)
    since = (timezone.localtime() - datetime.timedelta(days=40)).strftime("%-d %b %Y")
    assert since in lee
    assert "Acme Corp, Kestrel Systems" in lee and "Zenith" not in lee
    assert "nowhere yet" in priya
    assert BADGE in priya and BADGE not in lee
    assert html.index(str(acme.lee)) < html.index(str(acme.priya))  # who knew first
    assert "Dana Reyes" not in html  # she knows nothing yet
    assert "2 recruiters know you are looking" in html


def test_nobody_knows_yet(client_in, acme):
    html = page(client_in)
    assert "No recruiter knows you are looking yet" in html


def test_an_open_search_is_told_what_the_page_is_for(client_in, acme):
    told(acme.lee)
    html = page(client_in)
    assert "You are not searching confidentially" in html
    assert "unless you’re searching confidentially" in html
    assert 'id="aware-warning"' not in html


@pytest.mark.parametrize(("aware", "warned"), [(2, False), (3, False), (4, True)])
def test_a_confidential_search_warns_past_the_threshold(
    client_in, confidential, user, aware, warned
):
    confidential.profile.aware_warning_threshold = 3
    confidential.profile.save()
    for _ in range(aware):
        told(make_recruiter(user))

    html = page(client_in)
    assert ('id="aware-warning"' in html) == warned
    if warned:
        assert "4 recruiters know you are looking</strong>: more than the 3 you allow" in html
    home = client_in.get(reverse("home")).content.decode()
    assert ('id="aware-warning"' in home) == warned
    if warned:
        assert f'href="{reverse("who_knows")}"' in home.split('id="aware-warning"')[1]


def test_the_dashboard_warns_only_in_a_confidential_search(client_in, acme, user):
    acme.profile.aware_warning_threshold = 1
    acme.profile.save()
    told(acme.lee)
    told(acme.dana)
    assert 'id="aware-warning"' not in client_in.get(reverse("home")).content.decode()


def test_linked_from_the_nav_and_settings(client_in, acme):
    url = reverse("who_knows")
    assert f'<a href="{url}"' in client_in.get(reverse("home")).content.decode()
    settings_page = client_in.get(reverse("settings")).content.decode()
    assert f'<a href="{url}">' in settings_page.split('id="confidential-search"')[1]
    assert 'aria-current="page">Who knows' in page(client_in)


def test_another_users_recruiters_are_never_listed(client_in, acme, other_user):
    zebulon = make_recruiter(other_user, name="Zebulon Otherworld")
    told(zebulon, kind="submission")
    make_role(other_user, recruiter=zebulon, stage="offer", title="Secret Quantum Architect")
    told(acme.lee)
    html = page(client_in)
    assert "Zebulon" not in html and "Secret Quantum" not in html
    assert "1 recruiter knows you are looking" in html


def test_a_fixed_number_of_queries_however_many_know(client_in, confidential, user):
    def add(n):
        for _ in range(n):
            recruiter = make_recruiter(user, firm=confidential.northwind)
            told(recruiter)
            make_role(user, recruiter=recruiter, employer=confidential.kestrel, stage="offer")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client_in.get(reverse("who_knows")).status_code == 200
        return len(queries)

    add(3)
    few = count()
    add(27)
    assert count() == few
