"""The relationship state kept on write (recruiters.state, RecruiterState).

- the rules read from the kept state agree with the reference, as they do from history;
- after any sequence of writes, every kept row that holds now equals a rebuild from history,
  and once the expired rows are refreshed, every row holds;
- a row holds until the next interaction dated later or the oldest in the window leaves it;
- the writes that change it (interactions, roles, a new recruiter, the window) refresh it.
"""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from recruiters import rules, services, state
from recruiters import rules_reference as ref
from recruiters.models import FollowUp, Interaction, Profile, Recruiter, RecruiterState, Role
from tests.factories import make_interaction, make_recruiter, make_role
from tests.rules.test_differential import CHECKS, ask_database, histories, write

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
_users = count(1)
OUT, IN = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND


def kept(recruiter):
    return RecruiterState.objects.get(recruiter=recruiter)


def figures_from_history(user, now):
    """{recruiter id: {figure: value}} worked out from the history at `now`."""
    profile = Profile.objects.get(user=user)
    rows = Recruiter.objects.owned_by(user).annotate(**rules.history_figures(profile, now))
    return {row.pop("pk"): row for row in rows.values("pk", *state.FIGURES)}


def kept_rows(user):
    """{recruiter id: RecruiterState} of `user`."""
    return {row.recruiter_id: row for row in RecruiterState.objects.filter(owner=user)}


def holds(row, now, window, until="valid_until"):
    """Whether `row` holds its figures at `now`: all of them until `valid_until`, all but
    the window counts until `next_touch_at` (rules.state_holds)."""
    moment = getattr(row, until)
    return row.computed_at <= now and row.window_days == window and (moment is None or moment > now)


def figures(row):
    return {name: getattr(row, name) for name in state.FIGURES}


# The rules, read from the kept state -----------------------------------------------------


@pytest.mark.django_db
@given(case=histories(), computed_before=st.sampled_from([0, 1, 3600, 2 * 86400]))
def test_rules_read_from_the_kept_state_agree_with_the_reference(case, computed_before):
    """The differential check of every rule, with each recruiter's state kept as of a moment
    at or before `now`: where it still holds the rules read it, elsewhere the history; and
    when it holds for every recruiter (rules.read_kept_state), the kept columns alone."""
    history, now = case
    reference = {rule: getattr(ref, rule)(history, now) for rule in CHECKS}
    with transaction.atomic():
        profile, ours, _ = write(history, now)
        state.refresh(profile.user, now=now - timedelta(seconds=computed_before))
        assert {rule: ask_database(rule, profile, now, ours) for rule in CHECKS} == reference
        if rules.read_kept_state(profile, now).every_figure_holds:
            assert {rule: ask_database(rule, profile, now, ours) for rule in CHECKS} == reference


# Kept on write: equal to a rebuild after any sequence of writes ----------------------------

writes = st.one_of(
    st.tuples(
        st.just("log"),
        st.integers(0, 2),
        st.sampled_from(Interaction.Direction.values),
        st.sampled_from(
            [
                Interaction.Kind.CHECK_IN,
                Interaction.Kind.STATUS_UPDATE,
                Interaction.Kind.INTERVIEW,
                Interaction.Kind.ROLE_PITCH,
                Interaction.Kind.INTERVIEW_FEEDBACK,
            ]
        ),
        st.sampled_from(["", Interaction.Value.MARKET_INTEL]),
        st.booleans(),
        st.integers(-200, 48),
    ),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(-100, 100)),
    st.tuples(st.just("retarget"), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("role"), st.integers(0, 2), st.sampled_from(Role.Stage.values)),
    st.tuples(st.just("stage"), st.integers(0, 30), st.sampled_from(Role.Stage.values)),
    st.tuples(st.just("hand_over"), st.integers(0, 30), st.integers(0, 2)),
    st.tuples(st.just("delete_role"), st.integers(0, 30)),
    st.tuples(st.just("wait"), st.integers(1, 120)),
)


@pytest.mark.django_db
@given(steps=st.lists(writes, min_size=1, max_size=15), window=st.integers(1, 10))
def test_the_kept_state_equals_a_rebuild_after_any_sequence_of_writes(steps, window, monkeypatch):
    clock = [datetime(2026, 6, 8, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=f"kept-{next(_users)}")
        Profile.objects.filter(user=user).update(one_sided_window_days=window)
        people = [make_recruiter(user, name=name) for name in ("Ann", "Bo", "Cy")]
        for step in steps:
            apply_write(user, people, step, clock)
        now = clock[0]
        from_history = figures_from_history(user, now)
        kept_now = kept_rows(user)
        assert set(kept_now) == set(from_history), "a recruiter has no kept state"
        for rid, row in kept_now.items():
            if holds(row, now, window):
                assert figures(row) == from_history[rid], f"recruiter {rid} drifted"
            if holds(row, now, window, "next_touch_at"):
                touch = {name: from_history[rid][name] for name in rules.TOUCH_FIGURES}
                assert {name: getattr(row, name) for name in touch} == touch, rid
        state.refresh_expired(now)
        refreshed = kept_rows(user)
        assert all(holds(row, now, window) for row in refreshed.values())
        assert {rid: figures(row) for rid, row in refreshed.items()} == from_history


@pytest.mark.django_db
@given(steps=st.lists(writes, min_size=1, max_size=15))
def test_the_follow_ups_synced_after_each_write_are_those_of_a_full_sync(steps, monkeypatch):
    """Each write syncs, once it commits, as far as it reaches (state.Reach): the follow-ups
    of its recruiters alone (RecruiterState.follow_ups_stale), theirs and every update owed
    for an interview (Profile.updates_stale), all of them for a role: after any sequence of
    writes, a full sync finds nothing to change."""
    clock = [datetime(2026, 6, 8, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=f"synced-{next(_users)}")
        people = [make_recruiter(user, name=name) for name in ("Ann", "Bo", "Cy")]
        make_role(user, recruiter=people[0], stage=Role.Stage.INTERVIEWING)
        for step in steps:
            with TestCase.captureOnCommitCallbacks(execute=True):
                apply_write(user, people, step, clock)
            profile = Profile.objects.get(user=user)
            # As the sweep does when time alone changed what is owed (a "wait").
            services.sync_rule_follow_ups_if_needed(profile, clock[0])
            assert not RecruiterState.objects.filter(owner=user, follow_ups_stale=True).exists()
            assert not Profile.objects.filter(user=user, updates_stale=True).exists()
            synced = follow_up_rows(user)
            assert services.sync_rule_follow_ups(profile, clock[0]) == (0, 0), step
            assert follow_up_rows(user) == synced, step


def follow_up_rows(user):
    return list(FollowUp.objects.owned_by(user).order_by("pk").values())


def apply_write(user, people, step, clock):
    """One write through the ORM, as the app's views make them (signals included)."""
    name, *args = step
    interactions = list(Interaction.objects.owned_by(user).order_by("pk"))
    roles = list(Role.objects.owned_by(user).order_by("pk"))
    if name == "log":
        who, direction, kind, value, asks, hours = args
        make_interaction(
            people[who],
            direction=direction,
            kind=kind,
            value=value,
            expects_reply=asks,
            occurred_at=clock[0] + timedelta(hours=hours),
        )
    elif name in ("move", "retarget", "delete") and interactions:
        row = interactions[args[0] % len(interactions)]
        if name == "delete":
            row.delete()
        elif name == "move":
            row.occurred_at += timedelta(hours=args[1])
            row.save()
        else:
            row.recruiter = people[args[1]]
            row.save()
    elif name == "role":
        make_role(user, recruiter=people[args[0]], stage=args[1])
    elif name in ("stage", "hand_over", "delete_role") and roles:
        role = roles[args[0] % len(roles)]
        if name == "delete_role":
            role.delete()
        elif name == "stage":
            role.stage = args[1]
            role.save()
        else:
            role.recruiter = people[args[1]]
            role.save()
    elif name == "wait":
        clock[0] += timedelta(hours=args[0])


# When a kept row holds ---------------------------------------------------------------------


def test_a_row_holds_until_the_next_interaction_dated_later(user):
    now = timezone.now()
    ann = make_recruiter(user, name="Ann")
    make_interaction(ann, occurred_at=now - DAY, direction=IN)
    tomorrow = make_interaction(ann, occurred_at=now + DAY, direction=IN)
    row = kept(ann)
    assert row.last_inbound_at == now - DAY and row.valid_until == tomorrow.occurred_at
    assert row.next_touch_at == tomorrow.occurred_at


def test_a_row_holds_until_the_oldest_touch_in_the_window_leaves_it(user):
    now = timezone.now()
    ann = make_recruiter(user, name="Ann")
    oldest = make_interaction(ann, occurred_at=now - 10 * DAY, direction=OUT)
    make_interaction(ann, occurred_at=now - 2 * DAY, direction=OUT)
    row = kept(ann)
    assert row.outbound_in_window == 2
    assert row.valid_until == oldest.occurred_at + timedelta(days=90)


def test_past_its_window_edge_a_row_still_holds_every_figure_but_the_counts(user):
    now = timezone.now()
    ann = make_recruiter(user, name="Ann")
    make_interaction(ann, occurred_at=now - 10 * DAY, direction=OUT)
    row = kept(ann)
    assert row.next_touch_at is None and row.valid_until == now - 10 * DAY + 90 * DAY
    later = now + 81 * DAY  # the message has left the 90-day window
    profile = Profile.objects.get(user=user)

    def reads_history(figure):
        return "recruiters_interaction" in str(rules.with_health(profile, later, figure).query)

    assert not rules.read_kept_state(profile, later).every_figure_holds  # not every figure holds...
    assert not reads_history("last_outbound_at")  # ...but these do, for every recruiter
    assert reads_history("outbound_in_window")
    figures = rules.with_health(profile, later).get(pk=ann.pk)
    assert figures.last_outbound_at == now - 10 * DAY and figures.outbound_in_window == 0


def test_a_recruiter_with_no_history_has_a_state_that_always_holds(user):
    row = kept(make_recruiter(user, name="Ann"))
    assert row.valid_until is None and row.last_contact_at is None and row.open_role_count == 0


def test_a_role_handed_to_another_recruiter_moves_its_open_role_between_them(user):
    ann, bo = make_recruiter(user, name="Ann"), make_recruiter(user, name="Bo")
    role = make_role(user, recruiter=ann, stage=Role.Stage.SUBMITTED)
    assert (kept(ann).open_role_count, kept(bo).open_role_count) == (1, 0)
    role.recruiter = bo
    role.save()
    assert (kept(ann).open_role_count, kept(bo).open_role_count) == (0, 1)
    role.delete()
    assert kept(bo).open_role_count == 0


def test_an_interaction_moved_to_another_recruiter_refreshes_both(user):
    ann, bo = make_recruiter(user, name="Ann"), make_recruiter(user, name="Bo")
    touch = make_interaction(ann, occurred_at=timezone.now() - HOUR)
    touch.recruiter = bo
    touch.save()
    assert kept(ann).last_contact_at is None
    assert kept(bo).last_contact_at == touch.occurred_at


def test_deleting_a_recruiter_with_a_history_leaves_no_state_behind(user):
    ann = make_recruiter(user, name="Ann")
    make_role(user, recruiter=ann, stage=Role.Stage.SUBMITTED)
    for hours in range(5):
        make_interaction(ann, occurred_at=timezone.now() - hours * HOUR)
    ann.delete()
    connection.check_constraints()  # the deferred foreign keys, as at commit
    assert not RecruiterState.objects.filter(owner=user).exists()


def test_changing_the_window_in_settings_recounts_every_recruiter(client_in, user):
    ann = make_recruiter(user, name="Ann")
    make_interaction(ann, occurred_at=timezone.now() - 5 * DAY, direction=OUT)
    assert kept(ann).outbound_in_window == 1
    form = client_in.get("/settings/").context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "search_paused"
    }
    data["one_sided_window_days"] = 3
    response = client_in.post("/settings/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert (kept(ann).window_days, kept(ann).outbound_in_window) == (3, 0)


def test_the_kept_columns_alone_are_read_only_while_every_state_holds(user):
    ann = make_recruiter(user, name="Ann")
    make_interaction(ann, occurred_at=timezone.now() - HOUR, direction=IN)
    now = timezone.now()  # after the writes, which kept the state as of their moment
    profile = Profile.objects.get(user=user)

    def reads_history():
        query = str(rules.with_health(profile, now, "last_inbound_at").query)
        return "recruiters_interaction" in query

    assert rules.read_kept_state(profile, now).every_figure_holds
    assert not reads_history()
    make_interaction(ann, occurred_at=now + HOUR, direction=IN)  # a write: check again
    assert reads_history()
    later = now + 2 * HOUR
    assert not rules.read_kept_state(profile, later).every_figure_holds  # Ann's no longer holds
    Recruiter.objects.bulk_create([Recruiter(owner=user, name="Bo")])  # no state at all
    assert not rules.read_kept_state(profile, now).every_figure_holds


def test_another_users_ids_are_ignored(user, other_user):
    theirs = make_recruiter(other_user, name="Theirs")
    before = kept(theirs).computed_at
    assert state.refresh(user, [theirs.pk], now=timezone.now() + DAY) == 0
    assert kept(theirs).computed_at == before


def test_rebuild_state_recomputes_every_row(user, other_user):
    ann, theirs = make_recruiter(user, name="Ann"), make_recruiter(other_user, name="Theirs")
    make_interaction(ann, occurred_at=timezone.now() - HOUR)
    RecruiterState.objects.all().delete()
    call_command("rebuild_state")
    assert kept(ann).last_contact_at is not None and kept(theirs).last_contact_at is None
