"""Rule-made follow-ups after any sequence of edits, against the reference rules.

Hypothesis draws a short life of one job seeker: interactions logged, edited and deleted, the
search paused and resumed, offers accepted and taken back, roles moved back and forth, time
passing, and after some of them the sync (what every dashboard load and sweep runs). After
every sync:
- the open (or snoozed) rule-made follow-ups are exactly what rules_reference.py says is
  owed at that moment, each once, with the due date of the earliest unheard news;
- a follow-up that sync closed is *done* if its cause was answered, *withdrawn* if not.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from recruiters import rules_reference as ref
from recruiters import services
from recruiters.models import FollowUp, Interaction, Profile, Recruiter, Role

START = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)  # a Monday
KINDS = (
    Interaction.Kind.INTERVIEW,
    Interaction.Kind.INTERVIEW_FEEDBACK,
    Interaction.Kind.STATUS_UPDATE,
    Interaction.Kind.ROLE_PITCH,
    Interaction.Kind.CHECK_IN,
)
_users = count(1)

hours = st.integers(-120, 3).map(lambda n: timedelta(hours=n))
edits = st.one_of(
    st.tuples(
        st.just("log"),
        st.integers(0, 2),
        st.sampled_from(KINDS),
        st.sampled_from(Interaction.Direction.values),
        st.sampled_from(["", Interaction.Value.FEEDBACK]),
        hours,
    ),
    st.tuples(st.just("move_in_time"), st.integers(0, 50), hours),
    st.tuples(st.just("change_kind"), st.integers(0, 50), st.sampled_from(KINDS)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("pause")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("move_role"), st.integers(0, 2), st.sampled_from(Role.Stage.values)),
    st.tuples(st.just("wait"), st.integers(1, 96).map(lambda n: timedelta(hours=n))),
)


@st.composite
def lives(draw):
    return {
        "zone": draw(st.sampled_from(["UTC", "Pacific/Kiritimati", "America/Los_Angeles"])),
        "start": START + timedelta(hours=draw(st.integers(0, 7 * 24))),
        "pitch_answer_days": draw(st.integers(1, 3)),
        "feedback_business_days": draw(st.integers(1, 3)),
        "stages": draw(st.lists(st.sampled_from(Role.Stage.values), min_size=3, max_size=3)),
        # Each edit, and whether a page load (a sync) follows it.
        "edits": draw(st.lists(st.tuples(edits, st.booleans()), min_size=1, max_size=14)),
    }


class Life:
    """One user's rows, changed the way the app changes them."""

    def __init__(self, life):
        user = get_user_model().objects.create_user(username=f"life-{next(_users)}")
        self.user, self.now = user, life["start"]
        Profile.objects.filter(user=user).update(
            time_zone=life["zone"],
            pitch_answer_days=life["pitch_answer_days"],
            feedback_business_days=life["feedback_business_days"],
        )
        self.recruiters = [
            Recruiter.objects.create(owner=user, name=name) for name in ("Ann", "Bo", "Cy")
        ]
        # Two roles with recruiters and one applied to directly.
        presenters = [self.recruiters[0], self.recruiters[1], None]
        self.roles = [
            Role.objects.create(
                owner=user, title=f"Role {n}", recruiter=by, stage=stage, stage_changed_at=START
            )
            for n, (by, stage) in enumerate(zip(presenters, life["stages"], strict=True))
        ]

    @property
    def profile(self):
        return Profile.objects.get(user=self.user)

    def interactions(self):
        return list(Interaction.objects.owned_by(self.user).order_by("pk"))

    def pick(self, index):
        found = self.interactions()
        return found[index % len(found)] if found else None

    def apply(self, edit):
        name, *args = edit
        if name == "log":
            who, kind, direction, value, shift = args
            Interaction.objects.create(
                owner=self.user,
                recruiter=self.recruiters[who],
                occurred_at=self.now + shift,
                kind=kind,
                direction=direction,
                value=value,
            )
        elif name in ("move_in_time", "change_kind", "delete") and (row := self.pick(args[0])):
            if name == "delete":
                row.delete()
            elif name == "move_in_time":
                row.occurred_at += args[1]
                row.save()
            else:
                row.kind = args[1]
                row.save()
        elif name in ("pause", "resume"):
            profile = self.profile
            if name == "resume":
                profile.search_paused_at = None
            elif profile.search_paused_at is None:  # as the settings form does
                profile.search_paused_at = self.now
            profile.save()
        elif name == "move_role":
            role = Role.objects.get(pk=self.roles[args[0]].pk)
            services.move_role(role, stage=args[1], now=self.now)
        elif name == "wait":
            self.now += args[0]

    def history(self):
        return ref.History(
            self.profile,
            tuple(Recruiter.objects.owned_by(self.user)),
            tuple(Role.objects.owned_by(self.user)),
            tuple(self.interactions()),
        )

    def sync_and_check(self):
        rows = FollowUp.objects.owned_by(self.user).exclude(rule="")
        was_pending = set(
            rows.filter(state__in=FollowUp.State.PENDING).values_list("pk", flat=True)
        )
        services.sync_rule_follow_ups(self.profile, self.now)
        history = self.history()
        pending = [f for f in rows if f.state in FollowUp.State.PENDING]
        found = Counter((f.rule, f.recruiter_id, f.due_at) for f in pending)
        assert found == owed(history, self.now)
        for follow_up in pending:
            if follow_up.rule == FollowUp.Rule.UPDATE_OWED:
                day = follow_up.due_at.astimezone(history.profile.zone).strftime("%-d %b")
                assert day in follow_up.notes.split(";")[0], "notes name the earliest news"
        closed_now = rows.filter(pk__in=was_pending, state__in=FollowUp.State.CLOSED)
        for follow_up in closed_now:
            state = FollowUp.State.DONE if answered(follow_up, history, self.now) else "withdrawn"
            assert follow_up.closed_by_rule and follow_up.closed_at == self.now
            assert follow_up.state == state, f"{follow_up.rule_key} closed as {follow_up.state}"


def owed(history, now):
    """Counter of (rule, recruiter id, due) of the follow-ups the reference rules owe at
    `now`: one per interview owed feedback, one per recruiter owed an answer or an update."""
    profile = history.profile
    by_id = {i.id: i for i in history.interactions}
    expected = Counter(
        (FollowUp.Rule.FEEDBACK_OWED, by_id[pk].recruiter_id, figures["owed_from"])
        for pk, figures in ref.feedback_owed(history, now).items()
    )
    first_pitch = {}
    for pk in ref.unanswered_pitches(history, now):
        pitch = by_id[pk]
        first = first_pitch.setdefault(pitch.recruiter_id, pitch)
        if pitch.occurred_at < first.occurred_at:
            first_pitch[pitch.recruiter_id] = pitch
    answer_within = timedelta(days=profile.pitch_answer_days)
    expected.update(
        (FollowUp.Rule.PITCH_ANSWER, rid, pitch.occurred_at + answer_within)
        for rid, pitch in first_pitch.items()
    )
    for rid, figures in ref.updates_owed(history, now).items():
        news = [figures["accepted_elsewhere_at"], figures["interview_elsewhere_at"]]
        if figures["paused_owed"]:
            news.append(profile.search_paused_at)
        expected[(FollowUp.Rule.UPDATE_OWED, rid, min(n for n in news if n is not None))] += 1
    return expected


def answered(follow_up, history, now):
    """Was the cause of a rule-made follow-up answered by `now`: feedback after the
    interview, anything sent after the pitch, a status update after the last one the key
    names?"""
    head, _, since = follow_up.rule_key.partition(":")
    later = [i for i in history.interactions if i.occurred_at <= now]
    if follow_up.rule == FollowUp.Rule.UPDATE_OWED:
        after = None if since == "never" else datetime.fromisoformat(since)
        return any(
            i.recruiter_id == int(head)
            and i.direction == Interaction.Direction.OUTBOUND
            and i.kind == Interaction.Kind.STATUS_UPDATE
            and (after is None or i.occurred_at > after)
            for i in later
        )
    cause = next((i for i in history.interactions if i.id == int(head)), None)
    if cause is None:
        return False
    direction = {
        FollowUp.Rule.FEEDBACK_OWED: Interaction.Direction.INBOUND,
        FollowUp.Rule.PITCH_ANSWER: Interaction.Direction.OUTBOUND,
    }[follow_up.rule]
    return any(
        i.recruiter_id == cause.recruiter_id
        and i.direction == direction
        and i.occurred_at > cause.occurred_at
        and (
            follow_up.rule == FollowUp.Rule.PITCH_ANSWER
            or i.kind == Interaction.Kind.INTERVIEW_FEEDBACK
            or i.value == Interaction.Value.FEEDBACK
        )
        for i in later
    )


@pytest.mark.django_db
@given(life=lives())
def test_rule_made_follow_ups_follow_any_sequence_of_edits(life):
    with transaction.atomic():  # an error in one example must not poison the next ones
        living = Life(life)
        for edit, then_sync in life["edits"]:
            living.apply(edit)
            if then_sync:
                living.sync_and_check()
        living.sync_and_check()
