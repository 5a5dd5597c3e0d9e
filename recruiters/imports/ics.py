"""Interview invitations: an iCalendar file (.ics, RFC 5545) with one or more VEVENTs, as a
calendar invitation e-mail carries it, read with the `icalendar` library (unfolding,
escapes, parameters, dates and times, VTIMEZONE rules).

When an interview starts (DTSTART):

- UTC ("...Z") as it is;
- with a TZID: the time zone of that name, an IANA one (Europe/London), a Windows one as
  Outlook writes it (W. Europe Standard Time, by icalendar's copy of CLDR's table), else the
  file's own VTIMEZONE of that TZID (its STANDARD and DAYLIGHT rules, turned into a time zone
  by icalendar), else the IANA zone a "globally unique" TZID ends with
  (/mozilla.org/20050126_1/Europe/London), else the user's time zone, with a warning in the
  preview;
- a floating time (no zone), in the user's time zone;
- an all-day event (a DATE), 9:00 that day in the user's time zone: the interview is some
  time that day, and 9:00 keeps it on that day wherever it is shown.

icalendar's own choice of zone is not used: it keeps the time zones of VTIMEZONEs whose TZID
is not a zone name (Outlook's "Customized Time Zone") in one table for the whole process,
first come first served, so an invitation would be read in the zone of whichever file had
that TZID first, another user's perhaps. The wall time icalendar read is put in the zone
found here.

A calendar with METHOD:CANCEL (a cancellation) or an event with STATUS:CANCELLED is
cancelled: the preview skips it as such.
"""

import logging
import re
import warnings
import zoneinfo
from datetime import UTC, date, datetime, time

import icalendar
from icalendar.error import GloballyUniqueTZIDGuessed
from icalendar.prop import vBroken
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from recruiters import bounds
from recruiters.imports import outline
from recruiters.imports.files import BadFile
from recruiters.imports.records import Interview, clean_email, squash

# icalendar warns when it reads a "/vendor/Europe/London" TZID as Europe/London; so does
# this module, knowingly, when nothing better is known (above).
warnings.filterwarnings("ignore", category=GloballyUniqueTZIDGuessed)

log = logging.getLogger(__name__)
NAME = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?(?=[;:])")


def parse(text, *, default_zone):
    """[Interview] of each VEVENT; times without a zone are read in `default_zone`."""
    if "BEGIN:VCALENDAR" not in text.upper():
        raise BadFile("This is not an iCalendar file (no BEGIN:VCALENDAR line); is it an .ics?")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    places = outline.components(content_lines(text), "VEVENT")
    if not places:
        raise BadFile("This calendar has no event (VEVENT) in it.")
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as error:
        raise BadFile(f"This calendar cannot be read ({squash(str(error))[:200]}).") from error
    except Exception as error:  # icalendar on a file it was not made for (TZID=Europe: OSError)
        log.info("icalendar could not read an upload", exc_info=True)
        raise BadFile("This calendar cannot be read.") from error
    events = [
        (calendar, event, zones)
        for calendar in calendars
        for zones in [Zones(calendar)]
        for event in calendar.walk("VEVENT")
    ]
    if len(events) != len(places):
        raise BadFile("This calendar cannot be read (its events cannot be told apart).")
    return [
        event_of(line, dict(reversed(names)), calendar, event, zones, default_zone)
        for (line, names), (calendar, event, zones) in zip(places, events, strict=True)
    ]


def content_lines(text):
    """(line number, line, NAME, value, (NAME, line number)) of each content line, from its
    first line: a folded line goes on on lines that start with a space or a tab."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line[0] in " \t":
            continue
        match = NAME.match(line)
        if match is None:
            raise BadFile(
                f"“{outline.shown(line)}” is not an iCalendar line (NAME:value).", line=number
            )
        name = match[0].upper()
        yield number, line, name, line.partition(":")[2], (name, number)


def values(component, name):
    """The property `name` of `component`, as a list however often it is there."""
    found = component.get(name)
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def text_of(component, name):
    found = values(component, name)
    return str(found[0]) if found else ""


def event_of(line, lines, calendar, event, zones, default_zone):
    """The Interview of a VEVENT; `lines` says on which line each property is."""
    start = values(event, "DTSTART")
    if not start:
        raise BadFile("This event has no start time (DTSTART).", line=line)
    notes = []
    start_line = lines.get("DTSTART", line)
    starts_at = moment(start[0], zones, default_zone, notes, start_line)
    if not bounds.in_range(starts_at):
        raise BadFile(
            f"The start “{starts_at.isoformat()}” is not {bounds.MOMENTS}.", line=start_line
        )
    organizer = values(event, "ORGANIZER")
    return Interview(
        line=line,
        uid=text_of(event, "UID"),
        title=squash(text_of(event, "SUMMARY")),
        starts_at=starts_at,
        location=squash(text_of(event, "LOCATION")),
        description=text_of(event, "DESCRIPTION"),
        organizer=person(organizer[0]) if organizer else ("", ""),
        attendees=[person(prop) for prop in values(event, "ATTENDEE")],
        cancelled=text_of(calendar, "METHOD").strip().upper() == "CANCEL"
        or text_of(event, "STATUS").strip().upper() == "CANCELLED",
        warnings=notes,
    )


def person(prop):
    """(e-mail, name) of an ORGANIZER or ATTENDEE: "mailto:" value, CN parameter."""
    email, valid = clean_email(str(prop).strip())
    return (email if valid else "", squash(prop.params.get("CN", "")))


def moment(prop, zones, default_zone, notes, line):
    """The aware datetime of a DTSTART."""
    if isinstance(prop, vBroken) or not isinstance(getattr(prop, "dt", None), date):
        raise BadFile(f"“{squash(str(prop))[:40]}” is not an iCalendar date-time.", line=line)
    value = prop.dt
    if not isinstance(value, datetime):
        return datetime.combine(value, time(9), tzinfo=default_zone)
    if tzid := prop.params.get("TZID"):
        zone = zones.named(str(tzid))
        if zone is None:
            notes.append(f"time zone “{tzid}” not known: read as {default_zone.key}")
            zone = default_zone
        return value.replace(tzinfo=zone)
    if value.tzinfo is not None:  # "...Z"
        return value.astimezone(UTC)
    return value.replace(tzinfo=default_zone)


class Zones:
    """The time zones the TZIDs of one calendar name, each found once."""

    def __init__(self, calendar):
        self.vtimezones = {text_of(zone, "TZID"): zone for zone in calendar.walk("VTIMEZONE")}
        self.found = {}

    def named(self, tzid):
        if tzid not in self.found:
            self.found[tzid] = self.find(tzid.strip().strip('"'))
        return self.found[tzid]

    def find(self, tzid):
        """The time zone a TZID names (see above), or None."""
        cleaned = tzid.strip("/")
        for name in (cleaned, WINDOWS_TO_OLSON.get(cleaned)):
            if zone := known_zone(name):
                return zone
        if (component := self.vtimezones.get(tzid)) is not None:
            try:
                return component.to_tz(lookup_tzid=False)
            except Exception:  # a VTIMEZONE icalendar cannot make a zone of: as if not there
                pass
        parts = cleaned.split("/")
        for start in range(1, len(parts)):
            if zone := known_zone("/".join(parts[start:])):
                return zone
        return None


def known_zone(name):
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
