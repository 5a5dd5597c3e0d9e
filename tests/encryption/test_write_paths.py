"""Every way private text gets into the database stores it encrypted, and every way it comes
out (pages, exports, the digest) shows it decrypted."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiters import services
from recruiters.demo import load_demo
from recruiters.digests import render
from recruiters.exports import restore
from recruiters.exports.account_json import export_account
from recruiters.models import FollowUp, ImportJob, Interaction, Profile, Recruiter
from tests.encryption.conftest import assert_stored_encrypted, raw_of
from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_user
from tests.imports.conftest import confirm, post_upload, preview_job
from tests.imports.test_linkedin_messages import DANA, MESSAGES
from tests.imports.test_vcard import APPLE_30
from tests.test_forms import FOLLOW_UP, QUICK_LOG, RECRUITER, ROLE

pytestmark = pytest.mark.django_db

SECRET = "Leaving Initech in March"


@pytest.fixture
def dana(user):
    return make_recruiter(user, name="Dana Reyes", linkedin_url=DANA)


def test_the_forms(client_in, user, dana):
    firm = {"name": "Northwind Talent", "kind": "agency", "notes": f"{SECRET} (firm)"}
    posts = [
        (reverse("firm_create"), firm),
        (reverse("recruiter_create"), {**RECRUITER, "name": "Sam", "notes": f"{SECRET} (sam)"}),
        (reverse("role_create"), {**ROLE, "notes": f"{SECRET} (role)"}),
        (reverse("follow_up_create"), {**FOLLOW_UP, "notes": f"{SECRET} (follow-up)"}),
        (reverse("log_interaction", args=[dana.pk]), {**QUICK_LOG, "summary": SECRET}),
    ]
    for url, data in posts:
        response = client_in.post(url, data)
        assert response.status_code == 302, response.content.decode()[:1000]
    interaction = Interaction.objects.get()
    edited = {**QUICK_LOG, "summary": f"{SECRET}, edited"}
    response = client_in.post(reverse("interaction_edit", args=[interaction.pk]), edited)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert_stored_encrypted(SECRET)
    assert Interaction.objects.get().summary == f"{SECRET}, edited"
    page = client_in.get(reverse("recruiter_detail", args=[dana.pk])).content.decode()
    assert f"{SECRET}, edited" in page


def test_the_quick_touches(client_in, dana):
    response = client_in.post(reverse("recruiter_action", args=[dana.pk, "checked-in"]))
    assert response.status_code == 302
    assert_stored_encrypted("I checked in")
    assert Interaction.objects.get().summary == "I checked in"


def test_a_linkedin_messages_import(client_in, dana):
    job = preview_job(post_upload(client_in, "linkedin_messages", "messages.csv", MESSAGES))
    assert_stored_encrypted("Staff Engineer role", "happy to talk")  # the preview's plan
    confirm(client_in, job)
    assert_stored_encrypted("Staff Engineer role", "happy to talk")
    summaries = set(dana.interactions.values_list("summary", flat=True))
    assert "Tuesday at 3?" in summaries
    assert ImportJob.objects.get().plan["rows"][0]["summary"].startswith("Hi! I have a Staff")
    # Importing the file again matches the messages already there, by their plain text.
    confirm(client_in, preview_job(post_upload(client_in, "linkedin_messages", "m.csv", MESSAGES)))
    assert dana.interactions.count() == len(summaries)


def test_a_vcard_import_writes_notes_by_copy(client_in, user):
    confirm(client_in, preview_job(post_upload(client_in, "vcard", "contacts.vcf", APPLE_30)))
    assert_stored_encrypted("PyCon job fair", "Senior Technical Recruiter")
    assert "Met at the PyCon job fair" in Recruiter.objects.get(name="Dana Reyes").notes


def test_a_restore(user, dana):
    make_firm(user, name="Initech", notes=f"{SECRET} (firm)")
    make_interaction(dana, summary=SECRET)
    make_follow_up(user, notes=f"{SECRET} (follow-up)")
    user.profile.purpose_statement = f"{SECRET} (purpose)"
    user.profile.save()
    exported = json.loads(json.dumps(export_account(user)))
    assert exported["interactions"][0]["summary"] == SECRET  # the export is plain text
    fresh = make_user()

    restore.restore(fresh, restore.check(exported))

    assert_stored_encrypted(SECRET)
    assert Interaction.objects.owned_by(fresh).get().summary == SECRET
    assert Profile.objects.get(user=fresh).purpose_statement == f"{SECRET} (purpose)"


def test_the_demo_account():
    demo = load_demo("demo.encrypted@example.com").user
    assert_stored_encrypted("Best recruiter I know", "freezing hiring")
    notes = Recruiter.objects.owned_by(demo).values_list("notes", flat=True)
    assert "Best recruiter I know. Straight answers, real market intel." in notes


def test_rule_made_follow_ups_are_written_once(user, dana):
    now = timezone.now()
    make_interaction(
        dana, kind="interview", direction="outbound", occurred_at=now - timedelta(days=10)
    )
    services.sync_rule_follow_ups(user.profile, now)
    (made,) = FollowUp.objects.exclude(rule="")
    assert made.notes.startswith("Interview on ")
    assert_stored_encrypted("Interview on", "no feedback")
    stored = raw_of(FollowUp, "notes")

    # The next sync compares plain texts: the notes are the same, so nothing is written.
    with CaptureQueriesContext(connection) as queries:
        services.sync_rule_follow_ups(user.profile, now + timedelta(minutes=5))
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [sql for sql in writes if "recruiters_followup" in sql], writes
    assert raw_of(FollowUp, "notes") == stored


def test_the_exports_and_the_digest_are_plain_text(client_in, user, dana):
    make_interaction(dana, summary=SECRET)
    due = timezone.now() - timedelta(days=1)
    make_follow_up(user, title="Send the CV", recruiter=dana, due_at=due, notes="Ask about Q2")

    exported = client_in.get(reverse("export_json"))
    assert SECRET in exported.content.decode()
    csv = client_in.get(reverse("export_csv", args=["interactions"]))
    assert SECRET in b"".join(csv.streaming_content).decode("utf-8-sig")
    digest = render.compose(user.profile)
    assert "Ask about Q2" in digest.text and "Ask about Q2" in digest.html
