"""Interview invitations (.ics): an interview on the recruiter who sent it, and its role."""

import zoneinfo
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from recruiters.imports import ics
from recruiters.models import Interaction
from tests.factories import make_firm, make_recruiter, make_role
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

pytestmark = [
    pytest.mark.django_db,
    # icalendar warns when it reads "/vendor/America/New_York" as America/New_York; ics.py
    # does that knowingly (and silences the warning outside the tests' own filters).
    pytest.mark.filterwarnings("ignore::icalendar.error.GloballyUniqueTZIDGuessed"),
]

LONDON = zoneinfo.ZoneInfo("Europe/London")


def invitation(
    *,
    start="DTSTART;TZID=Europe/London:20261203T140000",
    organizer="dana@northwind.example",
    organizer_name="Dana Reyes",
    summary="Interview: Staff Engineer at Acme Robotics",
    extra="",
    method="REQUEST",
):
    return (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        f"METHOD:{method}\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\nBEGIN:STANDARD\r\nDTSTART:19701025T020000\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\n"
        f"{start}\r\n"
        "DTEND;TZID=Europe/London:20261203T150000\r\n"
        "UID:7kq2b3@google.com\r\n"
        f"ORGANIZER;CN={organizer_name}:mailto:{organizer}\r\n"
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=me@e\r\n"
        " xample.com;X-NUM-GUESTS=0:mailto:me@example.com\r\n"
        f"SUMMARY:{summary}\r\n"
        "LOCATION:https://meet.google.com/abc-defg-hij\r\n"
        "DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij\\n\\nA\r\n"
        "  first conversation with the hiring manager.\r\n"
        f"{extra}"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


@pytest.fixture
def dana(user):
    acme = make_firm(user, name="Acme Robotics", kind="employer")
    dana = make_recruiter(user, name="Dana Reyes", email="Dana@Northwind.example")
    other = make_recruiter(user, name="Sam Okafor")
    make_role(
        user, title="Staff Engineer", employer=make_firm(user, name="Globex"), recruiter=other
    )
    role = make_role(user, title="Staff Engineer", employer=acme, recruiter=dana)
    return dana, role


def test_parse_an_invitation():
    (event,) = ics.parse(invitation(), default_zone=UTC)
    assert event.line == 13
    assert event.title == "Interview: Staff Engineer at Acme Robotics"
    assert event.starts_at == datetime(2026, 12, 3, 14, 0, tzinfo=LONDON)
    assert event.organizer == ("dana@northwind.example", "Dana Reyes")
    assert event.attendees == [("me@example.com", "me@example.com")]
    assert "hiring manager" in event.description
    assert not event.cancelled


@pytest.mark.parametrize(
    ("start", "expected", "warning"),
    [
        ("DTSTART:20261203T140000Z", datetime(2026, 12, 3, 14, tzinfo=UTC), None),
        (
            'DTSTART;TZID="W. Europe Standard Time":20261203T140000',
            datetime(2026, 12, 3, 13, tzinfo=UTC),
            None,
        ),
        (
            "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20261203T090000",
            datetime(2026, 12, 3, 14, tzinfo=UTC),
            None,
        ),
        ("DTSTART:20261203T140000", datetime(2026, 12, 3, 14, tzinfo=LONDON), None),
        ("DTSTART;VALUE=DATE:20261203", datetime(2026, 12, 3, 9, tzinfo=LONDON), None),
        (
            "DTSTART;TZID=Mars/Olympus:20261203T140000",
            datetime(2026, 12, 3, 14, tzinfo=LONDON),
            "time zone “Mars/Olympus” not known: read as Europe/London",
        ),
    ],
)
def test_times(start, expected, warning):
    (event,) = ics.parse(invitation(start=start), default_zone=LONDON)
    assert event.starts_at == expected
    assert event.warnings == ([warning] if warning else [])


def test_import_on_the_recruiter_and_role(client_in, user, dana):
    recruiter, role = dana
    job = preview_job(post_upload(client_in, "ics", "invite.ics", invitation()))
    (row,) = job.plan["rows"]
    assert (row["action"], row["recruiter_id"], row["role_id"]) == ("create", recruiter.pk, role.pk)

    confirm(client_in, job)

    interview = Interaction.objects.get()
    assert interview.recruiter == recruiter
    assert interview.role == role
    assert interview.kind == Interaction.Kind.INTERVIEW
    assert interview.channel == Interaction.Channel.VIDEO
    assert interview.direction == Interaction.Direction.INBOUND
    assert interview.occurred_at == datetime(2026, 12, 3, 14, tzinfo=LONDON)
    assert interview.summary == "Interview: Staff Engineer at Acme Robotics"

    again = preview_job(post_upload(client_in, "ics", "invite.ics", invitation()))
    assert again.plan["rows"][0]["reason"] == "already imported"


def test_preview_page(client_in, user, dana):
    job = preview_job(post_upload(client_in, "ics", "invite.ics", invitation()))
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "<strong>1</strong> interview to add" in page
    assert "Thu 3 Dec 2026, 14:00" in page
    assert "Staff Engineer at Acme Robotics" in page


def test_matched_by_attendee_when_the_organizer_is_not_a_recruiter(client_in, user, dana):
    content = invitation(organizer="scheduler@acme.example", organizer_name="Acme").replace(
        "mailto:me@example.com",
        "mailto:me@example.com\r\nATTENDEE;CN=Dana:mailto:dana@northwind.example",
    )
    (row,) = preview_job(post_upload(client_in, "ics", "invite.ics", content)).plan["rows"]
    assert row["recruiter_name"] == "Dana Reyes"


def test_unknown_sender_and_cancelled_events_are_skipped(client_in, user, dana):
    unknown = invitation(organizer="nobody@elsewhere.example", organizer_name="Nobody")
    (row,) = preview_job(post_upload(client_in, "ics", "invite.ics", unknown)).plan["rows"]
    assert row["reason"] == "no recruiter in Callback with nobody@elsewhere.example"
    cancelled = invitation(method="CANCEL")
    (row,) = preview_job(post_upload(client_in, "ics", "invite.ics", cancelled)).plan["rows"]
    assert row["reason"] == "the event is cancelled"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("BEGIN:VCARD\nEND:VCARD\n", "This is not an iCalendar file"),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n",
            "This calendar has no event (VEVENT) in it.",
        ),
        (
            invitation(start="DTSTART:tomorrow"),
            "Line 14: “tomorrow” is not an iCalendar date-time.",
        ),
        (
            invitation().replace("END:VEVENT\r\n", ""),
            "Line 29: END:VCALENDAR here, where END:VEVENT was expected.",
        ),
    ],
)
def test_bad_calendars(client_in, dana, content, error):
    before = counts()
    assert upload_error(post_upload(client_in, "ics", "invite.ics", content)).startswith(error)
    assert counts() == before


# icalendar underneath: VTIMEZONE rules, zone names, cancellations ------------------------

BERLIN_RULES = (
    "BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n"
)
OUTLOOK_ZONE = "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"


def outlook_invitation(tzid, start, rules=BERLIN_RULES, method="REQUEST"):
    """An invitation as Outlook writes it: its own VTIMEZONE, before the event."""
    return (
        "BEGIN:VCALENDAR\r\n"
        f"METHOD:{method}\r\n"
        "PRODID:Microsoft Exchange Server 2010\r\n"
        "VERSION:2.0\r\n"
        "BEGIN:VTIMEZONE\r\n"
        f"TZID:{tzid}\r\n"
        f"{rules}"
        "END:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\n"
        "ORGANIZER;CN=Dana Reyes:mailto:dana@northwind.example\r\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Me:mailto:me@example.com\r\n"
        "SUMMARY;LANGUAGE=en-GB:Interview: Staff Engineer\r\n"
        f'DTSTART;TZID="{tzid}":{start}\r\n'
        f'DTEND;TZID="{tzid}":{start[:9]}113000\r\n'
        "UID:040000008200E00074C5B7101A82E00800000000\r\n"
        "LOCATION;LANGUAGE=en-GB:Microsoft Teams Meeting\r\n"
        "STATUS:CONFIRMED\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


@pytest.mark.parametrize(
    ("tzid", "start", "utc"),
    [
        ("Europe/Berlin", "20260710T100000", datetime(2026, 7, 10, 8, tzinfo=UTC)),  # CEST
        ("Europe/Berlin", "20260115T100000", datetime(2026, 1, 15, 9, tzinfo=UTC)),  # CET
        (OUTLOOK_ZONE, "20260710T100000", datetime(2026, 7, 10, 8, tzinfo=UTC)),
        (OUTLOOK_ZONE, "20261210T100000", datetime(2026, 12, 10, 9, tzinfo=UTC)),
        ("W. Europe Standard Time", "20260710T100000", datetime(2026, 7, 10, 8, tzinfo=UTC)),
        # a Windows name the old hand-written table did not have: icalendar's CLDR table
        ("Tasmania Standard Time", "20260110T100000", datetime(2026, 1, 9, 23, tzinfo=UTC)),
    ],
)
def test_vtimezone_with_summer_time(tzid, start, utc):
    (event,) = ics.parse(outlook_invitation(tzid, start), default_zone=LONDON)
    assert event.starts_at == utc
    assert event.warnings == []
    assert event.line == 20
    assert event.organizer == ("dana@northwind.example", "Dana Reyes")


def test_each_file_is_read_in_its_own_vtimezone():
    """icalendar caches a VTIMEZONE whose TZID is no zone name for the whole process: two
    invitations (two users, perhaps) with the same TZID and other rules must not share it."""
    fixed = (
        "BEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:{0}\r\nTZOFFSETTO:{0}\r\n"
        "END:STANDARD\r\n"
    )
    for offset, utc_hour in (("+0500", 5), ("-0800", 18)):
        content = outlook_invitation(
            "Customized Time Zone", "20260710T100000", rules=fixed.format(offset)
        )
        (event,) = ics.parse(content, default_zone=LONDON)
        assert event.starts_at.astimezone(UTC).hour == utc_hour


def test_invitation_in_summer_time_imported(client_in, user, dana):
    recruiter, _ = dana
    user.profile.time_zone = "Europe/Berlin"
    user.profile.save()
    content = outlook_invitation(OUTLOOK_ZONE, "20260710T100000")
    job = preview_job(post_upload(client_in, "ics", "invite.ics", content))
    (row,) = job.plan["rows"]
    assert (row["action"], row["recruiter_id"]) == ("create", recruiter.pk)
    assert datetime.fromisoformat(row["occurred_at"]) == datetime(2026, 7, 10, 8, tzinfo=UTC)
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "Fri 10 Jul 2026, 10:00" in page  # shown in the user's zone, Berlin again
    confirm(client_in, job)
    assert Interaction.objects.get().occurred_at == datetime(2026, 7, 10, 8, tzinfo=UTC)


def test_an_all_day_interview_is_at_nine_in_your_zone(client_in, user, dana):
    user.profile.time_zone = "America/New_York"
    user.profile.save()
    content = invitation(start="DTSTART;VALUE=DATE:20260710")
    (row,) = preview_job(post_upload(client_in, "ics", "invite.ics", content)).plan["rows"]
    assert datetime.fromisoformat(row["occurred_at"]) == datetime(2026, 7, 10, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "cancelled"),
    [
        (outlook_invitation("Europe/Berlin", "20260710T100000", method="CANCEL"), True),
        (
            outlook_invitation("Europe/Berlin", "20260710T100000").replace(
                "STATUS:CONFIRMED", "STATUS:CANCELLED"
            ),
            True,
        ),
        (outlook_invitation("Europe/Berlin", "20260710T100000", method="REQUEST"), False),
        (outlook_invitation("Europe/Berlin", "20260710T100000", method="PUBLISH"), False),
    ],
)
def test_cancellations_are_not_interviews(client_in, user, dana, content, cancelled):
    (event,) = ics.parse(content, default_zone=LONDON)
    assert event.cancelled is cancelled
    job = preview_job(post_upload(client_in, "ics", "invite.ics", content))
    (row,) = job.plan["rows"]
    assert (row["action"] == "skip") is cancelled
    if cancelled:
        assert (row["reason"], row["tickable"]) == ("the event is cancelled", False)
        page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
        assert "<strong>0</strong> interviews to add" in page
        assert "Skip: the event is cancelled" in page
        confirm(client_in, job, rows=[0])
        assert not Interaction.objects.exists()


def test_a_tzid_without_its_vtimezone():
    content = outlook_invitation("Europe/Berlin", "20260710T100000").replace(
        'DTSTART;TZID="Europe/Berlin"', 'DTSTART;TZID="Nowhere Standard Time"'
    )
    (event,) = ics.parse(content, default_zone=LONDON)
    assert event.starts_at == datetime(2026, 7, 10, 10, tzinfo=LONDON)
    assert event.warnings == ["time zone “Nowhere Standard Time” not known: read as Europe/London"]


def test_a_vtimezone_without_rules_is_refused(client_in, dana):
    before = counts()
    content = outlook_invitation("Nowhere Standard Time", "20260710T100000", rules="")
    error = upload_error(post_upload(client_in, "ics", "invite.ics", content))
    assert error.startswith("This calendar cannot be read")
    assert counts() == before


@pytest.mark.parametrize(
    "content",
    [
        # icalendar itself fails on these (an OSError naming a path, an AttributeError)
        invitation(start="DTSTART;TZID=Europe:20261203T140000"),
        invitation().replace("TZID:Europe/London\r\n", "TZID:A\r\nTZID:B\r\n"),
    ],
)
def test_what_icalendar_fails_on_is_a_bad_file(client_in, dana, content):
    before = counts()
    error = upload_error(post_upload(client_in, "ics", "invite.ics", content))
    assert error == "This calendar cannot be read."
    assert counts() == before


@pytest.mark.parametrize(
    "start",
    [
        "DTSTART;TZID=Etc/GMT+12:99991231T235900",  # year 10000 in UTC
        "DTSTART;TZID=Etc/GMT-14:00010101T000000",  # a BC date in UTC
        "DTSTART:22010101T000000Z",
        "DTSTART;VALUE=DATE:18991231",
    ],
)
def test_a_start_outside_the_calendar_is_refused(client_in, dana, start):
    before = counts()
    error = upload_error(post_upload(client_in, "ics", "invite.ics", invitation(start=start)))
    assert error.startswith("Line 14: The start “")
    assert error.endswith("is not between 1 Jan 1900 and 31 Dec 2200 (UTC).")
    assert counts() == before
