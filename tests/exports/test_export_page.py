"""The export page: what can be downloaded, the feed address, restore; and who may see it."""

import re

import pytest
from django.urls import URLPattern, reverse

from recruiters.exports import calendar_feed, csv_tables
from recruiters.exports import urls as export_urls
from recruiters.models import CalendarFeed
from tests.exports.conftest import THEIR_NAMES
from tests.factories import make_firm, make_recruiter

SITE = "https://callback.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def test_the_page_lists_every_download_with_its_row_count(client_in, rich_account, theirs):
    response = client_in.get(reverse("export"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Export your data</h1>" in html
    for slug in csv_tables.TABLES:
        assert f'href="{reverse("export_csv", args=[slug])}"' in html
    assert f'href="{reverse("export_json")}"' in html
    counts = dict(
        re.findall(r'<td data-label="Table">([^<]+)</td>\s*<td data-label="Rows"[^>]*>(\d+)', html)
    )
    assert counts == {
        "Firms": "3",
        "Recruiters": "2",
        "Roles": "2",
        "Interactions": "3",
        "Follow-ups": "9",
    }
    assert "America/New_York" in html
    for name in THEIR_NAMES:
        assert name not in html


def test_the_page_shows_the_absolute_feed_address_with_copy_and_regenerate(client_in, user):
    html = client_in.get(reverse("export")).content.decode()

    feed = CalendarFeed.objects.get(user=user)
    address = f"{SITE}/export/calendar/{feed.token}.ics"
    assert f'value="{address}"' in html
    assert 'data-copy="calendar-url"' in html
    assert f'href="webcal://callback.example/export/calendar/{feed.token}.ics"' in html
    assert f'action="{reverse("export_calendar_regenerate")}"' in html
    assert "Make a new address" in html


def test_the_feed_address_stays_the_same_between_visits(client_in, user):
    first = client_in.get(reverse("export")).content.decode()
    second = client_in.get(reverse("export")).content.decode()
    token = calendar_feed.feed_for(user).token
    assert token in first and token in second
    assert CalendarFeed.objects.filter(user=user).count() == 1


def test_the_page_never_shows_another_users_feed(client_in, user, other_user):
    theirs = calendar_feed.feed_for(other_user).token
    assert theirs not in client_in.get(reverse("export")).content.decode()


def test_the_page_needs_a_login(client, user):
    response = client.get(reverse("export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def sample_url(pattern, user):
    """A working URL for one pattern of recruiters.exports.urls."""
    if pattern.name == "export_calendar_feed":
        return reverse(pattern.name, args=[calendar_feed.feed_for(user).token])
    if pattern.name == "export_csv":
        return reverse(pattern.name, args=["recruiters"])
    return reverse(pattern.name)


@pytest.mark.parametrize(
    "pattern",
    [p for p in export_urls.urlpatterns if isinstance(p, URLPattern)],
    ids=lambda p: p.name,
)
def test_only_the_calendar_feed_opens_without_a_login(client, user, pattern):
    make_recruiter(user, name="Private Person", firm=make_firm(user))
    url = sample_url(pattern, user)
    for method in (client.get, client.post):
        response = method(url)
        if pattern.name == "export_calendar_feed":
            assert response.status_code in (200, 405)
        else:
            assert response.status_code == 302, (url, method)
            assert response["Location"].startswith(reverse("login"))
