"""The database rules (recruiters/rules.py) agree with the plain-Python reference
(recruiters/rules_reference.py) on random histories.

Each example is one job seeker's history: 1-5 recruiters, 0-8 roles at 1-3 shared employers
(often a second recruiter's submission 182-184 days from a first; some submissions dated
today or tomorrow, locally; each authorised or not), 0-25 interactions, 0-6
follow-ups in every state, and a profile with random thresholds and one of nine time zones;
`now` lies within 12 days of a daylight-saving change, often at a local midnight, and is
passed written in UTC or in a local zone. Times are drawn so that ties and exact boundaries
happen often: the thresholds share a few numbers of days, and a touch often lies exactly (or
a second, a minute, an hour off) the number of days before `now` after which it matters to
some rule, or on a local midnight; some lie after `now` (no rule may count them).

Each example is written for a fresh user with bulk_create (earlier examples' rows stay, as
other users' data that no rule may return) and every rule is asked on it, each in one query;
the results are compared as {rule: {id: figures}}, with the ids of the generated history
(1, 2, ...) rather than database ids, so that a failure names the rules that disagree and
reads against the falsifying example Hypothesis prints. Checking all rules on each history
keeps the ci profile (300 histories, so 300 examples of every rule) within budget.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from recruiters import rules
from recruiters import rules_reference as ref
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role

ZONES = (
    "UTC",
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
    "Asia/Tokyo",
    "America/Los_Angeles",  # DST from 8 March 2026, to 1 November
    "Europe/London",  # DST from 29 March 2026, to 25 October
    "Australia/Lord_Howe",  # half-hour DST, to 5 April 2026, from 4 October
    "Asia/Kathmandu",  # UTC+5:45
    "America/Havana",  # DST changes at local midnight
)
DST_CHANGES = tuple(
    date(2026, month, day) for month, day in ((3, 8), (3, 29), (4, 5), (10, 4), (10, 25), (11, 1))
)
JITTER_SECONDS = (-3600, -60, -1, 1, 60, 3600)
MOMENTS = ("days_ago", "days_ago", "near_days_ago", "local_midnight", "tie", "tie", "after_now")
MOMENTS += ("any",)
SUBMISSION_GAPS = (0, 1, 182, 183, 183, 184)
# Every kind, the ones the rules read twice as often.
INTERACTION_KINDS = (
    *Interaction.Kind.values,
    *(Interaction.Kind.ROLE_PITCH, Interaction.Kind.INTERVIEW),
    *(Interaction.Kind.INTERVIEW_FEEDBACK, Interaction.Kind.STATUS_UPDATE),
    *(Interaction.Kind.SUBMISSION, Interaction.Kind.OUTREACH),
)

_users = count(1)


# Strategies ---------------------------------------------------------------------------------


def local_midnight(day, zone):
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


@st.composite
def nows(draw, zone):
    """A moment within 12 days of a daylight-saving change; often a local midnight."""
    day = draw(st.sampled_from(DST_CHANGES)) + timedelta(days=draw(st.integers(-12, 12)))
    if draw(st.booleans()):
        jitter = draw(st.sampled_from((0, 0, 0, -1, 1)))
        return local_midnight(day, zone) + timedelta(seconds=jitter)
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(
        seconds=draw(st.integers(0, 86399))
    )


@dataclass
class Clock:
    """What the moments of one history are drawn around: `now`, the user's zone, the numbers
    of days that the thresholds name, and the moments drawn so far (to tie with)."""

    now: datetime
    zone: str
    key_days: list
    seen: list = field(default_factory=list)

    def draw_moment(
        self, draw, quiet_days=0, favourite_days=(), own=None, midnights=None, tie=False
    ):
        """A moment up to `now`, or after it: exactly or nearly a key number of days (often
        one of `favourite_days`) before `now - quiet_days`; a local midnight (`midnights`
        days before, if given), give or take a second; a tie with an earlier moment (often
        one of `own`; more often if `tie`); or any time in the 140 days before."""
        until = self.now - timedelta(days=quiet_days)
        how = draw(st.sampled_from(MOMENTS))
        if midnights and draw(st.booleans()):
            how = "local_midnight"
        if tie and draw(st.booleans()):
            how = "tie"
        if how in ("days_ago", "near_days_ago"):
            pool = favourite_days if favourite_days and draw(st.integers(0, 3)) else self.key_days
            days = draw(st.sampled_from(pool))
        if how == "tie" and self.seen:
            moment = draw(st.sampled_from(own if own and draw(st.integers(0, 3)) else self.seen))
        elif how == "days_ago":
            moment = until - timedelta(days=days)
        elif how == "near_days_ago":
            moment = until - timedelta(days=days, seconds=draw(st.sampled_from(JITTER_SECONDS)))
        elif how == "local_midnight":
            day = until.astimezone(ZoneInfo(self.zone)).date()
            back = draw(st.sampled_from(midnights) if midnights else st.integers(0, 8))
            moment = local_midnight(day - timedelta(days=back), self.zone)
            moment += timedelta(seconds=draw(st.sampled_from((0, 0, -1, 1))))
        elif how == "after_now":
            moment = self.now + timedelta(seconds=draw(st.sampled_from((0, 1, 3600, 86400))))
        else:
            moment = until - timedelta(seconds=draw(st.integers(0, 140 * 86400)))
        self.seen.append(moment)
        if own is not None:
            own.append(moment)
        return moment


def draw_due(draw, now, zone):
    """A follow-up's due time around now, today's local midnights or anything near."""
    today = now.astimezone(ZoneInfo(zone)).date()
    base = draw(
        st.sampled_from(
            (now, local_midnight(today + timedelta(days=1), zone), local_midnight(today, zone))
        )
    )
    shift = draw(st.one_of(st.sampled_from((0, -1, 1)), st.integers(-3 * 86400, 3 * 86400)))
    return base + timedelta(seconds=shift)


def draw_roles(draw, clock, recruiter_ids, employer_ids, today):
    """0-8 roles; often a second submission: another recruiter's role at the same employer,
    submitted 0, 1, 182, 183 or 184 days before or after the first. Each submission is
    authorised (right to represent) or not, either way as often."""
    roles = []
    for number in range(1, draw(st.integers(0, 8)) + 1):
        submitted = [r for r in roles if r.submitted_on is not None]
        if submitted and draw(st.booleans()):
            first = draw(st.sampled_from(submitted))
            gap = draw(st.sampled_from(SUBMISSION_GAPS)) * draw(st.sampled_from((1, -1)))
            recruiter_id = draw(st.sampled_from([*recruiter_ids, None]))
            employer_id = first.employer_id
            submitted_on = first.submitted_on + timedelta(days=gap)
        else:
            recruiter_id = draw(st.sampled_from([*recruiter_ids, *recruiter_ids, None]))
            employer_id = draw(st.sampled_from([*employer_ids, *employer_ids, None]))
            how = draw(st.sampled_from(("none", "days_ago", "days_ago", "any", "dst_day")))
            if how == "none":
                submitted_on = None
            elif how == "dst_day":  # its local midnight may happen twice, or not at all
                submitted_on = draw(st.sampled_from(DST_CHANGES))
            elif how == "days_ago":
                submitted_on = today - timedelta(days=draw(st.sampled_from((*SUBMISSION_GAPS, -1))))
            else:
                submitted_on = today - timedelta(days=draw(st.integers(-30, 400)))
        roles.append(
            ref.RefRole(
                id=number,
                recruiter_id=recruiter_id,
                employer_id=employer_id,
                stage=draw(st.sampled_from(Role.Stage.values)),
                stage_changed_at=clock.draw_moment(draw),
                submitted_on=submitted_on,
                submission_authorised=draw(st.booleans()),
            )
        )
    return tuple(roles)


def draw_interactions(draw, clock, profile, recruiters):
    """0-25 interactions. Some recruiters went quiet: all their touches lie at or before
    `now` minus one of their thresholds. Each touch is drawn often exactly (or nearly) the
    number of days after which it matters to a rule: its recruiter's silence threshold, the
    pitch answer delay for a pitch, the rolling window and the feedback delay for an
    interview (at a local midnight)."""
    quiet_days = {}
    for r in recruiters:
        thresholds = (ref.silence_threshold(profile, r), profile.dormant_after_days)
        thresholds += (profile.check_in_days,)
        quiet_days[r.id] = draw(st.sampled_from(thresholds)) if draw(st.booleans()) else 0
    their_moments = {r.id: [] for r in recruiters}
    interactions = []
    for number in range(1, draw(st.integers(0, 25)) + 1):
        recruiter = draw(st.sampled_from(recruiters))
        kind = draw(st.sampled_from(INTERACTION_KINDS))
        quiet, favourites, own, midnights = quiet_days[recruiter.id], [0], None, None
        if kind == Interaction.Kind.ROLE_PITCH:
            favourites = [profile.pitch_answer_days]
        elif kind == Interaction.Kind.INTERVIEW:  # which matters to the other recruiters too
            quiet, favourites = 0, [profile.one_sided_window_days]
            after = profile.feedback_business_days  # + a weekend or not, + the day after
            midnights = range(after + 1, after + 5)
        else:
            favourites.append(ref.silence_threshold(profile, recruiter))
        if kind != Interaction.Kind.STATUS_UPDATE:  # which ties with events elsewhere
            own = their_moments[recruiter.id]
        tie = kind in (Interaction.Kind.STATUS_UPDATE, Interaction.Kind.INTERVIEW_FEEDBACK)
        interactions.append(
            ref.RefInteraction(
                id=number,
                recruiter_id=recruiter.id,
                occurred_at=clock.draw_moment(draw, quiet, favourites, own, midnights, tie),
                direction=draw(st.sampled_from(Interaction.Direction.values)),
                kind=kind,
                value=draw(st.just("") | st.sampled_from(Interaction.Value.values)),
                expects_reply=draw(st.booleans()),
            )
        )
    return tuple(interactions)


def draw_follow_ups(draw, now, zone):
    follow_ups = []
    for number in range(1, draw(st.integers(0, 6)) + 1):
        state = draw(st.sampled_from(FollowUp.State.values))
        follow_ups.append(
            ref.RefFollowUp(
                id=number,
                state=state,
                due_at=draw_due(draw, now, zone),
                snoozed_until=draw_due(draw, now, zone) if state == "snoozed" else None,
            )
        )
    return tuple(follow_ups)


@st.composite
def histories(draw):
    """(a History with ids 1, 2, ... of each sort, `now`)."""
    zone = draw(st.sampled_from(ZONES))
    now = draw(nows(zone))
    # The thresholds often share a few numbers of days, so that a moment drawn "N days ago"
    # often lies exactly on the boundary of some rule.
    shared = draw(st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True))

    def days(most):
        return st.sampled_from(shared) | st.integers(1, most)

    profile = ref.RefProfile(
        time_zone=zone,
        silence_days_agency=draw(days(30)),
        silence_days_in_house=draw(days(30)),
        silence_days_retained=draw(days(30)),
        silence_days_contract=draw(days(30)),
        dormant_after_days=draw(days(120)),
        one_sided_window_days=draw(days(120)),
        feedback_business_days=draw(st.integers(1, 5)),
        pitch_answer_days=draw(st.integers(1, 5)),
        check_in_days=draw(days(60)),
    )
    recruiters = tuple(
        ref.RefRecruiter(
            id=number,
            kind=draw(st.sampled_from(Recruiter.Kind.values)),
            tier=draw(st.sampled_from(Recruiter.Tier.values)),
            silence_threshold_days=draw(st.none() | days(30)),
        )
        for number in range(1, draw(st.integers(1, 5)) + 1)
    )
    key_days = sorted(
        {0, 1, *shared, *(ref.silence_threshold(profile, r) for r in recruiters)}
        | {
            profile.dormant_after_days,
            profile.one_sided_window_days,
            profile.pitch_answer_days,
            profile.check_in_days,
        }
    )
    clock = Clock(now, zone, key_days)
    if draw(st.booleans()):
        profile = replace(profile, search_paused_at=clock.draw_moment(draw))
    today = now.astimezone(ZoneInfo(zone)).date()
    employer_ids = list(range(1, draw(st.integers(1, 3)) + 1))
    roles = draw_roles(draw, clock, [r.id for r in recruiters], employer_ids, today)
    interactions = draw_interactions(draw, clock, profile, recruiters)
    follow_ups = draw_follow_ups(draw, now, zone)
    history = ref.History(profile, recruiters, roles, interactions, follow_ups)
    # The same instant, written in UTC (as timezone.now() gives it) or in some local zone.
    written_in = draw(st.sampled_from(("UTC", zone, "America/Los_Angeles", "Asia/Kathmandu")))
    return history, now.astimezone(ZoneInfo(written_in))


# Writing a history to the database ----------------------------------------------------------

PROFILE_FIELDS = (
    "time_zone",
    "silence_days_agency",
    "silence_days_in_house",
    "silence_days_retained",
    "silence_days_contract",
    "dormant_after_days",
    "one_sided_window_days",
    "feedback_business_days",
    "pitch_answer_days",
    "check_in_days",
    "search_paused_at",
)


def write(history, now):
    """Store `history` for a fresh user; return their Profile, {model: {db id: our id}} and
    the stored roles by our id."""
    user = get_user_model().objects.create_user(username=f"differential-{next(_users)}")
    profile = user.profile
    for name in PROFILE_FIELDS:
        setattr(profile, name, getattr(history.profile, name))
    profile.save()
    employer_ids = sorted({r.employer_id for r in history.roles} - {None})
    employers = dict(
        zip(
            employer_ids,
            Firm.objects.bulk_create(
                Firm(owner=user, name=f"Employer {n}", kind=Firm.Kind.EMPLOYER)
                for n in employer_ids
            ),
            strict=True,
        )
    )
    recruiters = Recruiter.objects.bulk_create(
        Recruiter(
            owner=user,
            name=f"Recruiter {r.id}",
            kind=r.kind,
            tier=r.tier,
            silence_threshold_days=r.silence_threshold_days,
        )
        for r in history.recruiters
    )
    by_id = {r.id: db for r, db in zip(history.recruiters, recruiters, strict=True)}
    roles = Role.objects.bulk_create(
        Role(
            owner=user,
            title=f"Role {r.id}",
            recruiter=by_id.get(r.recruiter_id),
            employer=employers.get(r.employer_id),
            stage=r.stage,
            stage_changed_at=r.stage_changed_at,
            submitted_on=r.submitted_on,
            submission_authorised=r.submission_authorised,
        )
        for r in history.roles
    )
    interactions = Interaction.objects.bulk_create(
        Interaction(
            owner=user,
            recruiter=by_id[i.recruiter_id],
            occurred_at=i.occurred_at,
            direction=i.direction,
            kind=i.kind,
            value=i.value,
            expects_reply=i.expects_reply,
        )
        for i in history.interactions
    )
    follow_ups = FollowUp.objects.bulk_create(
        FollowUp(
            owner=user,
            title=f"Follow-up {f.id}",
            due_at=f.due_at,
            state=f.state,
            snoozed_until=f.snoozed_until,
            closed_at=now if f.state in FollowUp.State.CLOSED else None,
        )
        for f in history.follow_ups
    )
    ours = {
        Recruiter: zip(recruiters, history.recruiters, strict=True),
        Role: zip(roles, history.roles, strict=True),
        Interaction: zip(interactions, history.interactions, strict=True),
        FollowUp: zip(follow_ups, history.follow_ups, strict=True),
    }
    stored_roles = {r.id: db for r, db in zip(history.roles, roles, strict=True)}
    ours = {model: {db.pk: r.id for db, r in pairs} for model, pairs in ours.items()}
    return profile, ours, stored_roles


# What each rule annotates, as the reference names it ----------------------------------------


def attributes(*names):
    return lambda row, profile: {name: getattr(row, name) for name in names}


def update_figures(row, profile):
    return {
        "last_update_at": row.last_update_at,
        "accepted_elsewhere_at": row.accepted_elsewhere_at,
        "interview_elsewhere_at": row.interview_elsewhere_at,
        "paused_owed": row.paused_owed,
    }


def feedback_figures(row, profile):
    return {"owed_from": rules.feedback_due_at(row, profile)}


HEALTH = (
    "last_inbound_at",
    "last_outbound_at",
    "last_contact_at",
    "first_contact_at",
    "awaiting_reply_since",
    "open_role_count",
    "inbound_in_window",
    "outbound_in_window",
    "value_received_in_window",
    "value_given_in_window",
    "silence_threshold",
)

# rule name -> (the model it returns, the figures of one returned row)
CHECKS = {
    "with_health": (Recruiter, attributes(*HEALTH)),
    "silent_recruiters": (Recruiter, attributes("silent_since", "chasers_since")),
    "dormant_recruiters": (Recruiter, attributes("last_contact_at")),
    "check_in_due": (Recruiter, attributes("last_contact_at")),
    "gone_dormant": (Recruiter, attributes("last_contact_at")),
    "awaiting_reply": (Recruiter, attributes("awaiting_reply_since")),
    "awaiting_reply_not_silent": (Recruiter, attributes("awaiting_reply_since")),
    "one_sided": (Recruiter, attributes("they_ignore_you", "you_ignore_them", "value_one_way")),
    "updates_owed": (Recruiter, update_figures),
    "feedback_owed": (Interaction, feedback_figures),
    "unanswered_pitches": (Interaction, attributes()),
    "double_submissions": (Role, attributes("clash_count", "authorised_clash_count")),
    "unauthorised_submissions": (Role, attributes()),
    "overdue_follow_ups": (FollowUp, attributes("current_due_at")),
    "due_today_follow_ups": (FollowUp, attributes("current_due_at")),
    "aware_of_search": (Recruiter, attributes("aware_since")),
}


def test_every_rule_is_checked():
    assert set(rules.__all__) == set(CHECKS), "a rule of rules.py has no differential check"
    assert set(ref.RULES) | {"with_health"} == set(CHECKS)


def ask_database(rule, profile, now, ours):
    """What `rule` returns, as {our id: figures}: one query, each row once, all the user's."""
    model, figures = CHECKS[rule]
    with CaptureQueriesContext(connection) as queries:
        rows = list(getattr(rules, rule)(profile, now))
    assert len(queries) == 1, f"{rule} took {len(queries)} queries; each rule is one"
    found = {ours[model].get(row.pk, f"another user's row {row.pk}"): row for row in rows}
    assert len(found) == len(rows), f"{rule} returned a row twice"
    return {key: figures(row, profile) for key, row in found.items()}


@pytest.mark.django_db
@given(case=histories())
def test_database_rules_agree_with_reference(case):
    """Every rule, on one random history: {rule: {id: figures}} from the database equals the
    reference's. A failure names the rules that disagree and shows both sides of each."""
    history, now = case
    with transaction.atomic():  # an error in one example must not poison the next ones
        profile, ours, stored_roles = write(history, now)
        database = {rule: ask_database(rule, profile, now, ours) for rule in CHECKS}
        # The warning shown when a submission is logged, for each role.
        database["submission_clashes"] = {
            role_id: {ours[Role].get(o.pk, f"another user's row {o.pk}") for o in clashes}
            for role_id, role in stored_roles.items()
            for clashes in [rules.submission_clashes(role)]
        }
    reference = {rule: getattr(ref, rule)(history, now) for rule in CHECKS}
    reference["submission_clashes"] = {
        role.id: ref.submission_clashes(history, role) for role in history.roles
    }
    disagreeing = [rule for rule in database if database[rule] != reference[rule]]
    assert {rule: database[rule] for rule in disagreeing} == {
        rule: reference[rule] for rule in disagreeing
    }, f"database (left) and reference (right) disagree on {', '.join(disagreeing)}"


# The reference against the examples the docstrings give ------------------------------------


def test_reference_speaks_the_models_values():
    assert set(ref.OPEN_ROLE_STAGES) == set(Role.ACTIVE_STAGES)
    assert {ref.AGENCY, ref.IN_HOUSE, ref.RETAINED, ref.CONTRACT} == set(Recruiter.Kind.values)
    assert {ref.INVEST, ref.MAINTAIN, ref.DORMANT} == set(Recruiter.Tier.values)
    assert {ref.INBOUND, ref.OUTBOUND} == set(Interaction.Direction.values)
    kinds = {ref.INTERVIEW, ref.INTERVIEW_FEEDBACK, ref.ROLE_PITCH, ref.STATUS_UPDATE}
    assert kinds | {ref.OUTREACH, ref.SUBMISSION} <= set(Interaction.Kind.values)
    assert set(ref.PUT_FORWARD_STAGES) == set(rules.AWARE_STAGES)
    assert ref.FEEDBACK_VALUE in Interaction.Value.values
    assert {ref.ACCEPTED, *ref.OPEN_ROLE_STAGES} <= set(Role.Stage.values)
    states = {ref.FOLLOW_UP_OPEN, ref.FOLLOW_UP_SNOOZED, ref.FOLLOW_UP_DONE}
    closed = {ref.FOLLOW_UP_DISMISSED, ref.FOLLOW_UP_WITHDRAWN}
    assert states | closed == set(FollowUp.State.values)


def test_reference_owes_feedback_as_the_docstring_says():
    """Three business days: Monday's interview is owed from Friday 00:00, Friday's from
    Thursday 00:00, local time (rules.feedback_owed)."""
    zone = "America/Los_Angeles"
    monday, friday = date(2026, 3, 2), date(2026, 3, 6)
    for interview_day, owed_day in ((monday, friday), (friday, date(2026, 3, 12))):
        interview = ref.RefInteraction(
            1, 1, local_midnight(interview_day, zone) + timedelta(hours=23), "inbound", "interview"
        )
        history = ref.History(ref.RefProfile(time_zone=zone), interactions=(interview,))
        owed_from = local_midnight(owed_day, zone)
        assert ref.feedback_owed(history, owed_from - timedelta(seconds=1)) == {}
        assert ref.feedback_owed(history, owed_from) == {1: {"owed_from": owed_from}}


@pytest.mark.parametrize("business_days", range(1, 11))
def test_business_day_offset_counts_weekdays_one_by_one(business_days):
    for day in (date(2026, 3, 2) + timedelta(days=n) for n in range(7)):  # Monday to Sunday
        offset = rules.business_day_offset(day.isoweekday(), business_days)
        assert day + timedelta(days=offset) == ref.nth_business_day_after(day, business_days)
