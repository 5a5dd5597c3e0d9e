"""The iCalendar feed: exactly the open follow-ups, parseable, private, regenerable."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from recruiters.exports import calendar_feed
from recruiters.models import CalendarFeed, FollowUp, Profile
from tests.exports.conftest import snapshot
from tests.factories import make_firm, make_follow_up, make_recruiter, make_role

SITE = "https://callback.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def feed_path(user):
    return reverse("export_calendar_feed", args=[calendar_feed.feed_for(user).token])


def fetch(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(follow_up):
    return f"follow-up-{follow_up.pk}@callback.example"


@pytest.fixture
def follow_ups(user):
    firm = make_firm(user, name="Northwind Talent")
    dana = make_recruiter(user, name="Dana Reyes", firm=firm)
    role = make_role(user, title="Staff Engineer", employer=firm, recruiter=dana)
    due = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    return {
        "open": make_follow_up(
            user, title="Send Dana my CV", recruiter=dana, role=role, due_at=due, notes="PDF"
        ),
        "theirs_to_do": make_follow_up(
            user,
            title="Feedback on the panel",
            owed_by=FollowUp.OwedBy.RECRUITER,
            recruiter=dana,
            due_at=due + timedelta(days=1),
        ),
        "snoozed": make_follow_up(
            user,
            title="Chase the offer",
            due_at=due - timedelta(days=3),
            state=FollowUp.State.SNOOZED,
            snoozed_until=due + timedelta(days=2),
        ),
        "overdue": make_follow_up(user, title="Thank the recruiter", due_at=due - timedelta(60)),
        "done": make_follow_up(
            user, title="Done thing", due_at=due, state=FollowUp.State.DONE, closed_at=due
        ),
        "dismissed": make_follow_up(
            user,
            title="Dismissed thing",
            due_at=due,
            state=FollowUp.State.DISMISSED,
            closed_at=due,
        ),
    }


def test_the_feed_holds_exactly_the_open_and_snoozed_follow_ups(client, follow_ups, theirs):
    _, calendar = fetch(client, feed_path(follow_ups["open"].owner))

    assert str(calendar["VERSION"]) == "2.0"
    assert "Callback" in str(calendar["PRODID"])
    expected = {uid(follow_ups[key]) for key in ("open", "theirs_to_do", "snoozed", "overdue")}
    assert set(events(calendar)) == expected
    text = str(calendar.to_ical())
    for absent in ["Done thing", "Dismissed thing", "Chase Zebulon about comp"]:
        assert absent not in text


def test_an_event_says_when_what_who_and_links_back(client, follow_ups):
    _, calendar = fetch(client, feed_path(follow_ups["open"].owner))
    found = events(calendar)

    mine = found[uid(follow_ups["open"])]
    assert mine.decoded("DTSTART") == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    assert mine.decoded("DTEND") - mine.decoded("DTSTART") == timedelta(minutes=30)
    assert mine.decoded("DTSTAMP") == follow_ups["open"].updated_at.replace(microsecond=0)
    assert str(mine["SUMMARY"]) == "Send Dana my CV"
    description = str(mine["DESCRIPTION"])
    assert description.startswith("You owe this to Dana Reyes (Northwind Talent).\n")
    assert "About: Staff Engineer at Northwind Talent." in description
    assert "\nPDF\n" in description
    link = f"{SITE}/follow-ups/#follow-up-{follow_ups['open'].pk}"
    assert description.endswith(f"Open in Callback: {link}")
    assert str(mine["URL"]) == link

    awaited = found[uid(follow_ups["theirs_to_do"])]
    assert str(awaited["SUMMARY"]) == "Awaiting: Feedback on the panel"
    assert str(awaited["DESCRIPTION"]).startswith("Dana Reyes (Northwind Talent) owes you this.")

    snoozed = found[uid(follow_ups["snoozed"])]
    assert snoozed.decoded("DTSTART") == follow_ups["snoozed"].snoozed_until
    assert "Snoozed; first due 28 Nov 2026, 14:30." in str(snoozed["DESCRIPTION"])


def test_a_withdrawn_follow_up_drops_out_of_the_feed(client, follow_ups):
    withdrawn = follow_ups["theirs_to_do"]
    withdrawn.state, withdrawn.closed_at = FollowUp.State.WITHDRAWN, withdrawn.due_at
    withdrawn.closed_by_rule = True
    withdrawn.save()

    response, calendar = fetch(client, feed_path(withdrawn.owner))

    assert uid(withdrawn) not in events(calendar)
    assert "Feedback on the panel" not in response.content.decode()


# Confidential search: the feed names nobody ------------------------------------------

# What the `follow_ups` feed would say about whom: names, titles, notes, who owes whom.
NAMES = [
    "Dana",
    "Reyes",
    "Northwind",
    "Staff Engineer",
    "Send Dana my CV",
    "Feedback on the panel",
    "Chase the offer",
    "Thank the recruiter",
    "PDF",
    "Awaiting",
    "owes",
    "recruiters",
]
# Properties that could carry a name, and that a confidential feed must not have.
NAMING_PROPERTIES = ["LOCATION", "ATTENDEE", "ORGANIZER", "CONTACT", "COMMENT", "RESOURCES"]


def confidential(user, on=True):
    Profile.objects.filter(user=user).update(confidential_search=on)


def test_in_a_confidential_search_the_feed_names_nobody(client, follow_ups):
    user = follow_ups["open"].owner
    confidential(user)

    response, calendar = fetch(client, feed_path(user))

    found = events(calendar)
    expected = {uid(follow_ups[key]) for key in ("open", "theirs_to_do", "snoozed", "overdue")}
    assert set(found) == expected  # the same events, at the same times
    for key in ("open", "theirs_to_do", "snoozed", "overdue"):
        event = found[uid(follow_ups[key])]
        link = f"{SITE}/follow-ups/#follow-up-{follow_ups[key].pk}"
        assert str(event["SUMMARY"]) == "Callback follow-up"
        assert str(event["DESCRIPTION"]) == f"Open in Callback: {link}"
        assert str(event["URL"]) == link
        for name in NAMING_PROPERTIES:
            assert name not in event, name
        assert event.decoded("DTSTART") == follow_ups[key].effective_due_at
    assert str(calendar["X-WR-CALDESC"]) == "Follow-ups from Callback."
    raw = response.content.decode()
    unfolded = raw.replace("\r\n ", "")
    for name in NAMES:
        assert name not in unfolded, name


def test_leaving_confidential_mode_brings_the_names_back(client, follow_ups):
    user = follow_ups["open"].owner
    path = feed_path(user)
    confidential(user)
    fetch(client, path)
    confidential(user, on=False)

    response, calendar = fetch(client, path)

    found = events(calendar)
    assert str(found[uid(follow_ups["open"])]["SUMMARY"]) == "Send Dana my CV"
    assert str(found[uid(follow_ups["theirs_to_do"])]["SUMMARY"]) == (
        "Awaiting: Feedback on the panel"
    )
    description = str(found[uid(follow_ups["open"])]["DESCRIPTION"])
    assert description.startswith("You owe this to Dana Reyes (Northwind Talent).\n")
    assert str(calendar["X-WR-CALDESC"]) == "What you owe recruiters and what they owe you."


def test_the_export_page_says_when_the_feed_names_no_one(client_in, user):
    calendar_feed.feed_for(user)
    assert 'id="calendar-confidential"' not in client_in.get(reverse("export")).content.decode()
    confidential(user)
    page = client_in.get(reverse("export")).content.decode()
    assert "each reads “Callback follow-up”" in page


def test_uids_stay_the_same_when_a_follow_up_changes(client, follow_ups):
    path = feed_path(follow_ups["open"].owner)
    _, before = fetch(client, path)
    follow_up = follow_ups["open"]
    follow_up.due_at += timedelta(days=2)
    follow_up.save()

    _, after = fetch(client, path)

    assert set(events(after)) == set(events(before))
    moved = events(after)[uid(follow_up)]
    assert moved.decoded("DTSTART") == datetime(2026, 12, 3, 14, 30, tzinfo=UTC)
    assert moved.decoded("DTSTAMP") >= events(before)[uid(follow_up)].decoded("DTSTAMP")


def test_text_is_escaped_and_lines_are_folded(client, user):
    title = 'Ask: "rates, notice; start" \\ or not\nsecond line, with ünïcödé'
    notes = "Long note 🎯 " * 30 + "\r\nend; done, really"
    make_follow_up(user, title=title, notes=notes, due_at=datetime(2026, 12, 1, tzinfo=UTC))

    response, calendar = fetch(client, feed_path(user))

    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert "Long note 🎯 Long note" in str(event["DESCRIPTION"])
    assert "\nend; done, really\n" in str(event["DESCRIPTION"])
    raw = response.content
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "every line ends in CRLF"
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines), "the long DESCRIPTION is folded"
    for line in lines:
        line.decode()  # no UTF-8 character is split by the folding


def content_lines(raw):
    """The raw feed's logical lines (RFC 5545, 3.1: a CRLF and one space is a fold)."""
    assert raw.endswith(b"\r\n")
    return raw.decode().replace("\r\n ", "").split("\r\n")[:-1]


def test_the_raw_feed_is_written_as_rfc_5545_says(client, user):
    """Not only parseable back: the bytes themselves, as a strict client reads them."""
    title = "Rates, notice; start\nthen a second line \\ and a bell\x07"
    notes = "Ünïcödé, 🎯; commas, and semicolons; " * 6
    make_follow_up(user, title=title, notes=notes, due_at=datetime(2026, 12, 1, tzinfo=UTC))

    response, calendar = fetch(client, feed_path(user))

    raw = response.content
    physical = raw.split(b"\r\n")[:-1]
    assert b"\n" not in raw.replace(b"\r\n", b""), "CRLF line ends only"
    assert b"\r" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in physical), "folded at 75 octets"
    folds = [line for line in physical if line.startswith(b" ")]
    assert len(folds) >= 3, "the long DESCRIPTION is folded"
    for line in physical:
        line.decode()  # no UTF-8 character is split by a fold
    lines = content_lines(raw)
    assert "SUMMARY:Rates\\, notice\\; start\\nthen a second line \\\\ and a bell" in lines
    (described,) = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert described.count("commas\\, and semicolons\\;") == 6
    assert "\\n\\nÜnïcödé" in described  # the notes' blank line, escaped
    (stamp,) = [line for line in lines if line.startswith("DTSTAMP")]
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", stamp), stamp  # UTC, no TZID
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title.replace("\x07", "")


def test_two_fetches_give_the_same_uids_and_the_same_document(client, follow_ups):
    path = feed_path(follow_ups["open"].owner)

    first, before = fetch(client, path)
    second, after = fetch(client, path)

    assert list(events(before)) == list(events(after))
    assert len(events(after)) == 4
    assert first.content == second.content  # nothing in it depends on the time of the fetch


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        # UTC+14: 09:00 on 1 December there is 19:00 on 30 November in UTC.
        ("Pacific/Kiritimati", datetime(2026, 12, 1, 9, 0), "20261130T190000Z"),
        # UTC-11: 20:00 on 1 December there is 07:00 on 2 December in UTC.
        ("Pacific/Pago_Pago", datetime(2026, 12, 1, 20, 0), "20261202T070000Z"),
        # UTC+13 in December (New Zealand summer time), +12 in June.
        ("Pacific/Auckland", datetime(2026, 12, 1, 9, 0), "20261130T200000Z"),
        ("Pacific/Auckland", datetime(2026, 6, 1, 9, 0), "20260531T210000Z"),
    ],
)
def test_times_are_right_for_a_user_far_from_utc(client, user, zone, local, utc):
    Profile.objects.filter(user=user).update(time_zone=zone)
    due = local.replace(tzinfo=ZoneInfo(zone))
    make_follow_up(user, title="Call back", due_at=due)
    make_follow_up(
        user,
        title="Snoozed",
        due_at=due,
        state=FollowUp.State.SNOOZED,
        snoozed_until=due + timedelta(days=7),
    )

    response, calendar = fetch(client, feed_path(user))

    lines = content_lines(response.content)
    assert f"DTSTART:{utc}" in lines  # the exact instant, in UTC: every app shows it right
    assert not calendar.walk("VTIMEZONE") and "TZID" not in response.content.decode()
    found = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert found["Call back"].decoded("DTSTART").astimezone(ZoneInfo(zone)) == due
    assert found["Snoozed"].decoded("DTSTART") == due + timedelta(days=7)
    # Dates written in the text are in the user's time zone, not in UTC.
    first_due = f"first due {local.day} {local:%b %Y}, {local:%H:%M}."
    assert first_due in str(found["Snoozed"]["DESCRIPTION"])


def test_a_feed_without_follow_ups_is_an_empty_calendar(client, user):
    _, calendar = fetch(client, feed_path(user))
    assert calendar.walk("VEVENT") == []


# Privacy: the token is the key ----------------------------------------------------------


def test_the_feed_needs_no_login_but_is_not_cached_or_indexed(client, follow_ups):
    response, _ = fetch(client, feed_path(follow_ups["open"].owner))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "not-a-token", "a", "%2e%2e", "x" * 65],
)
def test_an_unknown_token_is_not_found(client, follow_ups, token):
    assert client.get(f"/export/calendar/{token}.ics").status_code == 404


def test_another_users_token_shows_only_their_follow_ups(client_in, follow_ups, other_user):
    theirs = make_follow_up(other_user, title="Chase Zebulon about comp")

    response, calendar = fetch(client_in, feed_path(other_user))

    assert set(events(calendar)) == {uid(theirs)}
    for follow_up in follow_ups.values():
        assert follow_up.title not in response.content.decode()


def test_regenerating_kills_the_old_address(client_in, user, follow_ups):
    old = feed_path(user)
    assert client_in.get(old).status_code == 200

    response = client_in.post(reverse("export_calendar_regenerate"))

    assert response.status_code == 302
    assert response["Location"] == reverse("export") + "#calendar"
    new = feed_path(user)
    assert new != old
    assert client_in.get(old).status_code == 404
    fetch(client_in, new)


def test_regenerating_with_htmx_returns_the_section_with_the_new_address(
    client_in, user, htmx_headers
):
    old = feed_path(user)

    response = client_in.post(reverse("export_calendar_regenerate"), headers=htmx_headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="calendar"')
    assert SITE + feed_path(user) in html and old not in html
    assert "New address made" in html


def test_regenerating_changes_only_ones_own_token(client_in, user, other_user):
    theirs = calendar_feed.feed_for(other_user).token
    client_in.post(reverse("export_calendar_regenerate"))
    assert CalendarFeed.objects.get(user=other_user).token == theirs


def test_regenerating_makes_a_feed_for_a_user_without_one(client_in, user):
    assert not CalendarFeed.objects.filter(user=user).exists()
    client_in.post(reverse("export_calendar_regenerate"))
    assert CalendarFeed.objects.filter(user=user).exists()


def test_regenerating_needs_a_login(client, user):
    token = calendar_feed.feed_for(user).token
    before = snapshot()

    response = client.post(reverse("export_calendar_regenerate"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot() == before
    assert CalendarFeed.objects.get(user=user).token == token


def test_regenerating_needs_a_post(client_in, user):
    token = calendar_feed.feed_for(user).token
    assert client_in.get(reverse("export_calendar_regenerate")).status_code == 405
    assert CalendarFeed.objects.get(user=user).token == token


def test_a_deactivated_users_feed_is_gone(client, user, follow_ups):
    path = feed_path(user)
    user.is_active = False
    user.save()
    assert client.get(path).status_code == 404


def test_tokens_are_long_and_random(user, other_user):
    mine, theirs = calendar_feed.feed_for(user).token, calendar_feed.feed_for(other_user).token
    assert mine != theirs
    assert len(mine) >= 43  # 32 random bytes
