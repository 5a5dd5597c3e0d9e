"""The iCalendar feed of a user's open follow-ups, at a private address they can change.

Each open or snoozed follow-up is one VEVENT of 30 minutes at the time it is due (for a
snoozed one: when the snooze ends), in UTC. Its UID names the follow-up, so calendar apps
update the event in place when the follow-up moves; DTSTAMP and LAST-MODIFIED are the
follow-up's last change. Events are transparent: a reminder never shows you as busy.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from recruiters import selectors
from recruiters.exports import ical
from recruiters.models import CalendarFeed, FollowUp, new_calendar_token

EVENT_LENGTH = timedelta(minutes=30)
# How often calendar apps are asked to refresh (RFC 7986 and the common X- property).
REFRESH = "PT1H"


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
    """The whole .ics document of `user`'s open follow-ups, as a str with CRLF lines."""
    host = urlsplit(settings.SITE_URL).hostname or "callback"
    zone = user.profile.zone
    events = [event(follow_up, host, zone) for follow_up in feed_follow_ups(user)]
    return ical.component(
        "VCALENDAR",
        [
            ical.content_line("VERSION", "2.0"),
            ical.content_line("PRODID", "-//Callback//Follow-ups//EN"),
            ical.content_line("CALSCALE", "GREGORIAN"),
            ical.content_line("METHOD", "PUBLISH"),
            ical.content_line("NAME", ical.text("Callback follow-ups")),
            ical.content_line("X-WR-CALNAME", ical.text("Callback follow-ups")),
            ical.content_line(
                "X-WR-CALDESC", ical.text("What you owe recruiters and what they owe you.")
            ),
            ical.content_line("REFRESH-INTERVAL", REFRESH, VALUE="DURATION"),
            ical.content_line("X-PUBLISHED-TTL", REFRESH),
            *events,
        ],
    )


def event(follow_up, host, zone):
    """One VEVENT for `follow_up`; `zone` is the user's, for dates written in the text."""
    start = follow_up.effective_due_at
    changed = follow_up.updated_at
    return ical.component(
        "VEVENT",
        [
            ical.content_line("UID", f"follow-up-{follow_up.pk}@{host}"),
            ical.content_line("DTSTAMP", ical.utc(changed)),
            ical.content_line("LAST-MODIFIED", ical.utc(changed)),
            ical.content_line("DTSTART", ical.utc(start)),
            ical.content_line("DTEND", ical.utc(start + EVENT_LENGTH)),
            ical.content_line("SUMMARY", ical.text(summary(follow_up))),
            ical.content_line("DESCRIPTION", ical.text(description(follow_up, zone))),
            ical.content_line("URL", settings.SITE_URL + follow_up.get_absolute_url()),
            ical.content_line("CATEGORIES", ical.text("Callback")),
            ical.content_line("TRANSP", "TRANSPARENT"),
            ical.content_line("STATUS", "CONFIRMED"),
        ],
    )


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
    lines += ["", f"Open in Callback: {settings.SITE_URL}{follow_up.get_absolute_url()}"]
    return "\n".join(lines)
