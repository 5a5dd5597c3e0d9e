"""The dashboard (recruiters/dashboard.py, /home/): every section with the figures behind it.

`seed_story` lays out a small history relative to a clock: one recruiter (or follow-up) for
each section, plus a few that must *not* show up. The unit-level tests build the dashboard
with an explicit clock (`dashboard.build(profile, NOW)`); the page tests GET /home/, whose
view reads the real clock, so they seed relative to the real `timezone.now()` and give the
user a time zone in which it is the middle of the day (so "due today" has hours to go,
whenever the suite runs).
"""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters import dashboard
from recruiters.demo import load_demo
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter, Role
from tests.factories import (
    make_firm,
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday, midday
IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
Kind = Interaction.Kind

# (section id in the page, attribute of dashboard.Dashboard)
SECTIONS = [
    ("overdue", "overdue"),
    ("due-today", "due_today"),
    ("you-owe", "you_owe"),
    ("feedback-owed", "feedback_owed"),
    ("silent", "silent"),
    ("awaiting", "awaiting_reply"),
    ("one-sided", "one_sided"),
    ("double", "double_submissions"),
    ("unauthorised", "unauthorised_submissions"),
    ("check-in", "check_ins"),
    ("dormant", "dormant"),
]


def days(n):
    return timedelta(days=n)


def touch(recruiter, direction, kind, at, **fields):
    return make_interaction(recruiter, direction=direction, kind=kind, occurred_at=at, **fields)


def seed_story(user, now):
    """A small history, relative to `now`, that fires every section of the dashboard once.

    - Overdue / due today: two hand-made follow-ups, due 2 days ago and in 3 hours.
    - Dana Reyes (agency, 7 days): silent. Submitted to Ledgerly 21 days ago; her last word
      (the submission) 20 days ago, three chasers asking for news since (15, 10, 5 days ago).
      She is awaiting a reply too, but is listed once, as silent.
    - Fiona Osei (in-house Greenfield Health): panel interview 8 days ago, no feedback since:
      feedback owed to you. Dana and Tom hold active submissions and do not know about that
      interview: you owe each of them an update.
    - Aisha Bello (retained): pitched a role 4 days ago, unanswered: you owe an answer.
    - Grace Adeyemi: asked her something 2 days ago: awaiting her reply (not yet silent).
    - Chloe Hart: 4 messages from you, 1 back in 90 days: they ignore you.
    - Otto Brandt: 4 messages from him, none back, 2 carrying intel: you ignore them, value
      flows one way.
    - Sophie Lang (100 days ago) and Tom Ellery (10 days ago) both submitted you to Orbital
      Freight: a double submission. You authorised Sophie's submission, not Tom's: Tom
      submitted you without your authorisation. (You authorised Dana's and Fiona's.)
    - Helena Voss (invest): no contact for 40 days: worth a check-in. Ivy Chen (invest): 100
      days: a check-in too, so not also listed as dormant.
    - Nina Kowalski (maintain): no contact for 120 days: gone dormant. James Whitcombe
      (tiered dormant already): 200 days, listed nowhere. Quinn Moss: never contacted,
      listed nowhere.
    """
    today = now.date()
    s = SimpleNamespace(user=user, now=now)
    agency = make_firm(user, name="Northbridge Talent")
    kestrel = make_firm(user, name="Kestrel Search", kind=Firm.Kind.RETAINED)
    ledgerly = make_firm(user, name="Ledgerly", kind=Firm.Kind.EMPLOYER)
    orbital = make_firm(user, name="Orbital Freight", kind=Firm.Kind.EMPLOYER)
    greenfield = make_firm(user, name="Greenfield Health", kind=Firm.Kind.EMPLOYER)

    s.overdue = make_follow_up(user, title="Send Priya the updated CV", due_at=now - days(2))
    s.due_today = make_follow_up(
        user, title="Answer Quayside's offer", due_at=now + timedelta(hours=3)
    )

    s.dana = make_recruiter(user, name="Dana Reyes", firm=agency)
    s.dana_role = make_role(
        user,
        title="Staff Engineer, Payments",
        employer=ledgerly,
        recruiter=s.dana,
        stage=Role.Stage.SUBMITTED,
        submitted_on=today - days(21),
        submission_authorised=True,
    )
    touch(s.dana, IN, Kind.ROLE_PITCH, now - days(30), value="role_lead", role=s.dana_role)
    touch(s.dana, OUT, Kind.STATUS_UPDATE, now - days(29), role=s.dana_role)
    s.dana_last_word = touch(s.dana, IN, Kind.SUBMISSION, now - days(20), role=s.dana_role)
    for ago in (15, 10, 5):
        touch(s.dana, OUT, Kind.CHECK_IN, now - days(ago), expects_reply=True)

    s.fiona = make_recruiter(user, name="Fiona Osei", firm=greenfield, kind="in_house")
    s.fiona_role = make_role(
        user,
        title="Principal Engineer, Data",
        employer=greenfield,
        recruiter=s.fiona,
        stage=Role.Stage.INTERVIEWING,
        submitted_on=today - days(30),
        submission_authorised=True,
    )
    s.interview = touch(s.fiona, IN, Kind.INTERVIEW, now - days(8), role=s.fiona_role)

    s.aisha = make_recruiter(user, name="Aisha Bello", firm=kestrel, kind="retained")
    s.aisha_role = make_role(user, title="Head of Platform", recruiter=s.aisha)
    touch(s.aisha, IN, Kind.ROLE_PITCH, now - days(4), role=s.aisha_role, value="role_lead")

    s.grace = make_recruiter(user, name="Grace Adeyemi", firm=agency)
    touch(s.grace, IN, Kind.CHECK_IN, now - days(10))
    s.grace_ask = touch(s.grace, OUT, Kind.CHECK_IN, now - days(2), expects_reply=True)

    s.chloe = make_recruiter(user, name="Chloe Hart", firm=agency)
    touch(s.chloe, IN, Kind.CHECK_IN, now - days(80))
    for ago in (60, 45, 30, 16):
        touch(s.chloe, OUT, Kind.CHECK_IN, now - days(ago))

    s.otto = make_recruiter(user, name="Otto Brandt", firm=agency)
    for ago, value in ((50, "market_intel"), (35, ""), (20, "salary_data"), (5, "")):
        touch(s.otto, IN, Kind.CHECK_IN, now - days(ago), value=value)

    s.sophie = make_recruiter(user, name="Sophie Lang", firm=agency)
    s.tom = make_recruiter(user, name="Tom Ellery", firm=agency)
    s.sophie_role = make_role(
        user,
        title="Senior Backend Engineer (Routing)",
        employer=orbital,
        recruiter=s.sophie,
        stage=Role.Stage.REJECTED,
        submitted_on=today - days(100),
        submission_authorised=True,
    )
    s.tom_role = make_role(
        user,
        title="Staff Engineer, Data Platform",
        employer=orbital,
        recruiter=s.tom,
        stage=Role.Stage.SUBMITTED,
        submitted_on=today - days(10),
    )

    s.helena = make_recruiter(user, name="Helena Voss", firm=kestrel, tier="invest")
    s.helena_last = touch(s.helena, IN, Kind.CHECK_IN, now - days(40))
    s.ivy = make_recruiter(user, name="Ivy Chen", firm=kestrel, tier="invest")
    touch(s.ivy, OUT, Kind.CHECK_IN, now - days(100))
    s.nina = make_recruiter(user, name="Nina Kowalski", firm=agency)
    s.nina_last = touch(s.nina, IN, Kind.CHECK_IN, now - days(120))
    s.james = make_recruiter(user, name="James Whitcombe", firm=kestrel, tier="dormant")
    touch(s.james, IN, Kind.CHECK_IN, now - days(200))
    s.quinn = make_recruiter(user, name="Quinn Moss")
    return s


def names(items):
    return [str(item) for item in items]


def titles(follow_ups):
    return sorted(f.title for f in follow_ups)


def daytime_zone(now):
    """A fixed-offset time zone, never UTC, in which `now` is around midday.

    The page tests run on the real clock: in this zone "due in 3 hours" is always today,
    and any local time shown differs from the UTC one.
    """
    offset = 12 - now.astimezone(UTC).hour  # -11 .. +12 hours
    if offset == 0:
        offset = 3
    return f"Etc/GMT{-offset:+d}"  # the POSIX sign: Etc/GMT-3 is UTC+3


def seed_story_now(user):
    """`seed_story` on the real clock, for a GET of the page, in a daytime zone."""
    now = timezone.now()
    user.profile.time_zone = daytime_zone(now)
    user.profile.save()
    return seed_story(user, now)


def get_home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section_html(html, section_id):
    """The HTML of one section of the page (empty string when the section is absent)."""
    match = re.search(
        rf'<section [^>]*id="section-{re.escape(section_id)}".*?</section>', html, re.S
    )
    return match.group(0) if match else ""


def items_of(html, section_id):
    """The ids of the items listed in one section, e.g. ["silent-12"]."""
    return re.findall(r'<li class="item[^"]*" id="([^"]+)"', section_html(html, section_id))


def text(html):
    """The visible text of some HTML, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The dashboard, built on an explicit clock --------------------------------------------------


def test_every_section_lists_exactly_its_story():
    user = make_user()
    s = seed_story(user, NOW)

    board = dashboard.build(user.profile, NOW)

    assert board.overdue == [s.overdue]
    assert board.due_today == [s.due_today]
    assert titles(board.feedback_owed) == [
        "Feedback from Fiona Osei on the interview about Principal Engineer, Data"
    ]
    assert titles(board.you_owe) == [
        "Answer Aisha Bello about Head of Platform",
        "Update Dana Reyes on your search",
        "Update Tom Ellery on your search",
    ]
    assert board.silent == [s.dana]
    assert board.awaiting_reply == [s.grace]  # Dana awaits a reply too, but is listed as silent
    assert names(board.one_sided) == ["Chloe Hart", "Otto Brandt"]
    assert board.double_submissions == [s.sophie_role, s.tom_role]
    assert board.unauthorised_submissions == [s.tom_role]
    assert board.check_ins == [s.ivy, s.helena]  # longest quiet first
    assert board.dormant == [s.nina]  # Ivy is a check-in; James is tiered dormant already
    assert board.recruiter_count == 13
    assert not board.is_empty
    assert board.counts == {
        "overdue": 1,
        "due_today": 1,
        "feedback_owed": 1,
        "you_owe": 3,
        "silent": 1,
        "awaiting_reply": 1,
        "one_sided": 2,
        "double_submissions": 2,
        "unauthorised_submissions": 1,
        "check_ins": 2,
        "dormant": 1,
    }


def test_silent_recruiter_carries_the_figures_behind_it():
    user = make_user()
    s = seed_story(user, NOW)

    (dana,) = dashboard.build(user.profile, NOW).silent

    assert dana.silent_since == s.dana_last_word.occurred_at  # her last word
    assert dana.chasers_since == 3  # "3 messages to Dana since ..., none back"
    assert dana.silence_threshold == 7  # the agency default
    assert dana.open_role_count == 1
    assert dana.awaiting_reply_since == NOW - days(15)


def test_silence_threshold_override_is_the_one_shown():
    user = make_user()
    s = seed_story(user, NOW)
    Recruiter.objects.filter(pk=s.dana.pk).update(silence_threshold_days=30)
    Recruiter.objects.filter(pk=s.grace.pk).update(silence_threshold_days=1)

    board = dashboard.build(user.profile, NOW)

    assert board.silent == [s.grace]  # asked 2 days ago, allowed 1 day
    assert board.silent[0].silence_threshold == 1
    assert s.dana in board.awaiting_reply  # no longer silent (20 < 30 days): awaiting only


def test_awaiting_reply_carries_when_you_asked():
    user = make_user()
    s = seed_story(user, NOW)

    (grace,) = dashboard.build(user.profile, NOW).awaiting_reply

    assert grace.awaiting_reply_since == s.grace_ask.occurred_at


def test_one_sided_carries_the_window_figures_and_which_way():
    user = make_user()
    seed_story(user, NOW)

    chloe, otto = dashboard.build(user.profile, NOW).one_sided

    assert (chloe.outbound_in_window, chloe.inbound_in_window) == (4, 1)
    assert (chloe.value_given_in_window, chloe.value_received_in_window) == (0, 0)
    assert (chloe.they_ignore_you, chloe.you_ignore_them, chloe.value_one_way) == (
        True,
        False,
        False,
    )
    assert (otto.outbound_in_window, otto.inbound_in_window) == (0, 4)
    assert (otto.value_given_in_window, otto.value_received_in_window) == (0, 2)
    assert (otto.they_ignore_you, otto.you_ignore_them, otto.value_one_way) == (
        False,
        True,
        True,
    )


def test_rule_follow_ups_explain_themselves():
    user = make_user()
    s = seed_story(user, NOW)

    board = dashboard.build(user.profile, NOW)

    (feedback,) = board.feedback_owed
    assert feedback.owed_by == FollowUp.OwedBy.RECRUITER
    assert feedback.recruiter == s.fiona and feedback.role == s.fiona_role
    assert feedback.notes == "Interview on 4 Mar; no feedback after 3 business days."
    owe = {f.recruiter.name: f for f in board.you_owe}
    assert owe["Aisha Bello"].notes == "1 pitch since 8 Mar, nothing sent back."
    assert owe["Dana Reyes"].notes == (
        "You interviewed elsewhere 4 Mar. Dana Reyes holds 1 open role with you."
    )
    assert all(f.owed_by == FollowUp.OwedBy.ME for f in board.you_owe)


def test_double_submission_counts_the_clash():
    user = make_user()
    seed_story(user, NOW)

    roles = dashboard.build(user.profile, NOW).double_submissions

    assert [(r.recruiter.name, r.employer.name, r.clash_count) for r in roles] == [
        ("Sophie Lang", "Orbital Freight", 1),
        ("Tom Ellery", "Orbital Freight", 1),
    ]
    # You authorised Sophie's submission, not Tom's.
    assert [(r.submission_authorised, r.authorised_clash_count) for r in roles] == [
        (True, 0),
        (False, 1),
    ]


def test_check_ins_and_dormant_carry_the_last_contact():
    user = make_user()
    s = seed_story(user, NOW)

    board = dashboard.build(user.profile, NOW)

    assert board.check_ins[1].last_contact_at == s.helena_last.occurred_at
    assert board.dormant[0].last_contact_at == s.nina_last.occurred_at


def test_a_follow_up_is_listed_once():
    """Rule-made follow-ups are in their own sections, not also in overdue or due today."""
    user = make_user()
    seed_story(user, NOW)

    board = dashboard.build(user.profile, NOW)

    listed = board.overdue + board.due_today + board.feedback_owed + board.you_owe
    assert len({f.pk for f in listed}) == len(listed) == 6
    assert all(not f.rule for f in board.overdue + board.due_today)


def test_building_twice_makes_no_new_follow_ups():
    user = make_user()
    seed_story(user, NOW)
    dashboard.build(user.profile, NOW)
    before = set(FollowUp.objects.values_list("pk", "state"))

    board = dashboard.build(user.profile, NOW)

    assert set(FollowUp.objects.values_list("pk", "state")) == before
    assert board.counts["you_owe"] == 3 and board.counts["feedback_owed"] == 1


def test_finished_and_snoozed_follow_ups_leave_the_board():
    user = make_user()
    s = seed_story(user, NOW)
    s.overdue.state, s.overdue.closed_at = FollowUp.State.DONE, NOW
    s.overdue.save()
    s.due_today.state, s.due_today.snoozed_until = FollowUp.State.SNOOZED, NOW + days(3)
    s.due_today.save()

    board = dashboard.build(user.profile, NOW)

    assert board.overdue == [] and board.due_today == []
    # ... and a snooze that has run out brings the follow-up back, as overdue.
    later = dashboard.build(user.profile, NOW + days(3) + timedelta(minutes=1))
    assert s.due_today in later.overdue


# The page ------------------------------------------------------------------------------------


def test_page_shows_every_section_with_its_figures(client, user):
    s = seed_story_now(user)
    client.force_login(user)

    html = get_home(client)

    for section_id, _ in SECTIONS:
        assert items_of(html, section_id), f"section {section_id} is missing or empty"
    assert items_of(html, "overdue") == [f"follow-up-{s.overdue.pk}"]
    overdue = text(section_html(html, "overdue"))
    assert "Send Priya the updated CV" in overdue and "2 days" in overdue and "ago" in overdue
    assert items_of(html, "due-today") == [f"follow-up-{s.due_today.pk}"]
    assert re.search(r"Due \d\d:\d\d today\.", text(section_html(html, "due-today")))

    feedback = text(section_html(html, "feedback-owed"))
    assert "Feedback from Fiona Osei on the interview about Principal Engineer, Data" in feedback
    assert "no feedback after 3 business days" in feedback

    you_owe = text(section_html(html, "you-owe"))
    assert "Answer Aisha Bello about Head of Platform" in you_owe
    assert "1 pitch since" in you_owe and "nothing sent back" in you_owe
    assert "Update Dana Reyes on your search" in you_owe
    assert "You interviewed elsewhere" in you_owe
    assert "Dana Reyes holds 1 open role with you" in you_owe

    assert items_of(html, "silent") == [f"silent-{s.dana.pk}"]
    silent = text(section_html(html, "silent"))
    assert re.search(r"3 messages to Dana Reyes since \d{1,2} \w{3}, none back", silent)
    assert "threshold 7 days" in silent and "1 open role with them" in silent

    assert items_of(html, "awaiting") == [f"awaiting-{s.grace.pk}"]
    awaiting = text(section_html(html, "awaiting"))
    assert re.search(
        r"You asked on \d{1,2} \w{3} \(2 days(, \d+ minutes?)? ago\); no reply", awaiting
    )

    assert items_of(html, "one-sided") == [f"one-sided-{s.chloe.pk}", f"one-sided-{s.otto.pk}"]
    one_sided = section_html(html, "one-sided")
    chloe, otto = re.findall(r'<li class="item".*?</li>', one_sided, re.S)
    assert "Last 90 days: 4 from you, 1 from them; value 0 given, 0 received." in text(chloe)
    assert re.findall(r'<span class="badge warn">([^<]+)</span>', chloe) == ["they ignore you"]
    assert "Last 90 days: 0 from you, 4 from them; value 0 given, 2 received." in text(otto)
    assert re.findall(r'<span class="badge warn">([^<]+)</span>', otto) == [
        "you ignore them",
        "value flows one way",
    ]

    assert items_of(html, "double") == [f"double-{s.sophie_role.pk}", f"double-{s.tom_role.pk}"]
    double = text(section_html(html, "double"))
    assert "Tom Ellery submitted you to Orbital Freight" in double
    assert "For Staff Engineer, Data Platform on" in double
    assert "another recruiter submitted you there within six months of it." in double
    sophie, tom = re.findall(r'<li class="item".*?</li>', section_html(html, "double"), re.S)
    assert "You authorised this one, not the other." in text(sophie)
    assert "You did not authorise this one; you authorised the other." in text(tom)

    assert items_of(html, "unauthorised") == [f"unauthorised-{s.tom_role.pk}"]
    unauthorised = text(section_html(html, "unauthorised"))
    assert "Tom Ellery submitted you to Orbital Freight on" in unauthorised
    assert "For Staff Engineer, Data Platform (submitted)." in unauthorised
    assert "You did not authorise this submission" in unauthorised

    assert items_of(html, "check-in") == [f"check-in-{s.ivy.pk}", f"check-in-{s.helena.pk}"]
    check_in = text(section_html(html, "check-in"))
    assert "An “invest” relationship with no contact since" in check_in
    assert "you check in every 30 days" in check_in

    assert items_of(html, "dormant") == [f"dormant-{s.nina.pk}"]
    dormant = text(section_html(html, "dormant"))
    assert "No contact either way since" in dormant
    assert "90 days make a relationship dormant" in dormant

    for nobody in ("James Whitcombe", "Quinn Moss"):
        assert nobody not in html


def section_ids(html):
    """The ids of the page's sections, in page order."""
    return re.findall(r'<section [^>]*id="section-([^"]+)"', html)


def section_classes(html, section_id):
    return re.search(r'<section class="([^"]+)"', section_html(html, section_id)).group(1).split()


def test_unauthorised_submissions_follow_double_submissions_in_an_open_search(client, user):
    seed_story_now(user)
    client.force_login(user)

    html = get_home(client)

    order = section_ids(html)
    assert order.index("unauthorised") == order.index("double") + 1
    assert "alert" not in section_classes(html, "unauthorised")
    assert "Recruiters who submitted you where you had not said they may." in html


def test_in_a_confidential_search_unauthorised_submissions_come_first_as_an_alert(client, user):
    s = seed_story_now(user)
    Profile.objects.filter(user=user).update(confidential_search=True)
    client.force_login(user)

    html = get_home(client)

    assert section_ids(html)[0] == "unauthorised"
    assert section_ids(html).count("unauthorised") == 1  # listed once, at the top
    assert "alert" in section_classes(html, "unauthorised")
    assert items_of(html, "unauthorised") == [f"unauthorised-{s.tom_role.pk}"]
    assert "You are searching confidentially" in section_html(html, "unauthorised")
    assert all("alert" not in section_classes(html, other) for other in section_ids(html)[1:])


def test_section_counts_match_their_items(client, user):
    seed_story_now(user)
    client.force_login(user)

    html = get_home(client)

    for section_id, _ in SECTIONS:
        count = re.search(r'<span class="count">(\d+)</span>', section_html(html, section_id))
        assert int(count.group(1)) == len(items_of(html, section_id)), section_id


def test_page_offers_the_one_click_actions(client, user):
    s = seed_story_now(user)
    client.force_login(user)

    html = get_home(client)

    silent = section_html(html, "silent")
    assert reverse("recruiter_action", args=[s.dana.pk, "replied"]) in silent
    assert reverse("recruiter_action", args=[s.dana.pk, "tier"]) in silent
    assert "Log their reply" in silent
    unauthorised = section_html(html, "unauthorised")
    assert reverse("role_authorise", args=[s.tom_role.pk]) in unauthorised
    assert "Mark as authorised" in unauthorised
    check_in = section_html(html, "check-in")
    assert reverse("recruiter_action", args=[s.helena.pk, "checked-in"]) in check_in
    assert "Log a check-in" in check_in
    overdue = section_html(html, "overdue")
    for action in ("done", "snooze", "dismiss"):
        assert reverse("follow_up_action", args=[s.overdue.pk, action]) in overdue
    assert 'hx-swap="delete"' in overdue


def test_times_are_shown_in_the_users_time_zone(client, user):
    """A follow-up due at 18:45 in the user's zone reads "Due 18:45 today", not UTC time.

    The rules decide "today" in the user's zone (Profile.time_zone); the page must then show
    that zone's clock too.
    """
    now = timezone.now()
    user.profile.time_zone = daytime_zone(now)
    user.profile.save()
    local = now.astimezone(user.profile.zone)
    due = local.replace(hour=18, minute=45, second=0, microsecond=0)
    make_follow_up(user, title="Call Dana back", due_at=due)
    make_recruiter(user, name="Dana Reyes")
    client.force_login(user)

    due_today = text(section_html(get_home(client), "due-today"))

    assert "Call Dana back" in due_today
    assert "Due 18:45 today." in due_today, due_today


# Empty states ------------------------------------------------------------------------------


def test_no_recruiters_shows_the_welcome(client, user):
    client.force_login(user)

    html = get_home(client)

    assert "Welcome to Callback" in html
    assert "Add your first recruiter" in html
    assert f'href="{reverse("recruiter_create")}"' in html
    assert "All clear" not in html
    assert '<section class="card section' not in html


def test_recruiters_with_nothing_firing_show_all_clear(client, user):
    dana = make_recruiter(user, name="Dana Reyes")
    now = timezone.now()
    touch(dana, OUT, Kind.CHECK_IN, now - days(3), expects_reply=True)
    touch(dana, IN, Kind.CHECK_IN, now - days(2), value="market_intel")
    make_recruiter(user, name="Quinn Moss")  # never contacted: nothing to say
    client.force_login(user)

    html = get_home(client)

    assert dashboard.build(user.profile).is_empty
    assert "All clear" in html
    assert "Welcome to Callback" not in html and "Add your first recruiter" not in html
    assert '<section class="card section' not in html


def test_a_due_follow_up_shows_even_before_the_first_recruiter(client, user):
    """A follow-up needs no recruiter: the welcome must not hide one that is overdue."""
    follow_up = make_follow_up(
        user, title="Rewrite the CV summary", due_at=timezone.now() - days(1)
    )
    client.force_login(user)

    html = get_home(client)

    assert "Add your first recruiter" in html
    assert items_of(html, "overdue") == [f"follow-up-{follow_up.pk}"]


# Isolation -----------------------------------------------------------------------------------


def test_another_users_rows_never_reach_my_dashboard(client, user, other_user):
    seed_story_now(other_user)
    mine = make_recruiter(user, name="My Only Recruiter")
    touch(mine, IN, Kind.CHECK_IN, timezone.now() - days(1))
    client.force_login(user)

    html = get_home(client)

    assert dashboard.build(user.profile).is_empty
    assert "All clear" in html
    for theirs in (
        "Dana Reyes",
        "Chloe Hart",
        "Otto Brandt",
        "Orbital Freight",
        "Send Priya the updated CV",
        "Answer Quayside",
        "Fiona Osei",
    ):
        assert theirs not in html
    # ... while the same rows do fire on their owner's dashboard.
    theirs = dashboard.build(other_user.profile)
    assert theirs.silent and theirs.one_sided and theirs.overdue and theirs.double_submissions


def test_with_two_full_histories_each_sees_only_their_own(client, user, other_user):
    """Both users have the same story (same names, same employers by name): every item on my
    page is one of my rows, and no rule counts across users (one clash per submission, not
    three; one chaser count, not doubled)."""
    theirs = seed_story_now(other_user)
    mine = seed_story_now(user)
    client.force_login(user)

    board = dashboard.build(user.profile)
    html = get_home(client)

    recruiters = (
        board.silent + board.awaiting_reply + board.one_sided + board.check_ins + board.dormant
    )
    assert {r.owner_id for r in recruiters} == {user.pk}
    follow_ups = board.overdue + board.due_today + board.feedback_owed + board.you_owe
    assert {f.owner_id for f in follow_ups} == {user.pk}
    assert {r.owner_id for r in board.double_submissions} == {user.pk}
    assert [r.clash_count for r in board.double_submissions] == [1, 1]
    assert board.silent[0].chasers_since == 3
    assert board.counts == dashboard.build(other_user.profile).counts

    my_ids = {f"follow-up-{f.pk}" for f in FollowUp.objects.owned_by(user)}
    my_ids |= {
        f"{kind}-{pk}"
        for kind in ("silent", "awaiting", "one-sided", "check-in", "dormant")
        for pk in Recruiter.objects.owned_by(user).values_list("pk", flat=True)
    }
    my_ids |= {
        f"{kind}-{pk}"
        for kind in ("double", "unauthorised")
        for pk in Role.objects.owned_by(user).values_list("pk", flat=True)
    }
    listed = [item for section_id, _ in SECTIONS for item in items_of(html, section_id)]
    assert listed and set(listed) <= my_ids
    for row in (theirs.dana, theirs.chloe, theirs.otto, theirs.nina):
        assert f'href="{row.get_absolute_url()}"' not in html
    assert f"follow-up-{theirs.overdue.pk}" not in html
    assert f"double-{theirs.tom_role.pk}" not in html
    assert mine.dana.pk != theirs.dana.pk


# The demo account -----------------------------------------------------------------------------


def test_demo_dashboard_shows_every_section(client):
    """Acceptance: the demo account's dashboard shows every section at least once."""
    user = load_demo("demo.dashboard@example.com", "a-long-demo-password").user
    client.force_login(user)

    html = get_home(client)

    empty = [section_id for section_id, _ in SECTIONS if not items_of(html, section_id)]
    assert empty == [], f"sections missing from the demo dashboard: {empty}"
    assert "Marcus Webb" in section_html(html, "silent")
    assert "Chloe Hart" in section_html(html, "one-sided")
    assert "Dan Okafor" in section_html(html, "one-sided")
    assert "Orbital Freight" in section_html(html, "double")
    assert "Grace Adeyemi" in section_html(html, "awaiting")
    assert "Helena Voss" in section_html(html, "check-in")
    assert "Nina Kowalski" in section_html(html, "dormant")
    assert "Rachel Osei" in section_html(html, "feedback-owed")
    assert "Dan Okafor" in section_html(html, "unauthorised")


@pytest.mark.parametrize("local_time", ["00:10", "08:30", "17:45", "23:58"])
@pytest.mark.parametrize("day", ["2025-03-14", "2025-07-05"])  # a Friday in GMT, a Saturday in BST
def test_demo_shows_every_section_whenever_it_is_loaded(day, local_time):
    """The same acceptance criterion on a pinned clock: loaded and viewed at any time of day
    (London), on a weekday or a weekend, in winter or summer time."""
    when = datetime.fromisoformat(f"{day}T{local_time}").replace(tzinfo=ZoneInfo("Europe/London"))
    user = load_demo("demo.clock@example.com", "a-long-demo-password", now=when).user
    profile = Profile.objects.get(user=user)  # (user.profile is the one before the load)

    board = dashboard.build(profile, when)

    empty = [attribute for _, attribute in SECTIONS if not getattr(board, attribute)]
    assert empty == [], f"sections empty at {when:%a %Y-%m-%d %H:%M %Z}: {empty}"


def test_a_long_section_shows_its_first_items_and_offers_them_all(client, user):
    now = timezone.now()
    for n in range(dashboard.SECTION_LIMIT + 5):
        make_follow_up(user, title=f"Chore {n:02}", due_at=now - days(1) - timedelta(minutes=n))
    client.force_login(user)

    html = get_home(client)
    assert len(items_of(html, "overdue")) == dashboard.SECTION_LIMIT
    assert f"Show all {dashboard.SECTION_LIMIT + 5}" in html

    html = client.get(reverse("home"), {"all": "overdue"}).content.decode()
    assert len(items_of(html, "overdue")) == dashboard.SECTION_LIMIT + 5
    assert "Show all" not in section_html(html, "overdue")
