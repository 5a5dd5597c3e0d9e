"""Interview invitations: an iCalendar file (.ics, RFC 5545) with one or more VEVENTs, as a
calendar invitation e-mail carries it.

Times: UTC ("...Z"), a TZID that is a IANA zone (Europe/London), one of the Windows zone
names Outlook writes (W. Europe Standard Time), or a floating time, read in the user's
time zone (as is a TZID Callback does not know, with a warning in the preview).
"""

import zoneinfo
from datetime import UTC, date, datetime, time

from recruiters.imports import contentlines
from recruiters.imports.files import BadFile
from recruiters.imports.records import Interview, clean_email, squash

# The Windows time zone names most often seen in Outlook invitations (CLDR windowsZones).
WINDOWS_ZONES = {
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev",
    "GTB Standard Time": "Europe/Bucharest",
    "Russian Standard Time": "Europe/Moscow",
    "Israel Standard Time": "Asia/Jerusalem",
    "Arabian Standard Time": "Asia/Dubai",
    "India Standard Time": "Asia/Kolkata",
    "Singapore Standard Time": "Asia/Singapore",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "US Mountain Standard Time": "America/Phoenix",
    "Pacific Standard Time": "America/Los_Angeles",
    "Atlantic Standard Time": "America/Halifax",
    "E. South America Standard Time": "America/Sao_Paulo",
    "UTC": "UTC",
    "Coordinated Universal Time": "UTC",
}


def parse(text, *, default_zone):
    """[Interview] of each VEVENT; times without a zone are read in `default_zone`."""
    if "BEGIN:VCALENDAR" not in text.upper():
        raise BadFile("This is not an iCalendar file (no BEGIN:VCALENDAR line); is it an .ics?")
    cancelled_all = any(
        line.upper().replace(" ", "") == "METHOD:CANCEL" for _, line in contentlines.unfold(text)
    )
    events = contentlines.components(text, "iCalendar", "VEVENT")
    if not events:
        raise BadFile("This calendar has no event (VEVENT) in it.")
    return [event(line, props, default_zone, cancelled_all) for line, props in events]


def event(line, props, default_zone, cancelled_all):
    by_name = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)
    start = by_name.get("DTSTART")
    if not start:
        raise BadFile("This event has no start time (DTSTART).", line=line)
    warnings = []
    starts_at = moment(start[0], default_zone, warnings)
    status = text_of(by_name, "STATUS").upper()
    return Interview(
        line=line,
        uid=text_of(by_name, "UID"),
        title=squash(text_of(by_name, "SUMMARY")),
        starts_at=starts_at,
        location=squash(text_of(by_name, "LOCATION")),
        description=text_of(by_name, "DESCRIPTION"),
        organizer=person(by_name.get("ORGANIZER", [None])[0]),
        attendees=[person(prop) for prop in by_name.get("ATTENDEE", [])],
        cancelled=cancelled_all or status == "CANCELLED",
        warnings=warnings,
    )


def text_of(by_name, name):
    props = by_name.get(name)
    return props[0].text if props else ""


def person(prop):
    """(e-mail, name) of an ORGANIZER or ATTENDEE: "mailto:" value, CN parameter."""
    if prop is None:
        return ("", "")
    email, valid = clean_email(prop.value.strip())
    return (email if valid else "", squash(prop.param("CN")))


def moment(prop, default_zone, warnings):
    """The aware datetime of a DTSTART."""
    value = prop.value.strip()
    try:
        if prop.param("VALUE").upper() == "DATE" or len(value) == 8:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
            return datetime.combine(day, time(9), tzinfo=default_zone)
        naive = datetime.strptime(value.rstrip("Zz")[:15], "%Y%m%dT%H%M%S")
    except ValueError as error:
        raise BadFile(f"“{value}” is not an iCalendar date-time.", line=prop.line) from error
    if value.upper().endswith("Z"):
        return naive.replace(tzinfo=UTC)
    tzid = prop.param("TZID")
    if not tzid:
        return naive.replace(tzinfo=default_zone)
    zone = zone_named(tzid)
    if zone is None:
        warnings.append(f"time zone “{tzid}” not known: read as {default_zone.key}")
        zone = default_zone
    return naive.replace(tzinfo=zone)


def zone_named(tzid):
    tzid = tzid.strip().strip('"')
    names = [WINDOWS_ZONES.get(tzid, tzid)]
    parts = tzid.strip("/").split("/")  # "/mozilla.org/20050126_1/Europe/London"
    names += ["/".join(parts[index:]) for index in range(1, len(parts))]
    for name in names:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return None
