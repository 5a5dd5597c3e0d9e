"""What a digest says: the dashboard's items, with absolute links, in both parts.

These tests send in this process (Django's test mail outbox); test_delivery_smtp.py checks
the same e-mail as a real SMTP server receives it from a real worker.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from recruiters import dashboard
from recruiters.digests import delivery, render
from recruiters.models import Digest, Profile
from tests.digests.seed import SEEDED_SUBJECT, digest_user, seed_history
from tests.factories import make_firm, make_follow_up, make_recruiter, make_role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 9, 5, tzinfo=UTC)  # Thursday, 09:05 in London (GMT)
PERIOD = "2026-03-12"


def send(user, period=PERIOD, now=NOW):
    return delivery.deliver(user.pk, period, now=now, claimer="test")


@pytest.fixture
def seeded():
    user = digest_user("ada@example.com", time_zone="Europe/London", hour=9)
    rows = seed_history(user, NOW)
    return user, rows


def parts(message):
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    return message.body, html


def test_subject_counts_and_both_parts_list_every_item(seeded, settings):
    user, rows = seeded
    assert send(user) == delivery.SENT
    (message,) = mail.outbox
    assert message.subject == SEEDED_SUBJECT
    assert message.to == ["ada@example.com"]
    text, html = parts(message)
    for part in (text, html):
        for title in ("Send Priya the updated CV", "Call Tom about Ledgerly"):
            assert title in part
        for name in ("Dana Reyes", "Grace Adeyemi", "Chloe Hart"):
            assert name in part
        for heading in ("Overdue", "Due today", "Silent recruiters", "Awaiting their reply"):
            assert heading.upper() in part or heading in part
    # Sections carry the dashboard's explanations of each item, in the user's time zone.
    assert "2 messages to Dana Reyes since 20 Feb, none back" in text
    assert "Last 90 days: 4 from you, 1 from them" in text
    assert "Due 11:05 today." in text
    # Absolute links into the app, and one-click actions for each follow-up.
    site = settings.SITE_URL
    assert f"{site}/recruiters/{rows['dana'].pk}/" in html
    assert f"{site}/follow-ups/{rows['overdue'].pk}/edit/" in text
    assert html.count(f"{site}/digest/follow-up/done/") == 2
    assert html.count(f"{site}/digest/follow-up/snooze/") == 2
    assert f"{site}/digest/unsubscribe/" in text


def test_the_digest_lists_exactly_the_dashboards_items(seeded):
    user, _ = seeded
    board = dashboard.build(user.profile, NOW)
    composed = render.compose(user.profile, NOW)
    for name, _title, _explanation, _kind in render.SECTIONS:
        section = next(s for s in composed.sections if s.name == name)
        assert [item.obj.pk for item in section.items] == [o.pk for o in getattr(board, name)]


def test_a_long_section_shows_the_dashboards_first_items_and_says_how_many_more():
    user = digest_user("busy@example.com")
    for n in range(dashboard.SECTION_LIMIT + 3):
        make_follow_up(user, title=f"Chase number {n}", due_at=NOW - timedelta(hours=n + 1))
    composed = render.compose(user.profile, NOW)
    (overdue,) = composed.sections[:1]
    limit = dashboard.SECTION_LIMIT
    assert (len(overdue.items), overdue.total, overdue.more) == (limit, limit + 3, 3)
    assert composed.subject == f"{limit + 3} follow-ups due"
    assert f"OVERDUE ({limit + 3})" in composed.text and "… and 3 more: http" in composed.text
    assert "… and 3 more in Callback" in composed.html


def test_both_parts_go_as_written_not_quoted_printable(seeded):
    user, _ = seeded
    composed = render.compose(user.profile, NOW)
    mime = render.email(user.profile, composed).message()
    encodings = {
        part.get_content_type(): part["Content-Transfer-Encoding"]
        for part in mime.walk()
        if not part.is_multipart()
    }
    assert encodings.keys() == {"text/plain", "text/html"}
    assert set(encodings.values()) <= {"7bit", "8bit"}, encodings
    assert max(len(line) for line in composed.html.encode().splitlines()) < 998


def test_unsubscribe_headers_rfc_8058(seeded):
    user, _ = seeded
    send(user)
    (message,) = mail.outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert "/digest/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == f"<digest.{user.pk}.{PERIOD}@localhost>"
    assert unsubscribe[1:-1] in parts(message)[1]  # the footer link too


def test_nothing_is_sent_when_nothing_needs_attention():
    user = digest_user("calm@example.com")
    assert send(user) == delivery.SKIPPED
    assert mail.outbox == []
    digest = Digest.objects.get(user=user, period=PERIOD)
    assert digest.state == Digest.State.SKIPPED
    assert digest.subject == "All clear: nothing needs attention"


def test_all_clear_mail_when_the_user_opted_in():
    user = digest_user("calm@example.com", digest_when_all_clear=True)
    assert send(user) == delivery.SENT
    (message,) = mail.outbox
    assert message.subject == "All clear: nothing needs attention"
    assert "All clear" in message.body
    assert Digest.objects.get(user=user, period=PERIOD).state == Digest.State.SENT


def test_names_are_escaped_in_html_and_plain_in_text():
    user = digest_user("esc@example.com", digest_when_all_clear=True)
    make_follow_up(user, title="Ask <b>Tom</b> & co", due_at=NOW.replace(hour=1))
    send(user)
    text, html = parts(mail.outbox[0])
    assert "Ask <b>Tom</b> & co" in text
    assert "Ask &lt;b&gt;Tom&lt;/b&gt; &amp; co" in html


def test_weekly_digest_footer_and_turned_off_user_is_skipped():
    weekly = digest_user("weekly@example.com", frequency="weekly", weekday=3, hour=9)
    weekly.profile.digest_when_all_clear = True
    weekly.profile.save()
    send(weekly, period="2026-W11")
    assert "every Thursday at 09:00" in mail.outbox[0].body
    off = digest_user("off@example.com", frequency=Profile.DigestFrequency.OFF)
    assert send(off) == delivery.SKIPPED
    assert Digest.objects.get(user=off).last_error == "digests were turned off"


# Submitted without your authorisation (rules.unauthorised_submissions) ---------------------


@pytest.fixture
def unauthorised():
    """Marco submitted you to Kestrel 30 days ago (you authorised it); Dana submitted you
    there 10 days ago without asking: a double submission, and an unauthorised one."""
    user = digest_user("rtr@example.com", time_zone="Europe/London", hour=9)
    kestrel = make_firm(user, name="Kestrel", kind="employer")
    today = NOW.date()
    marco = make_role(
        user,
        title="Data Lead",
        employer=kestrel,
        recruiter=make_recruiter(user, name="Marco"),
        submitted_on=today - timedelta(days=30),
        submission_authorised=True,
    )
    dana = make_role(
        user,
        title="Platform Lead",
        employer=kestrel,
        recruiter=make_recruiter(user, name="Dana"),
        stage="submitted",
        submitted_on=today - timedelta(days=10),
    )
    return user, marco, dana


def test_the_digest_lists_submissions_you_did_not_authorise(unauthorised):
    user, _, dana = unauthorised
    composed = render.compose(user.profile, NOW)

    section = next(s for s in composed.sections if s.name == "unauthorised_submissions")
    assert [item.obj for item in section.items] == [dana]
    (item,) = section.items
    assert item.title == "Dana submitted you to Kestrel"
    assert item.why == (
        "For Platform Lead (submitted) on 2 Mar 2026. You did not authorise this submission: "
        "a recruiter should put you forward only where you said yes. If you did agree, mark "
        "it authorised on your dashboard."
    )
    assert item.url.endswith(f"/home/#unauthorised-{dana.pk}")
    assert "SUBMITTED WITHOUT YOUR AUTHORISATION (1)" in composed.text
    assert "Submitted without your authorisation" in composed.html
    assert "1 submission not authorised" in composed.subject


def test_the_digests_double_submissions_say_which_you_authorised(unauthorised):
    user, marco, dana = unauthorised
    composed = render.compose(user.profile, NOW)

    section = next(s for s in composed.sections if s.name == "double_submissions")
    why = {item.obj.pk: item.why for item in section.items}
    assert "You authorised this one, not the other." in why[marco.pk]
    assert "You did not authorise this one; you authorised the other." in why[dana.pk]


def test_in_a_confidential_search_the_digest_puts_them_first(unauthorised):
    user, _, dana = unauthorised
    make_follow_up(user, title="Send the CV", due_at=NOW - timedelta(days=1))  # overdue
    open_search = [s.name for s in render.compose(user.profile, NOW).sections]
    Profile.objects.filter(user=user).update(confidential_search=True)
    user.profile.refresh_from_db()

    confidential = [s.name for s in render.compose(user.profile, NOW).sections]

    assert open_search[0] == "overdue" and "unauthorised_submissions" in open_search
    assert confidential[0] == "unauthorised_submissions"
    assert sorted(confidential) == sorted(open_search)
