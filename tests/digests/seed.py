"""Users and histories for the digest tests, laid out relative to a clock."""

import html as html_lib
import re
from datetime import timedelta

from recruiters.models import Interaction, Profile, Role
from tests.factories import (
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)

IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
Kind = Interaction.Kind
INVISIBLE = "\u034f\u200c\u00a0"  # the preheader's fill: &#847; &zwnj; &nbsp;
PREHEADER = re.compile(r'<body[^>]*>\s*<div style="display:none;[^"]*">(.*?)</div>', re.S)


def preheader(html):
    """The hidden preheader of a digest's HTML, without its invisible fill (in lines)."""
    found = PREHEADER.search(html)
    assert found, "the preheader is the first thing in the body"
    return html_lib.unescape(found.group(1)).strip(INVISIBLE + " \r\n")


def digest_user(email, *, time_zone="UTC", hour=8, frequency="daily", weekday=0, **profile):
    """A user whose digest comes at `hour` o'clock in `time_zone`."""
    user = make_user(email)
    Profile.objects.filter(user=user).update(
        time_zone=time_zone,
        digest_hour=hour,
        digest_frequency=frequency,
        digest_weekday=weekday,
        **profile,
    )
    user.profile.refresh_from_db()
    return user


def days(n):
    return timedelta(days=n)


def seed_history(user, now):
    """A small history that puts one item in each of five digest sections, at `now`
    (which must leave at least two hours of the user's day):

    - overdue: "Send Priya the updated CV", due 2 days ago;
    - due today: "Call Tom about Ledgerly", due in 2 hours;
    - silent: Dana Reyes (agency): submitted you to Ledgerly 20 days ago, her last word;
      two chasers since, unanswered;
    - awaiting a reply: Grace Adeyemi, asked 2 days ago (she answered before, 10 days ago);
    - one-sided: Chloe Hart, four messages from you and one from her in the last 60 days.

    The subject is therefore "2 follow-ups due, 1 recruiter silent, 1 awaiting a reply,
    1 one-sided relationship". Returns the rows by name.
    """
    overdue = make_follow_up(user, title="Send Priya the updated CV", due_at=now - days(2))
    due_today = make_follow_up(
        user, title="Call Tom about Ledgerly", due_at=now + timedelta(hours=2)
    )
    dana = make_recruiter(user, name="Dana Reyes")
    role = make_role(user, title="Staff Engineer", recruiter=dana, stage=Role.Stage.SUBMITTED)
    make_interaction(dana, direction=IN, kind=Kind.SUBMISSION, occurred_at=now - days(20))
    for ago in (15, 8):
        make_interaction(
            dana, direction=OUT, kind=Kind.CHECK_IN, occurred_at=now - days(ago), role=role
        )
    grace = make_recruiter(user, name="Grace Adeyemi")
    make_interaction(grace, direction=IN, kind=Kind.CHECK_IN, occurred_at=now - days(10))
    make_interaction(
        grace, direction=OUT, kind=Kind.CHECK_IN, occurred_at=now - days(2), expects_reply=True
    )
    chloe = make_recruiter(user, name="Chloe Hart")
    make_interaction(chloe, direction=IN, kind=Kind.CHECK_IN, occurred_at=now - days(60))
    for ago in (50, 40, 30, 20):
        make_interaction(chloe, direction=OUT, kind=Kind.CHECK_IN, occurred_at=now - days(ago))
    return {
        "overdue": overdue,
        "due_today": due_today,
        "dana": dana,
        "grace": grace,
        "chloe": chloe,
    }


SEEDED_SUBJECT = (
    "2 follow-ups due, 1 recruiter silent, 1 awaiting a reply, 1 one-sided relationship"
)
