"""The small iCalendar writer: escaping, folding at 75 octets, UTC date-times."""

from datetime import UTC, datetime, timedelta, timezone

import icalendar
import pytest

from recruiters.exports import ical


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain", "plain"),
        ("a, b; c", "a\\, b\\; c"),
        ("back\\slash", "back\\\\slash"),
        ("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour"),
        ("bell\x07 and tab\t", "bell and tab\t"),
        ('quote " and colon:', 'quote " and colon:'),
    ],
)
def test_text_escaping(value, escaped):
    assert ical.text(value) == escaped


def test_utc_date_times():
    paris = timezone(timedelta(hours=1))
    assert ical.utc(datetime(2026, 11, 27, 10, 30, 5, 999, tzinfo=paris)) == "20261127T093005Z"
    assert ical.utc(datetime(2026, 1, 1, tzinfo=UTC)) == "20260101T000000Z"


def test_a_line_of_75_octets_is_not_folded():
    line = "X" * 75
    assert ical.fold(line) == line


def test_a_longer_line_is_folded_into_lines_of_at_most_75_octets():
    line = "SUMMARY:" + "abcdefghij" * 20
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 75, 60]
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line


@pytest.mark.parametrize("char", ["é", "€", "🎯"])
def test_folding_never_splits_a_character(char):
    line = "DESCRIPTION:" + char * 100
    parts = ical.fold(line).split("\r\n")
    for part in parts:
        assert len(part.encode()) <= 75
        part.encode().decode()
    assert ical.fold(line).replace("\r\n ", "") == line


def test_a_written_calendar_parses_back():
    long_text = "Ünïcödé, commas; semicolons\\ and\nnewlines " * 5
    document = ical.component(
        "VCALENDAR",
        [
            ical.content_line("VERSION", "2.0"),
            ical.content_line("PRODID", "-//Test//EN"),
            ical.content_line("REFRESH-INTERVAL", "PT1H", VALUE="DURATION"),
            ical.component(
                "VEVENT",
                [
                    ical.content_line("UID", "one@example"),
                    ical.content_line("DTSTAMP", "20261127T093000Z"),
                    ical.content_line("DTSTART", "20261127T093000Z"),
                    ical.content_line("SUMMARY", ical.text(long_text)),
                ],
            ),
        ],
    )
    (event,) = icalendar.Calendar.from_ical(document).walk("VEVENT")
    assert str(event["SUMMARY"]) == long_text
    assert event.decoded("DTSTART") == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
