"""Accounts for the export tests: one that uses every field, and another user's rows."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from recruiters.exports.account_json import SYNC_BOOKKEEPING
from recruiters.models import (
    CalendarFeed,
    Firm,
    FollowUp,
    Interaction,
    Profile,
    Recruiter,
    Role,
)
from tests.factories import (
    make_firm,
    make_follow_up,
    make_interaction,
    make_recruiter,
    make_role,
    make_user,
)

OWNED = (Firm, Recruiter, Role, Interaction, FollowUp)
T0 = datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=UTC)


def at(days, hours=0):
    return T0 + timedelta(days=days, hours=hours)


@pytest.fixture
def fresh_user(db):
    return make_user("fresh.start@example.com")


@pytest.fixture
def fresh_client(client, fresh_user):
    """A client logged in as a brand-new user with an empty account."""
    client.force_login(fresh_user)
    return client


@pytest.fixture
def rich_account(user):
    """`user`'s account with every field of every model set, most away from its default,
    text that needs escaping everywhere, and every state of follow-up (a withdrawn one, which
    the rules closed, among them); the current employer is one of the firms."""
    Profile.objects.filter(user=user).update(
        time_zone="America/New_York",
        digest_frequency="weekly",
        digest_hour=7,
        digest_weekday=4,
        digest_when_all_clear=True,
        silence_days_agency=5,
        silence_days_in_house=6,
        silence_days_retained=8,
        silence_days_contract=9,
        dormant_after_days=60,
        one_sided_window_days=45,
        feedback_business_days=4,
        pitch_answer_days=3,
        purpose_statement="Staff role; remote, “EU” — ≥ €120k\nNo crypto, please.",
        target_roles="Staff Engineer\nPrincipal, Data",
        confidential_search=True,
        aware_warning_threshold=3,
        digest_email="me.personal@example.org",
        check_in_days=21,
        search_paused_at=at(20),
    )
    northwind = make_firm(
        user,
        name="Northwind, Talent; Ltd",
        kind=Firm.Kind.AGENCY,
        website="https://northwind.example/",
        works_for_my_employer=True,
        notes='=HYPERLINK("http://evil.example")\nsecond line',
    )
    zoe = make_firm(user, name="Émile & Zoë GmbH", kind=Firm.Kind.EMPLOYER)
    Profile.objects.filter(user=user).update(current_employer=zoe)
    user.profile.refresh_from_db()
    make_firm(user, name="Unused Retained Search", kind=Firm.Kind.RETAINED)
    dana = make_recruiter(
        user,
        name="Dana Reyes",
        firm=northwind,
        kind=Recruiter.Kind.IN_HOUSE,
        email="dana@northwind.example",
        phone="+44 20 7946 0958",
        linkedin_url="https://www.linkedin.com/in/dana-reyes",
        specialties="data, platform",
        initiated_by=Recruiter.InitiatedBy.ME,
        tier=Recruiter.Tier.INVEST,
        silence_threshold_days=12,
        notes="Likes short e-mails 🎯, hates calls.\r\nTuesdays best.",
    )
    sam = make_recruiter(
        user,
        name="@Sam Firmless",
        kind=Recruiter.Kind.CONTRACT,
        initiated_by=Recruiter.InitiatedBy.REFERRAL,
        tier=Recruiter.Tier.DORMANT,
    )
    staff = make_role(
        user,
        title="Staff Engineer, Data",
        employer=zoe,
        recruiter=dana,
        stage=Role.Stage.INTERVIEWING,
        stage_changed_at=at(3),
        compensation_min=120000,
        compensation_max=140000,
        currency="EUR",
        location="Berlin; or remote",
        work_mode=Role.WorkMode.HYBRID,
        link="https://jobs.example/staff?id=1&src=x",
        submitted_on=date(2026, 1, 7),
        submission_authorised=True,
        notes="-5% equity?",
    )
    lead = make_role(user, title="+Lead, no employer", stage=Role.Stage.PITCHED)
    interview = make_interaction(
        dana,
        role=staff,
        occurred_at=at(4),
        channel=Interaction.Channel.VIDEO,
        direction=Interaction.Direction.OUTBOUND,
        kind=Interaction.Kind.INTERVIEW,
        summary="Panel: system design, then; a \\ backslash, a comma",
        value=Interaction.Value.FEEDBACK,
        expects_reply=True,
    )
    make_interaction(
        sam,
        occurred_at=at(1),
        channel=Interaction.Channel.IN_PERSON,
        direction=Interaction.Direction.INBOUND,
        kind=Interaction.Kind.ROLE_PITCH,
        summary="=1+1",
        value=Interaction.Value.MARKET_INTEL,
    )
    make_interaction(dana, role=lead, occurred_at=at(2), summary="")
    make_follow_up(
        user,
        title="Send Dana my CV",
        owed_by=FollowUp.OwedBy.ME,
        recruiter=dana,
        role=staff,
        due_at=at(6),
        notes="Attach the PDF, not the .docx",
    )
    make_follow_up(
        user,
        title="Snoozed: ask Sam about rates",
        owed_by=FollowUp.OwedBy.RECRUITER,
        recruiter=sam,
        due_at=at(5),
        state=FollowUp.State.SNOOZED,
        snoozed_until=at(9),
    )
    make_follow_up(
        user, title="Thank the panel", due_at=at(4), state="done", closed_at=at(4, hours=3)
    )
    make_follow_up(
        user,
        title="Chase the lead",
        role=lead,
        due_at=at(2),
        state=FollowUp.State.DISMISSED,
        closed_at=at(3),
    )
    make_follow_up(user, title="Update my CV", due_at=at(8))
    FollowUp.objects.create(
        owner=user,
        owed_by=FollowUp.OwedBy.RECRUITER,
        title="Feedback from Dana on the interview",
        recruiter=dana,
        role=staff,
        due_at=at(7),
        rule=FollowUp.Rule.FEEDBACK_OWED,
        rule_key=str(interview.pk),
    )
    FollowUp.objects.create(
        owner=user,
        title="Update Dana on your search",
        recruiter=dana,
        due_at=at(20),
        rule=FollowUp.Rule.UPDATE_OWED,
        rule_key=f"{dana.pk}:2026-01-09 10:00:00+00:00",
    )
    FollowUp.objects.create(  # its pitch was deleted since: the key points at no row
        owner=user,
        title="Answer a deleted pitch",
        recruiter=sam,
        due_at=at(3),
        state=FollowUp.State.DONE,
        closed_at=at(4),
        rule=FollowUp.Rule.PITCH_ANSWER,
        rule_key="987654321",
    )
    FollowUp.objects.create(  # its cause went away: the rules withdrew it
        owner=user,
        title="Update Sam on your search",
        recruiter=sam,
        due_at=at(2),
        state=FollowUp.State.WITHDRAWN,
        closed_at=at(3, hours=1),
        closed_by_rule=True,
        rule=FollowUp.Rule.UPDATE_OWED,
        rule_key=f"{sam.pk}:2026-01-06 08:00:00+00:00",
    )
    # Timestamps from the past, all different, so that restoring them is visible.
    for offset, model in enumerate(OWNED):
        for n, pk in enumerate(model.objects.owned_by(user).values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(
                created_at=at(-100 + 10 * offset + n), updated_at=at(-50 + 10 * offset + n)
            )
    return user


THEIR_NAMES = ["Othercorp Talent", "Zebulon Otherworld", "Secret Quantum Architect"]


@pytest.fixture
def theirs(other_user):
    """Rows of another user, with names that must never appear in `user`'s exports."""
    firm = make_firm(other_user, name="Othercorp Talent")
    zeb = make_recruiter(other_user, name="Zebulon Otherworld", firm=firm)
    role = make_role(other_user, title="Secret Quantum Architect", recruiter=zeb, employer=firm)
    make_interaction(zeb, role=role, summary="Whispered otherworld gossip")
    make_follow_up(other_user, recruiter=zeb, title="Chase Zebulon about comp")
    return other_user


def snapshot():
    """Every field of every row of every table an export or a restore could touch."""
    models = [*OWNED, Profile, CalendarFeed, get_user_model()]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# Comparing two accounts field by field, whatever their ids ------------------------------


def account_content(user):
    """Every field of every row `user` owns except ids and owner, each relation replaced by
    the content of the row it points to: equal for two accounts exactly when they hold the
    same data, whatever ids the rows have. Per model, a Counter of row contents."""
    values = {
        model: {row["id"]: row for row in model.objects.owned_by(user).values()} for model in OWNED
    }

    def content(model, pk):
        row = values[model][pk]
        fields = []
        for field in model._meta.concrete_fields:
            if field.name in ("id", "owner"):
                continue
            value = row[field.attname]
            if field.is_relation and value is not None:
                value = content(field.related_model, value)
            elif model is FollowUp and field.name == "rule_key" and row["rule"]:
                value = rule_cause(row["rule"], value, content, values)
            fields.append((field.name, value))
        return tuple(fields)

    return {model.__name__: Counter(content(model, pk) for pk in values[model]) for model in OWNED}


def rule_cause(rule, key, content, values):
    """What a rule key names, as row content: the same cause in both accounts."""
    gone = key.startswith("gone:")
    head, _, rest = key.removeprefix("gone:").partition(":")
    model = Recruiter if rule == FollowUp.Rule.UPDATE_OWED else Interaction
    if gone or int(head) not in values[model]:
        return ("a row that is gone", rest)
    return (content(model, int(head)), rest)


def profile_content(user):
    """Every setting of `user`, the current employer as its firm's name (firm names are
    unique per owner), so that two accounts compare equal whatever the firms' ids; not the
    bookkeeping of the follow-up sync, which is not data."""
    profile = Profile.objects.filter(user=user).values().get()
    employer = profile.pop("current_employer_id")
    profile["current_employer"] = employer and Firm.objects.get(pk=employer).name
    left_out = {"id", "user_id", *SYNC_BOOKKEEPING}
    return {name: value for name, value in profile.items() if name not in left_out}
