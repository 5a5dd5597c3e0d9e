"""Recruiter list: search and filters, as a page and as the htmx results partial."""

import pytest
from django.urls import reverse

from tests.factories import make_firm, make_recruiter


@pytest.fixture
def people(user):
    acme = make_firm(user, name="Acme Talent")
    make_recruiter(user, name="Dana Reyes", firm=acme, kind="agency", tier="invest")
    make_recruiter(user, name="Sam Okafor", kind="in_house", specialties="data, ml")
    make_recruiter(user, name="Priya Shah", kind="retained", tier="dormant", email="p@hunt.example")
    return acme


def names(response):
    html = response.content.decode()
    return {name for name in ("Dana Reyes", "Sam Okafor", "Priya Shah") if name in html}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Dana Reyes", "Sam Okafor", "Priya Shah"}),
        ({"q": "okafor"}, {"Sam Okafor"}),
        ({"q": "acme"}, {"Dana Reyes"}),
        ({"q": "ML"}, {"Sam Okafor"}),
        ({"q": "hunt.example"}, {"Priya Shah"}),
        ({"kind": "in_house"}, {"Sam Okafor"}),
        ({"tier": "dormant"}, {"Priya Shah"}),
        ({"kind": "agency", "tier": "dormant"}, set()),
    ],
)
def test_search_and_filters(client_in, people, params, expected):
    assert names(client_in.get(reverse("recruiter_list"), params)) == expected


def test_filter_by_firm(client_in, people):
    assert names(client_in.get(reverse("recruiter_list"), {"firm": people.pk})) == {"Dana Reyes"}


@pytest.mark.parametrize("params", [{"kind": "wizard"}, {"tier": "x"}, {"firm": "abc"}])
def test_bad_filter_values_are_ignored(client_in, people, params):
    response = client_in.get(reverse("recruiter_list"), params)
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_htmx_search_returns_only_the_results(client_in, people, htmx_headers):
    response = client_in.get(
        reverse("recruiter_list"),
        {"q": "dana"},
        headers={**htmx_headers, "HX-Target": "recruiter-results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="recruiter-results">')
    assert "<form" not in html
    assert names(response) == {"Dana Reyes"}


def test_no_match_says_so(client_in, people):
    html = client_in.get(reverse("recruiter_list"), {"q": "nobody"}).content.decode()
    assert "No recruiter matches these filters." in html
