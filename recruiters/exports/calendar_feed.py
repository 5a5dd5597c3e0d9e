"""The iCalendar feed of a user's open follow-ups, at a private address they can change.

Each open or snoozed follow-up is one VEVENT of 30 minutes at the time it is due (for a
snoozed one: when the snooze ends), in UTC. Its UID names the follow-up, so calendar apps
update the event in place when the follow-up moves; DTSTAMP and LAST-MODIFIED are the
follow-up's last change. Events are transparent: a reminder never shows you as busy.

The document is written by the `icalendar` library (RFC 5545 escaping, folding at 75
octets, CRLF line ends, UTC date-times). X- properties are given typed values (`vText`,
`vDuration`): the library writes an untyped X- value verbatim, unescaped.

In a confidential search (Profile.confidential_search) the feed names nobody: calendars are
shared, synced to work devices and shown on lock screens. Every event is then titled
`NEUTRAL_SUMMARY` and its description is only the link back into Callback, where the
details are.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar, Event, vDuration, vText

from recruiters import selectors
from recruiters.models import CalendarFeed, FollowUp, new_calendar_token

EVENT_LENGTH = timedelta(minutes=30)
# How often calendar apps are asked to refresh (RFC 7986 and the common X- property).
REFRESH = timedelta(hours=1)
NEUTRAL_SUMMARY = "Callback follow-up"
CALENDAR_DESCRIPTION = "What you owe recruiters and what they owe you."
NEUTRAL_CALENDAR_DESCRIPTION = "Follow-ups from Callback."
CALENDAR_NAME = "Callback follow-ups"
# Control characters other than HTAB, CR and LF are not allowed in TEXT (RFC 5545,
# 3.3.11); icalendar escapes line breaks but passes these through, so they are dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def feed_for(user):
    """The user's calendar feed, created with a fresh token on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def existing_feed(user):
    """The user's calendar feed, or None if they have not got one yet."""
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def regenerate_token(user):
    """Give the user's feed a new token: the old address stops working at once."""
    feed = feed_for(user)
    feed.token = new_calendar_token()
    feed.save(update_fields=["token"])
    return feed


def feed_by_token(token):
    """The feed with this token, with its user, or None."""
    return CalendarFeed.objects.select_related("user").filter(token=token).first()


def feed_url(feed):
    """The absolute address of the feed, from SITE_URL."""
    return settings.SITE_URL + reverse("export_calendar_feed", args=[feed.token])


def webcal_url(feed):
    """The same address with the webcal:// scheme, which calendar apps open to subscribe."""
    parts = urlsplit(feed_url(feed))
    return "webcal://" + parts.netloc + parts.path


def feed_follow_ups(user):
    """The follow-ups the feed shows: the user's open and snoozed ones, soonest first."""
    return selectors.open_follow_ups(user).select_related("recruiter__firm", "role__employer")


def render_feed(user):
    """The whole .ics document of `user`'s open follow-ups, as bytes with CRLF lines."""
    host = urlsplit(settings.SITE_URL).hostname or "callback"
    profile = user.profile
    zone, confidential = profile.zone, profile.confidential_search
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//Callback//Follow-ups//EN")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", CALENDAR_NAME)
    calendar.add("X-WR-CALNAME", vText(CALENDAR_NAME))
    about = NEUTRAL_CALENDAR_DESCRIPTION if confidential else CALENDAR_DESCRIPTION
    calendar.add("X-WR-CALDESC", vText(about))
    # RFC 7986 requires VALUE=DURATION here (the library's refresh_interval omits it).
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    for follow_up in feed_follow_ups(user):
        calendar.add_component(event(follow_up, host, zone, confidential=confidential))
    return calendar.to_ical(sorted=False)


def event(follow_up, host, zone, *, confidential=False):
    """One VEVENT for `follow_up`; `zone` is the user's, for dates written in the text. In a
    confidential search, its text names nobody."""
    start = follow_up.effective_due_at
    changed = follow_up.updated_at
    if confidential:
        title, text = NEUTRAL_SUMMARY, f"Open in Callback: {link(follow_up)}"
    else:
        title, text = summary(follow_up), description(follow_up, zone)
    event = Event()
    event.add("UID", f"follow-up-{follow_up.pk}@{host}")
    # Aware datetimes are written in UTC with the Z suffix, so no VTIMEZONE is needed.
    event.add("DTSTAMP", changed)
    event.add("LAST-MODIFIED", changed)
    event.add("DTSTART", start)
    event.add("DTEND", start + EVENT_LENGTH)
    event.add("SUMMARY", clean(title))
    event.add("DESCRIPTION", clean(text))
    event.add("URL", link(follow_up))
    event.add("CATEGORIES", ["Callback"])
    event.add("TRANSP", "TRANSPARENT")
    event.add("STATUS", "CONFIRMED")
    return event


def clean(value):
    """`value` without the control characters a TEXT value may not hold."""
    return _CONTROL.sub("", value)


def link(follow_up):
    """The follow-up's absolute address in Callback."""
    return settings.SITE_URL + follow_up.get_absolute_url()


def summary(follow_up):
    if follow_up.owed_by == FollowUp.OwedBy.RECRUITER:
        return f"Awaiting: {follow_up.title}"
    return follow_up.title


def description(follow_up, zone):
    """Who owes it to whom, about what, the notes, and the link back into Callback."""
    recruiter = follow_up.recruiter
    if recruiter and recruiter.firm:
        who = f"{recruiter} ({recruiter.firm})"
    else:
        who = str(recruiter) if recruiter else None
    if follow_up.owed_by == FollowUp.OwedBy.ME:
        owes = f"You owe this to {who}." if who else "You owe this."
    else:
        owes = f"{who} owes you this." if who else "The recruiter owes you this."
    lines = [owes]
    if follow_up.role:
        lines.append(f"About: {follow_up.role}.")
    if follow_up.state == FollowUp.State.SNOOZED:
        lines.append(f"Snoozed; first due {follow_up.due_at.astimezone(zone):%-d %b %Y, %H:%M}.")
    if follow_up.notes:
        lines += ["", follow_up.notes]
    lines += ["", f"Open in Callback: {link(follow_up)}"]
    return "\n".join(lines)
