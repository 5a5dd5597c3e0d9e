"""Restoring a JSON export: into an empty account exactly, otherwise not at all."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recruiters import services
from recruiters.demo import load_demo
from recruiters.exports import calendar_feed, restore
from recruiters.exports.account_json import ADDED_IN_VERSION_2, export_account
from recruiters.models import Firm, FollowUp, Interaction, Profile, Recruiter
from tests.exports.conftest import (
    OWNED,
    THEIR_NAMES,
    account_content,
    profile_content,
    snapshot,
)
from tests.factories import make_firm, make_user


def upload(client, content, name="account.json"):
    if not isinstance(content, bytes):
        content = json.dumps(content).encode()
    file = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(reverse("export_restore"), {"file": file})


@pytest.fixture
def exported(rich_account, theirs):
    """The rich account's export, as the JSON-ready dict the download holds."""
    return json.loads(json.dumps(export_account(rich_account)))


# Round trip ------------------------------------------------------------------------------


def test_export_then_restore_gives_identical_data(client, rich_account, theirs, fresh_user):
    client.force_login(rich_account)
    file = client.get(reverse("export_json")).content
    theirs_before = account_content(theirs)
    client.force_login(fresh_user)

    response = upload(client, file)

    assert response.status_code == 302 and response["Location"] == reverse("home")
    restored = account_content(fresh_user)
    assert restored == account_content(rich_account)
    assert sum(sum(counter.values()) for counter in restored.values()) == 19
    assert profile_content(fresh_user) == profile_content(rich_account)
    assert account_content(theirs) == theirs_before
    # New rows, owned by the new user; the original account is untouched.
    for model in OWNED:
        old = set(model.objects.owned_by(rich_account).values_list("pk", flat=True))
        new = set(model.objects.owned_by(fresh_user).values_list("pk", flat=True))
        assert new and not old & new
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == [
        "Restored account.json: your settings, 3 firms, 2 recruiters, 2 roles, "
        "3 interactions, 9 follow-ups."
    ]


def test_the_confidential_search_fields_come_back(rich_account, fresh_client, fresh_user):
    response = upload(fresh_client, export_account(rich_account))
    assert response.status_code == 302

    profile = Profile.objects.select_related("current_employer").get(user=fresh_user)
    employer = profile.current_employer
    assert (employer.owner, employer.name) == (fresh_user, "Émile & Zoë GmbH")
    assert employer.pk != rich_account.profile.current_employer_id  # the new firm's id
    assert profile.aware_warning_threshold == 3
    assert profile.digest_email == "me.personal@example.org"
    assert profile.confidential_search is True
    assert Firm.objects.get(owner=fresh_user, works_for_my_employer=True).name.startswith(
        "Northwind"
    )
    withdrawn = FollowUp.objects.get(owner=fresh_user, state=FollowUp.State.WITHDRAWN)
    original = FollowUp.objects.get(owner=rich_account, state=FollowUp.State.WITHDRAWN)
    assert withdrawn.closed_by_rule is True and withdrawn.closed_at == original.closed_at
    sam = Recruiter.objects.get(owner=fresh_user, name="@Sam Firmless")
    assert withdrawn.rule_key == f"{sam.pk}:2026-01-06 08:00:00+00:00"
    assert FollowUp.objects.filter(owner=fresh_user, closed_by_rule=True).count() == 1


def test_a_version_1_file_is_restored_with_the_defaults_of_version_2s_fields(
    fresh_client, fresh_user, exported
):
    """A file made before the confidential search's fields has none of them."""
    data = json.loads(json.dumps(exported)) | {"version": 1}
    for key, names in ADDED_IN_VERSION_2.items():
        for row in [data[key]] if key == "profile" else data[key]:
            for name in names:
                del row[name]
    withdrawn = next(row for row in data["follow_ups"] if row["state"] == "withdrawn")
    data["follow_ups"].remove(withdrawn)  # version 1 had no such state

    assert upload(fresh_client, data).status_code == 302

    profile = Profile.objects.get(user=fresh_user)
    assert (profile.current_employer, profile.aware_warning_threshold) == (None, 5)
    assert profile.digest_email == "" and profile.time_zone == "America/New_York"
    assert not Firm.objects.filter(owner=fresh_user, works_for_my_employer=True).exists()
    assert not FollowUp.objects.filter(owner=fresh_user, closed_by_rule=True).exists()
    assert FollowUp.objects.filter(owner=fresh_user).count() == 8


@pytest.mark.parametrize(
    ("section", "key"),
    [(section, key) for section, keys in ADDED_IN_VERSION_2.items() for key in keys],
)
def test_a_version_2_file_must_have_version_2s_keys(fresh_client, exported, section, key):
    data = broken(exported, section, lambda row: row.pop(key))
    before = snapshot()

    refused(upload(fresh_client, data), 422, f"missing key {key}", "nothing was changed")
    assert snapshot() == before


def test_relations_point_to_the_new_rows(rich_account, fresh_client, fresh_user):
    response = upload(fresh_client, export_account(rich_account))
    assert response.status_code == 302

    interview = Interaction.objects.get(owner=fresh_user, kind="interview")
    assert interview.recruiter.owner == fresh_user and interview.recruiter.name == "Dana Reyes"
    assert interview.role.owner == fresh_user and interview.role.employer.owner == fresh_user
    feedback = FollowUp.objects.get(owner=fresh_user, rule=FollowUp.Rule.FEEDBACK_OWED)
    assert feedback.rule_key == str(interview.pk)
    dana = Recruiter.objects.get(owner=fresh_user, name="Dana Reyes")
    update = FollowUp.objects.get(owner=fresh_user, rule=FollowUp.Rule.UPDATE_OWED, recruiter=dana)
    assert update.rule_key == f"{dana.pk}:2026-01-09 10:00:00+00:00"
    gone = FollowUp.objects.get(owner=fresh_user, rule=FollowUp.Rule.PITCH_ANSWER)
    assert gone.rule_key == "gone:987654321"


def test_the_rules_recognise_restored_follow_ups(db):
    """The demo history has every rule's follow-ups: after a restore, the next sweep of the
    rules neither makes them again nor closes them (their causes' ids were mapped)."""
    now = timezone.now()
    demo = load_demo("demo.restore@example.com", now=now).user
    services.sync_rule_follow_ups(demo.profile, now)
    assert FollowUp.objects.owned_by(demo).exclude(rule="").values("rule").distinct().count() == 3
    fresh = make_user()

    restore.restore(fresh, restore.check(json.loads(json.dumps(export_account(demo)))))

    assert account_content(fresh) == account_content(demo)
    before = account_content(fresh)
    assert services.sync_rule_follow_ups(fresh.profile, now) == (0, 0)
    assert account_content(fresh) == before


# Refusals: a clear message, and nothing changes -----------------------------------------


def refused(response, status, *fragments):
    assert response.status_code == status
    text = response.content.decode()
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in the page"
    return text


def test_a_non_empty_account_is_refused(client_in, user, exported):
    make_firm(user, name="Already here")
    before = snapshot()

    response = upload(client_in, exported)

    refused(
        response,
        409,
        "Your account already has data (4 firms, 2 recruiters, 2 roles, 3 interactions, "
        "9 follow-ups)",
        "sign up for a new account",
        "Nothing was changed",
    )
    assert snapshot() == before


def test_the_restore_form_is_offered_only_to_an_empty_account(client_in, user):
    assert 'name="file"' in client_in.get(reverse("export")).content.decode()
    make_firm(user)
    page = client_in.get(reverse("export")).content.decode()
    assert 'name="file"' not in page and "only goes into an empty account" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "callback-account-export", "version": 1,', "The file is not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "it is not UTF-8 text"),
        (b"", "The file is empty"),
        (b"[1, 2, 3]", "it does not hold a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
        (b'{"format": "vcard"}', "not a Callback account export"),
        (b'{"format": "callback-account-export"}', "no valid format version"),
        (b'{"format": "callback-account-export", "version": "1"}', "no valid format version"),
    ],
    ids=[
        "truncated",
        "an-image",
        "empty",
        "a-list",
        "deeply-nested",
        "another-format",
        "no-version",
        "text",
    ],
)
def test_a_file_that_is_not_an_export_is_refused(fresh_client, exported, content, message):
    before = snapshot()
    refused(upload(fresh_client, content), 422, message)
    assert snapshot() == before


@pytest.mark.parametrize(("version", "newer"), [(3, True), (0, False)])
def test_another_format_version_is_refused(fresh_client, exported, version, newer):
    before = snapshot()
    text = refused(
        upload(fresh_client, exported | {"version": version}),
        422,
        f"format version {version}; this Callback restores versions 1 and 2 only",
    )
    assert ("made by a newer Callback" in text) is newer
    assert snapshot() == before


def broken(exported, section, change, where=0):
    """A copy of `exported` with `change(row)` applied to one row of `section`."""
    data = json.loads(json.dumps(exported))
    change(data[section][where] if section != "profile" else data[section])
    return data


def first_id(exported, section):
    return exported[section][0]["id"]


CASES = {
    "missing-key": (
        "firms",
        lambda row: row.pop("kind"),
        "firms row 1 (id {id}): missing key kind",
    ),
    "unknown-key": (
        "firms",
        lambda row: row.update(colour="red"),
        "firms row 1 (id {id}): unknown key colour",
    ),
    "text-for-a-number": (
        "recruiters",
        lambda row: row.update(silence_threshold_days="12"),
        "silence_threshold_days must be a whole number, not text",
    ),
    "number-for-a-boolean": (
        "roles",
        lambda row: row.update(submission_authorised=1),
        "submission_authorised must be true or false, not a number",
    ),
    "float-for-an-integer": (
        "roles",
        lambda row: row.update(compensation_min=1.5),
        "compensation_min must be a whole number, not a number",
    ),
    "naive-time": (
        "interactions",
        lambda row: row.update(occurred_at="2026-01-05T10:00:00"),
        "has no time zone offset",
    ),
    "not-a-time": (
        "follow_ups",
        lambda row: row.update(due_at="next Tuesday"),
        "“next Tuesday” is not an ISO 8601 date and time",
    ),
    "not-a-date": (
        "roles",
        lambda row: row.update(submitted_on="07/01/2026"),
        "“07/01/2026” is not a date (YYYY-MM-DD)",
    ),
    "null-name": ("firms", lambda row: row.update(name=None), "name must not be null"),
    "blank-name": ("firms", lambda row: row.update(name=""), "This field cannot be blank."),
    "bad-choice": (
        "recruiters",
        lambda row: row.update(tier="platinum"),
        "Value &#x27;platinum&#x27; is not a valid choice.",
    ),
    "bad-email": (
        "recruiters",
        lambda row: row.update(email="not an address"),
        "Enter a valid email address.",
    ),
    "text-id": ("firms", lambda row: row.update(id="3"), "id must be a whole number, not text"),
    "dangling-reference": (
        "interactions",
        lambda row: row.update(recruiter=999999),
        "recruiter 999999 is not among the file&#x27;s recruiters",
    ),
    "reference-of-the-wrong-type": (
        "roles",
        lambda row: row.update(employer="Northwind"),
        "employer must be the id (a whole number) of a row, or null; not text",
    ),
    "compensation-upside-down": (
        "roles",
        lambda row: row.update(compensation_min=200000, compensation_max=100000),
        "Must not be below the minimum.",
    ),
    "snoozed-without-an-end": (
        "follow_ups",
        lambda row: row.update(state="snoozed", snoozed_until=None),
        "snoozed_until must be set exactly when the state is snoozed",
    ),
    "done-without-a-time": (
        "follow_ups",
        lambda row: row.update(state="done", closed_at=None),
        "closed_at must be set exactly when the state is done, dismissed or withdrawn",
    ),
    "withdrawn-without-a-time": (
        "follow_ups",
        lambda row: row.update(state="withdrawn", closed_at=None),
        "closed_at must be set exactly when the state is done, dismissed or withdrawn",
    ),
    "open-with-a-time": (
        "follow_ups",
        lambda row: row.update(state="open", closed_at="2026-01-09T10:00:00+00:00"),
        "closed_at must be set exactly when the state is done, dismissed or withdrawn",
    ),
    "text-for-closed-by-rule": (
        "follow_ups",
        lambda row: row.update(closed_by_rule="yes"),
        "closed_by_rule must be true or false, not text",
    ),
    "number-for-works-for-my-employer": (
        "firms",
        lambda row: row.update(works_for_my_employer=0),
        "firms row 1 (id {id}): works_for_my_employer must be true or false, not a number",
    ),
    "rule-key-of-no-rule": (
        "follow_ups",
        lambda row: row.update(rule="feedback_owed", rule_key="yesterday"),
        "rule_key “yesterday” is not a key of feedback_owed",
    ),
    "unknown-rule": (
        "follow_ups",
        lambda row: row.update(rule="vibes", rule_key="1"),
        "rule “vibes” is not one of Callback&#x27;s rules",
    ),
    "bad-time-zone": (
        "profile",
        lambda profile: profile.update(time_zone="Mars/Olympus"),
        "is not a time zone Callback knows",
    ),
    "zero-threshold": (
        "profile",
        lambda profile: profile.update(pitch_answer_days=0),
        "profile: pitch_answer_days must be at least 1",
    ),
    "zero-aware-warning-threshold": (
        "profile",
        lambda profile: profile.update(aware_warning_threshold=0),
        "profile: aware_warning_threshold must be at least 1",
    ),
    "negative-aware-warning-threshold": (
        "profile",
        lambda profile: profile.update(aware_warning_threshold=-2),
        "profile: aware_warning_threshold must be at least 1",
    ),
    "text-for-aware-warning-threshold": (
        "profile",
        lambda profile: profile.update(aware_warning_threshold="5"),
        "profile: aware_warning_threshold must be a whole number, not text",
    ),
    "bad-digest-email": (
        "profile",
        lambda profile: profile.update(digest_email="me at home"),
        "profile: digest_email: Enter a valid email address.",
    ),
    "employer-not-in-the-file": (
        "profile",
        lambda profile: profile.update(current_employer=999999),
        "profile: current_employer 999999 is not among the file&#x27;s firms",
    ),
    "employer-by-name": (
        "profile",
        lambda profile: profile.update(current_employer="Émile & Zoë GmbH"),
        "profile: current_employer must be the id (a whole number) of a row, or null; not text",
    ),
    "profile-not-an-object": (
        "profile",
        lambda profile: profile.clear(),
        "profile: missing keys time_zone",
    ),
    # The ends of the calendar (recruiters.bounds): a time is compared in UTC.
    "created-before-the-calendar": (
        "firms",
        lambda row: row.update(created_at="0001-01-01T00:00+14:00"),
        "firms row 1 (id {id}): created_at “0001-01-01T00:00+14:00” is not between "
        "1 Jan 1900 and 31 Dec 2200 (UTC)",
    ),
    "occurred-after-the-calendar": (
        "interactions",
        lambda row: row.update(occurred_at="9999-12-31T23:59-12:00"),
        "occurred_at “9999-12-31T23:59-12:00” is not between 1 Jan 1900 and 31 Dec 2200 (UTC)",
    ),
    "due-just-after-the-calendar": (
        "follow_ups",
        lambda row: row.update(due_at="2200-12-31T13:00-12:00"),
        "due_at “2200-12-31T13:00-12:00” is not between 1 Jan 1900 and 31 Dec 2200 (UTC)",
    ),
    "submitted-after-the-calendar": (
        "roles",
        lambda row: row.update(submitted_on="9999-12-31"),
        "submitted_on “9999-12-31” is not between 1 Jan 1900 and 31 Dec 2200",
    ),
    # Text no database column holds; a lone surrogate cannot even be written in a page.
    "nul-in-text": (
        "recruiters",
        lambda row: row.update(notes="before\u0000after"),
        "notes has a NUL character (U+0000), which cannot be stored",
    ),
    "lone-surrogate-in-text": (
        "recruiters",
        lambda row: row.update(notes="before\ud800after"),
        "notes has a lone surrogate (U+D800), which cannot be stored",
    ),
    "lone-surrogate-in-a-time": (
        "follow_ups",
        lambda row: row.update(due_at="\udfff"),
        "due_at has a lone surrogate (U+DFFF), which cannot be stored",
    ),
    "lone-surrogate-in-a-key": (
        "firms",
        lambda row: row.update({"colour\ud800": "red"}),
        "firms row 1 (id {id}): unknown key colour\ufffd",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_row_is_refused_with_where_and_what(fresh_client, exported, case):
    section, change, message = CASES[case]
    data = broken(exported, section, change)
    before = snapshot()

    text = refused(upload(fresh_client, data), 422, "problem", "nothing was changed")

    row_id = first_id(exported, section) if section != "profile" else None
    assert message.format(id=row_id) in text
    assert snapshot() == before


def at_the_ends_of_the_calendar(exported):
    """A copy of `exported` whose every date and time is the first or the last accepted."""
    data = json.loads(json.dumps(exported))
    ends = [
        ("1900-01-01T00:00:00+00:00", "1900-01-01"),
        ("2200-12-31T23:59:59+00:00", "2200-12-31"),
    ]
    for section in ("firms", "recruiters", "roles", "interactions", "follow_ups"):
        for number, row in enumerate(data[section]):
            moment, day = ends[number % 2]
            for key, value in row.items():
                if isinstance(value, str) and len(value) > 19 and value[10:11] == "T":
                    row[key] = moment
                elif key == "submitted_on" and value:
                    row[key] = day
    return data


def test_an_account_at_the_ends_of_the_calendar_works_everywhere(
    fresh_client, fresh_user, exported
):
    assert upload(fresh_client, at_the_ends_of_the_calendar(exported)).status_code == 302

    for name in ("home", "recruiter_list", "firm_list", "follow_up_list", "role_board"):
        assert fresh_client.get(reverse(name)).status_code == 200, name
    for name in ("digest_preview", "export_json", "who_knows"):
        assert fresh_client.get(reverse(name)).status_code == 200, name
    for recruiter in Recruiter.objects.owned_by(fresh_user):
        assert fresh_client.get(recruiter.get_absolute_url()).status_code == 200
    feed = reverse("export_calendar_feed", args=[calendar_feed.feed_for(fresh_user).token])
    assert Client().get(feed).status_code == 200


@pytest.mark.parametrize(
    ("section", "key", "message"),
    [
        ("firms", "name", "has the same name as the row with id"),
        ("recruiters", "email", "has the same email as the row with id"),
        ("firms", "id", "has the same id as an earlier row"),
    ],
)
def test_duplicates_the_database_would_refuse(fresh_client, exported, section, key, message):
    data = json.loads(json.dumps(exported))
    first, second = data[section][0], data[section][1]
    second[key] = first[key].upper() if isinstance(first[key], str) else first[key]
    before = snapshot()

    refused(upload(fresh_client, data), 422, message)
    assert snapshot() == before


def test_missing_tables_are_named(fresh_client, exported):
    data = {k: v for k, v in exported.items() if k not in ("roles", "follow_ups")}
    refused(upload(fresh_client, data), 422, "The file is incomplete: it has no roles, follow_ups.")


def test_a_table_that_is_not_a_list(fresh_client, exported):
    refused(upload(fresh_client, exported | {"firms": {}}), 422, "firms: must be a list")


def test_many_problems_are_listed_up_to_a_limit(fresh_client, exported):
    data = json.loads(json.dumps(exported))
    for row in data["interactions"] + data["follow_ups"] + data["roles"]:
        row["created_at"] = "never"
        row["updated_at"] = "then"
    count = 2 * (len(data["interactions"]) + len(data["follow_ups"]) + len(data["roles"]))
    text = refused(upload(fresh_client, data), 422, f"The file has {count} problems")
    assert text.count("<li>") == restore.MAX_PROBLEMS + 1
    assert f"… and {count - restore.MAX_PROBLEMS} more." in text


def test_a_database_refusal_rolls_everything_back(fresh_client, fresh_user, exported, monkeypatch):
    """Should a file get past the checks and still break a constraint, nothing is kept:
    neither the rows written before it nor the settings."""
    monkeypatch.setattr(restore, "check_unique", lambda checker, plan: None)
    data = json.loads(json.dumps(exported))
    data["firms"][1]["name"] = data["firms"][0]["name"]
    before = snapshot()

    refused(upload(fresh_client, data), 422, "The database refused the file", "IntegrityError")
    assert snapshot() == before
    assert fresh_user.profile.time_zone == "UTC"


def test_a_refusal_of_the_settings_written_last_takes_every_row_back(
    fresh_client, fresh_user, exported, monkeypatch
):
    """The settings are written after the rows (the current employer is one of them): if
    the database refuses them, the rows already inserted go too."""
    monkeypatch.setattr(restore, "PROFILE_THRESHOLDS", ())  # let a zero past the checks
    data = broken(exported, "profile", lambda profile: profile.update(check_in_days=0))
    before = snapshot()

    refused(upload(fresh_client, data), 422, "The database refused the file", "IntegrityError")
    assert snapshot() == before
    assert not any(model.objects.owned_by(fresh_user).exists() for model in OWNED)


# Size and the form itself ----------------------------------------------------------------


def test_a_file_over_the_limit_is_refused(fresh_client):
    before = snapshot()
    content = b"{" + b" " * restore.MAX_BYTES + b"}"

    refused(upload(fresh_client, content), 413, "too large", "the limit is 10 MB")
    assert snapshot() == before


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = readline = read


def post_unreadable(client, declared_length):
    """A multipart POST that declares `declared_length` bytes and fails if any is read."""
    return client.post(
        reverse("export_restore"),
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(declared_length),
        **{"wsgi.input": Unreadable()},
    )


def test_the_unreadable_body_does_fail_when_read(fresh_client):
    """The control for the test below: under the limit, the body is read (and fails)."""
    with pytest.raises(AssertionError, match="the body was read"):
        post_unreadable(fresh_client, 1024)


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(fresh_client):
    before = snapshot()
    response = post_unreadable(fresh_client, 50 * 1024 * 1024)

    refused(response, 413, "The file is too large to restore (this one is 50.0 MB)")
    assert snapshot() == before


def test_no_file_chosen(fresh_client):
    refused(fresh_client.post(reverse("export_restore"), {}), 422, "Choose the .json file")


def test_restore_takes_only_a_post(fresh_client):
    assert fresh_client.get(reverse("export_restore")).status_code == 405


def test_restore_needs_a_login(client, exported):
    before = snapshot()
    response = upload(client, exported)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_restore_checks_the_csrf_token(fresh_user, exported):
    client = Client(enforce_csrf_checks=True)
    client.force_login(fresh_user)
    before = snapshot()
    assert upload(client, exported).status_code == 403
    assert snapshot() == before


def test_restore_changes_no_one_elses_rows(fresh_client, exported):
    before = snapshot()
    assert upload(fresh_client, exported).status_code == 302
    after = snapshot()
    for name in ("Firm", "Recruiter", "Role", "Interaction", "FollowUp", "Profile"):
        changed = [row for row in before[name] if row not in after[name]]
        assert changed == [] or name == "Profile" and len(changed) == 1, name
    assert not any(name in json.dumps(exported) for name in THEIR_NAMES)
    assert Firm.objects.filter(name="Othercorp Talent").count() == 1
