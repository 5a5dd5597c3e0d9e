"""LinkedIn's messages.csv: conversations with known recruiters become dated interactions in
the right direction; re-importing adds nothing."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from recruiters.imports import plan
from recruiters.imports.files import BadFile
from recruiters.imports.linkedin import message_text, parse_message_date
from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

pytestmark = pytest.mark.django_db

ME = "https://www.linkedin.com/in/me-the-candidate"
DANA = "https://www.linkedin.com/in/dana-reyes"
SAM = "https://www.linkedin.com/in/sam-okafor"
FRIEND = "https://www.linkedin.com/in/an-old-friend"
HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER,ATTACHMENTS,IS MESSAGE DRAFT\r\n"
)
MESSAGES = HEADER + (
    f"c1,,Dana Reyes,{DANA},Me Candidate,{ME},2026-08-01 02:00:00 UTC,,"
    '"Hi! I have a Staff Engineer role, fully remote, are you open to a chat?",INBOX,,No\r\n'
    f"c1,,Me Candidate,{ME},Dana Reyes,{DANA},2026-08-01 09:15:00 UTC,,"
    '"<p>Sure, happy to talk.</p><p>When suits you?</p>",INBOX,,No\r\n'
    f"c1,,Dana Reyes,{DANA},Me Candidate,{ME},2026-08-02 10:00:00 UTC,,Tuesday at 3?,INBOX,,No\r\n"
    f"c1,,Me Candidate,{ME},Dana Reyes,{DANA},2026-08-03 10:00:00 UTC,,draft text,DRAFTS,,Yes\r\n"
    f"c2,,Me Candidate,{ME},Sam Okafor,{SAM},2026-07-01 08:00:00 UTC,,"
    "Thanks for the intro,INBOX,,No\r\n"
    f"c3,,An Old Friend,{FRIEND},Me Candidate,{ME},2026-06-01 08:00:00 UTC,,Pub?,INBOX,,No\r\n"
)


@pytest.fixture
def recruiters(user):
    return {
        "dana": make_recruiter(user, name="Dana Reyes", linkedin_url=DANA),
        "sam": make_recruiter(user, name="Sam Okafor", linkedin_url=SAM + "/"),
    }


def upload(client, content=MESSAGES, **extra):
    return post_upload(client, "linkedin_messages", "messages.csv", content, **extra)


def test_import_directions_kinds_and_dates(client_in, user, recruiters):
    job = preview_job(upload(client_in))
    assert job.plan["counts"] == {
        "rows": 4,
        "create": 4,
        "skip": 0,
        "ignored": 1,
        "conversations": 2,
        "recruiters": 2,
    }
    confirm(client_in, job)

    dana = list(recruiters["dana"].interactions.order_by("occurred_at"))
    assert [(i.direction, i.kind, i.channel) for i in dana] == [
        ("inbound", "outreach", "linkedin"),
        ("outbound", "check_in", "linkedin"),
        ("inbound", "check_in", "linkedin"),
    ]
    assert dana[0].occurred_at == datetime(2026, 8, 1, 2, 0, tzinfo=UTC)
    assert dana[1].summary == "Sure, happy to talk.\nWhen suits you?"
    assert dana[1].expects_reply
    assert not dana[0].expects_reply  # only my questions wait for a reply
    sam = recruiters["sam"].interactions.get()
    assert (sam.direction, sam.kind, sam.summary) == (
        "outbound",
        "outreach",
        "Thanks for the intro",
    )
    assert Interaction.objects.count() == 4


def test_reimport_creates_no_duplicates(client_in, user, recruiters):
    confirm(client_in, preview_job(upload(client_in)))
    before = counts()

    again = preview_job(upload(client_in))
    assert again.plan["counts"]["create"] == 0
    assert {row["reason"] for row in again.plan["rows"]} == {"already imported"}
    assert counts() == {**before, "ImportJob": before["ImportJob"] + 1}


def test_a_message_logged_by_hand_is_not_imported_twice(client_in, user, recruiters):
    make_interaction(
        recruiters["sam"],
        occurred_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
        direction="outbound",
        channel="linkedin",
        summary="Thanks for the intro",
    )
    job = preview_job(upload(client_in))
    assert job.plan["counts"]["create"] == 3


def test_the_same_message_twice_in_the_file_is_imported_once(client_in, recruiters):
    line = MESSAGES.splitlines()[1]
    job = preview_job(upload(client_in, MESSAGES + line + "\r\n"))
    assert job.plan["counts"]["create"] == 4
    twice = next(row for row in job.plan["rows"] if row["line"] == 8)
    assert (twice["action"], twice["reason"]) == ("skip", "same message as line 2")


def test_your_profile_url_can_be_given(client_in, user, recruiters):
    # Only one conversation: both people are in all of them, Dana is the recruiter.
    content = HEADER + "\r\n".join(MESSAGES.splitlines()[1:3]) + "\r\n"
    job = preview_job(upload(client_in, content))
    assert [row["direction"] for row in job.plan["rows"]] == ["inbound", "outbound"]
    job = preview_job(upload(client_in, content, me=ME + "/?trk=profile"))
    assert [row["direction"] for row in job.plan["rows"]] == ["inbound", "outbound"]


def test_a_profile_url_that_is_not_in_the_file(client_in, recruiters):
    error = upload_error(upload(client_in, me="https://www.linkedin.com/in/someone-else"))
    assert error.startswith("“https://www.linkedin.com/in/someone-else” is not in any conversation")


def test_preview_page(client_in, user, recruiters):
    user.profile.time_zone = "Europe/Paris"
    user.profile.save()
    job = preview_job(upload(client_in))
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "<strong>4</strong> messages to add" in page
    assert "1 Aug 2026, 04:00" in page  # 02:00 UTC in Paris
    assert "Hi! I have a Staff Engineer role" in page
    assert '<span class="badge outbound">Me</span>' in page


def test_older_export_without_url_columns_matches_by_name(client_in, user, recruiters):
    content = (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,TO,DATE,SUBJECT,CONTENT\n"
        "c1,,Dana Reyes,Me Candidate,2019-03-01 10:00:00 UTC,New role,Interested?\n"
        "c1,,Me Candidate,Dana Reyes,2019-03-01 11:00:00 UTC,,Yes\n"
        "c2,,A Friend,Me Candidate,2019-03-02 11:00:00 UTC,,Hello\n"
    )
    job = preview_job(upload(client_in, content))
    rows = job.plan["rows"]
    assert [(row["recruiter_name"], row["direction"], row["summary"]) for row in rows] == [
        ("Dana Reyes", "inbound", "New role: Interested?"),
        ("Dana Reyes", "outbound", "Yes"),
    ]


def test_who_is_me_cannot_be_told(client_in, user):
    make_recruiter(user, name="Dana Reyes", linkedin_url=DANA)
    content = HEADER + (
        f"c1,,Ann,{FRIEND},Bob,{SAM},2026-08-01 02:00:00 UTC,,hi,INBOX,,No\r\n"
        f"c2,,Cat,{ME},Dan,{DANA + 'x'},2026-08-01 02:00:00 UTC,,hi,INBOX,,No\r\n"
    )
    error = upload_error(upload(client_in, content))
    assert error.startswith("Could not tell which participant of these conversations is you")


def test_no_conversation_with_a_recruiter(client_in, user):
    before = counts()
    error = upload_error(upload(client_in))
    assert error == (
        "None of the 3 conversations in this file is with a recruiter you have in Callback. "
        "Import your LinkedIn connections first, then your messages."
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (MESSAGES.replace("CONTENT", "BODY"), "Line 1: The file has no 'CONTENT' column"),
        (
            MESSAGES.replace("2026-08-02 10:00:00 UTC", "yesterday"),
            "Line 4: The date “yesterday” is not one LinkedIn writes",
        ),
        (
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
            "This looks like LinkedIn's Connections.csv",
        ),
    ],
)
def test_bad_messages_files(client_in, recruiters, content, error):
    before = counts()
    assert upload_error(upload(client_in, content)).startswith(error)
    assert counts() == before


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-08-01 02:00:00 UTC", datetime(2026, 8, 1, 2, tzinfo=UTC)),
        ("2026-08-01 02:00:00", datetime(2026, 8, 1, 2, tzinfo=UTC)),
        ("2026-08-01T02:00:00Z", datetime(2026, 8, 1, 2, tzinfo=UTC)),
        ("01/08/2026", None),
    ],
)
def test_message_dates(value, expected):
    assert parse_message_date(value) == expected


def test_bad_file_names_the_line():
    assert str(BadFile("Oops.", line=7)) == "Line 7: Oops."


# Strangers and adverts: never on a recruiter's timeline, and listed as left out ------------

ROBERT = "https://www.linkedin.com/in/robert-smith-talent"
OTHER_ROBERT = "https://www.linkedin.com/in/robert-smith-1984"
AWKWARD = HEADER + (
    # 2: the recruiter Robert Smith
    f"r1,,Robert Smith,{ROBERT},Me Candidate,{ME},2026-08-01 09:00:00 UTC,,"
    "A Staff role in Lisbon?,INBOX,,No\r\n"
    # 3, 4: another Robert Smith, his own profile: not the recruiter, either way
    f"r2,,Robert Smith,{OTHER_ROBERT},Me Candidate,{ME},2026-08-02 09:00:00 UTC,,"
    "Long time no see! Pub on Friday?,INBOX,,No\r\n"
    f"r2,,Me Candidate,{ME},Robert Smith,{OTHER_ROBERT},2026-08-02 10:00:00 UTC,,"
    "Sure!,INBOX,,No\r\n"
    # 5: an advert with a mail merge's placeholder and no sender profile
    "s1,,Northwind Cloud,,Me Candidate,"
    f'{ME},2026-08-03 09:00:00 UTC,,"Hi %FIRSTNAME%, Northwind Cloud is growing!",INBOX,,No\r\n'
    # 6: "LinkedIn Member"
    f"s2,,LinkedIn Member,,Me Candidate,{ME},2026-08-04 09:00:00 UTC,,Hello,INBOX,,No\r\n"
    # 7: a sponsored folder, even with a profile URL
    f"s3,,Acme Talent,https://www.linkedin.com/company/acme,Me Candidate,{ME},"
    "2026-08-05 09:00:00 UTC,,Join our webinar,SPONSORED,,No\r\n"
    # 8: a sponsored subject
    f"s4,,Globex Hiring,https://www.linkedin.com/in/globex-hiring,Me Candidate,{ME},"
    "2026-08-06 09:00:00 UTC,Sponsored InMail,We are hiring,INBOX,,No\r\n"
    # 9: a friend
    f"f1,,An Old Friend,{FRIEND},Me Candidate,{ME},2026-08-07 09:00:00 UTC,,Pub?,INBOX,,No\r\n"
    # 10: Dana has no LinkedIn URL in Callback: matched by name, with a word of caution
    f"d1,,Dana Reyes,{DANA},Me Candidate,{ME},2026-08-08 09:00:00 UTC,,Hi!,INBOX,,No\r\n"
)


@pytest.fixture
def robert(user):
    make_recruiter(user, name="Dana Reyes")
    return make_recruiter(user, name="Robert Smith", linkedin_url=ROBERT)


def test_a_namesake_and_adverts_are_left_out_and_listed(client_in, user, robert):
    job = preview_job(upload(client_in, AWKWARD))
    rows = job.plan["rows"]
    assert [(row["line"], row["recruiter_name"]) for row in rows] == [
        (2, "Robert Smith"),
        (10, "Dana Reyes"),
    ]
    assert rows[0]["warnings"] == []
    assert rows[1]["warnings"] == [
        "matched by name only: Dana Reyes has no LinkedIn URL in Callback"
    ]

    left_out = job.plan["left_out"]
    assert [(row["line"], row["code"]) for row in left_out["rows"]] == [
        (3, "namesake"),
        (4, "namesake"),
        (5, "sponsored"),
        (6, "sponsored"),
        (7, "sponsored"),
        (8, "sponsored"),
        (9, "not_recruiter"),
    ]
    reasons = {row["line"]: row["reason"] for row in left_out["rows"]}
    assert reasons[3] == (
        "not your recruiter Robert Smith: Robert Smith is another LinkedIn profile "
        "(linkedin.com/in/robert-smith-1984)"
    )
    assert reasons[5] == "sponsored message: it has a mail merge's placeholder (%FIRSTNAME%)"
    assert reasons[6] == "sponsored message: sent by “LinkedIn Member”"
    assert reasons[7] == "sponsored message: its folder is “SPONSORED”"
    assert reasons[8] == "sponsored message: its subject is “Sponsored InMail”"
    assert reasons[9] == "An Old Friend: not one of your recruiters"
    assert left_out["total"] == 7
    assert job.plan["counts"]["ignored"] == 3

    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "7 messages left out" in page
    assert "4 sponsored messages and adverts" in page
    for reason in reasons.values():
        assert escape(reason) in page
    assert "to Robert Smith" in page  # line 4, sent by me

    confirm(client_in, job)
    assert [i.summary for i in robert.interactions.all()] == ["A Staff role in Lisbon?"]
    assert Interaction.objects.count() == 2


def test_no_sender_profile_url_is_an_advert(client_in, user, robert):
    content = HEADER + (
        f"r1,,Robert Smith,{ROBERT},Me Candidate,{ME},2026-08-01 09:00:00 UTC,,Hi,INBOX,,No\r\n"
        f"s1,,Robert Smith,,Me Candidate,{ME},2026-08-02 09:00:00 UTC,,Buy now,INBOX,,No\r\n"
    )
    job = preview_job(upload(client_in, content))
    assert [row["line"] for row in job.plan["rows"]] == [2]
    (left,) = job.plan["left_out"]["rows"]
    assert (left["line"], left["reason"]) == (3, "sponsored message: its sender has no profile URL")


def test_a_file_of_adverts_only(client_in, user, robert):
    content = HEADER + (
        f"s1,,Sponsored,,Me Candidate,{ME},2026-08-02 09:00:00 UTC,,Buy now,INBOX,,No\r\n"
    )
    error = upload_error(upload(client_in, content))
    assert error == (
        "The 1 messages in this file are all sponsored messages or adverts: "
        "there is nothing to import."
    )


def test_older_export_without_urls_leaves_out_linkedin_member(client_in, user, recruiters):
    content = (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,TO,DATE,SUBJECT,CONTENT\n"
        "c1,,Dana Reyes,Me Candidate,2019-03-01 10:00:00 UTC,,Interested?\n"
        "c2,,LinkedIn Member,Me Candidate,2019-03-02 10:00:00 UTC,,Hi there\n"
    )
    job = preview_job(upload(client_in, content))
    assert [(row["recruiter_name"], row["warnings"]) for row in job.plan["rows"]] == [
        ("Dana Reyes", [])  # no URLs in the file: a name is all there is, no caution
    ]
    (left,) = job.plan["left_out"]["rows"]
    assert left["reason"] == "sponsored message: sent by “LinkedIn Member”"


def test_the_recruiters_own_profile_still_wins_over_a_name(client_in, user, robert):
    """The same name, two recruiters' worth of URLs: only the URL decides."""
    make_recruiter(user, name="Robert Smith", linkedin_url=OTHER_ROBERT)
    job = preview_job(upload(client_in, AWKWARD))
    by_line = {row["line"]: row["recruiter_name"] for row in job.plan["rows"]}
    assert by_line[2] == by_line[3] == by_line[4] == "Robert Smith"
    ids = {row["line"]: row["recruiter_id"] for row in job.plan["rows"]}
    assert ids[2] == robert.pk and ids[3] == ids[4] != robert.pk


def test_a_long_list_of_left_out_messages_is_cut_short(client_in, user, robert, monkeypatch):
    monkeypatch.setattr(plan, "LEFT_OUT_LISTED", 2)
    job = preview_job(upload(client_in, AWKWARD))
    left_out = job.plan["left_out"]
    assert (left_out["total"], [row["line"] for row in left_out["rows"]]) == (7, [3, 4])
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "…and 5 more, not listed." in page


def test_message_text_decodes_every_character_reference_once():
    content = (
        "<p>It&rsquo;s a match&#8217;s &#x2014; see &amp;lt;b&amp;gt;</p><br>Caf&eacute;&nbsp;?"
    )
    assert message_text(content, "") == "It’s a match’s — see &lt;b&gt;\nCafé ?"


@pytest.mark.parametrize("day", ["9999-12-31 23:59:59 UTC", "0001-01-01 00:00:00 UTC"])
def test_a_message_dated_outside_the_calendar_is_refused(client_in, recruiters, day):
    before = counts()
    error = upload_error(upload(client_in, MESSAGES.replace("2026-08-02 10:00:00 UTC", day)))
    assert error == (f"Line 4: The date “{day}” is not between 1 Jan 1900 and 31 Dec 2200 (UTC).")
    assert counts() == before
