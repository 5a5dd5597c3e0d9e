"""Rule-made follow-ups follow their cause both ways (services.sync_rule_follow_ups).

A follow-up closes as *done* only when its cause was answered, as *withdrawn* when the cause
went away (the news was deleted, the pause undone), and opens again when the cause comes back.
An update follow-up is due at the earliest news the recruiter has not heard, and its notes
list all of it. The dashboard, the recruiter's health card and the digest agree throughout.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiters import dashboard, health, services
from recruiters.digests import render
from recruiters.models import FollowUp, Interaction, Profile, Role
from tests.factories import make_interaction, make_recruiter, make_role

JUNE_9 = datetime(2026, 6, 9, 10, 0, tzinfo=UTC)
JUNE_11 = datetime(2026, 6, 11, 10, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
OUT, IN = Interaction.Direction.OUTBOUND, Interaction.Direction.INBOUND
UPDATE = FollowUp.Rule.UPDATE_OWED


def sync(user, now):
    return services.sync_rule_follow_ups(user.profile, now)


def updates(user, **filters):
    return list(FollowUp.objects.owned_by(user).filter(rule=UPDATE, **filters).order_by("pk"))


def open_updates(user):
    return updates(user, state__in=FollowUp.State.PENDING)


def holding_open_role(user, name="Dana"):
    recruiter = make_recruiter(user, name=name)
    make_role(user, recruiter=recruiter, stage=Role.Stage.SUBMITTED, title=f"Role with {name}")
    return recruiter


def interview(recruiter, at):
    return make_interaction(recruiter, occurred_at=at, kind=Interaction.Kind.INTERVIEW)


def accept_direct_offer(user, at):
    """An offer you accepted without any recruiter: news for every recruiter."""
    return make_role(user, title="Direct offer", stage=Role.Stage.ACCEPTED, stage_changed_at=at)


def set_paused(user, at):
    profile = user.profile
    profile.search_paused_at = at
    profile.save()


def where_it_shows(user, recruiter, now):
    """(on the dashboard, on the health card, in the digest): is an update to `recruiter`
    owed, as each of the three says it?"""
    profile = user.profile
    board = dashboard.build(profile, now)
    on_dashboard = any(f.rule == UPDATE and f.recruiter_id == recruiter.pk for f in board.you_owe)
    on_card = "update_owed" in dict(health.firing_rules(recruiter, profile, now))
    digest = render.compose(profile, now)
    title = f"Update {recruiter.name} on your search"
    in_digest = title in digest.text
    return on_dashboard, on_card, in_digest


# The due date and notes: the earliest news, all of it ----------------------------------


def test_an_update_is_due_at_the_earliest_news_and_its_notes_list_all_of_it(user):
    dana = holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    interview(elsewhere, JUNE_9)
    sync(user, JUNE_9 + DAY)
    (made,) = open_updates(user)
    assert made.due_at == JUNE_9

    interview(elsewhere, JUNE_11)
    sync(user, JUNE_11 + 4 * DAY)
    (kept,) = updates(user)  # the same obligation, not a new one
    assert (kept.pk, kept.state, kept.due_at) == (made.pk, FollowUp.State.OPEN, JUNE_9)
    assert (
        kept.notes == "You interviewed elsewhere 9 Jun and 11 Jun. Dana holds 1 open role with you."
    )
    assert kept.recruiter == dana


def test_news_of_several_kinds_is_listed_in_the_order_it_happened(user):
    holding_open_role(user)
    interview(make_recruiter(user, name="Ed"), JUNE_11)
    accept_direct_offer(user, JUNE_9)
    set_paused(user, JUNE_11 + DAY)
    sync(user, JUNE_11 + 2 * DAY)
    (made,) = open_updates(user)
    assert made.due_at == JUNE_9
    assert made.notes.startswith(
        "You accepted an offer elsewhere 9 Jun; you interviewed elsewhere 11 Jun; "
        "you paused your search 12 Jun."
    )


# Pause and resume ----------------------------------------------------------------------


def test_pausing_and_resuming_keeps_the_updates_still_owed(user):
    """Accepted a direct offer, told nobody: pausing and resuming the search an hour later
    leaves every owed update open, due at the acceptance, and nothing is marked done."""
    recruiters = [holding_open_role(user, name) for name in ("Dana", "Femi", "Gus")]
    accept_direct_offer(user, JUNE_9)
    sync(user, JUNE_9 + DAY)
    before = {f.recruiter_id: f.pk for f in open_updates(user)}
    assert set(before) == {r.pk for r in recruiters}

    set_paused(user, JUNE_9 + DAY + HOUR)
    sync(user, JUNE_9 + DAY + HOUR)
    assert all("paused your search" in f.notes for f in open_updates(user))
    set_paused(user, None)
    sync(user, JUNE_9 + DAY + 2 * HOUR)

    after = open_updates(user)
    assert {f.recruiter_id: f.pk for f in after} == before
    assert {f.due_at for f in after} == {JUNE_9}
    assert not any("paused" in f.notes for f in after)
    assert updates(user, state=FollowUp.State.DONE) == []
    for recruiter in recruiters:
        assert where_it_shows(user, recruiter, JUNE_9 + DAY + 3 * HOUR) == (True, True, True)


def test_an_update_owed_only_for_a_pause_is_withdrawn_when_the_pause_is_undone(user):
    dana = holding_open_role(user)
    set_paused(user, JUNE_9)
    sync(user, JUNE_9 + HOUR)
    (made,) = open_updates(user)

    set_paused(user, None)
    assert sync(user, JUNE_9 + 2 * HOUR) == (0, 1)
    (withdrawn,) = updates(user)
    assert (withdrawn.pk, withdrawn.state) == (made.pk, FollowUp.State.WITHDRAWN)
    assert withdrawn.closed_by_rule and withdrawn.closed_at == JUNE_9 + 2 * HOUR
    assert where_it_shows(user, dana, JUNE_9 + 2 * HOUR) == (False, False, False)

    set_paused(user, JUNE_9 + 3 * HOUR)  # paused again: owed again
    assert sync(user, JUNE_9 + 4 * HOUR) == (1, 0)
    (again,) = open_updates(user)
    assert (again.state, again.closed_at, again.due_at) == ("open", None, JUNE_9 + 3 * HOUR)
    assert where_it_shows(user, dana, JUNE_9 + 4 * HOUR) == (True, True, True)


# Deleting and changing the news ----------------------------------------------------------


@pytest.mark.django_db
def test_deleting_a_later_interview_on_the_delete_page_keeps_the_update_owed(client_in, user):
    dana = holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    now = timezone.now()
    first = interview(elsewhere, now - 3 * DAY)
    client_in.get(reverse("home"))
    later = interview(elsewhere, now - DAY)
    client_in.get(reverse("home"))
    response = client_in.post(reverse("interaction_delete", args=[later.pk]))
    assert response.status_code == 302
    assert not Interaction.objects.filter(pk=later.pk).exists()
    page = client_in.get(reverse("home"))

    (owed,) = open_updates(user)
    assert (owed.recruiter, owed.due_at) == (dana, first.occurred_at)
    assert owed.notes.startswith(f"You interviewed elsewhere {first.occurred_at:%-d %b}. ")
    assert updates(user, state=FollowUp.State.DONE) == []
    assert "Update Dana on your search" in page.content.decode()


def test_deleting_the_only_news_withdraws_the_update(user):
    holding_open_role(user)
    news = interview(make_recruiter(user, name="Ed"), JUNE_9)
    sync(user, JUNE_9 + HOUR)
    news.delete()
    assert sync(user, JUNE_9 + 2 * HOUR) == (0, 1)
    (withdrawn,) = updates(user)
    assert withdrawn.state == FollowUp.State.WITHDRAWN


def test_accepting_then_unaccepting_an_offer_withdraws_then_reopens_the_update(user):
    holding_open_role(user)
    offer = make_role(user, title="Offer", stage=Role.Stage.OFFER)
    services.move_role(offer, stage=Role.Stage.ACCEPTED, now=JUNE_9)
    sync(user, JUNE_9 + HOUR)
    (made,) = open_updates(user)
    services.move_role(offer, stage=Role.Stage.OFFER, now=JUNE_9 + HOUR)
    sync(user, JUNE_9 + 2 * HOUR)
    assert updates(user)[0].state == FollowUp.State.WITHDRAWN
    services.move_role(offer, stage=Role.Stage.ACCEPTED, now=JUNE_9 + 3 * HOUR)
    sync(user, JUNE_9 + 4 * HOUR)
    (again,) = open_updates(user)
    assert (again.pk, again.due_at) == (made.pk, JUNE_9 + 3 * HOUR)


def test_moving_the_recruiters_own_role_out_of_play_withdraws_their_update(user):
    dana = make_recruiter(user, name="Dana")
    role = make_role(user, recruiter=dana, stage=Role.Stage.INTERVIEWING)
    interview(make_recruiter(user, name="Ed"), JUNE_9)
    sync(user, JUNE_9 + HOUR)
    services.move_role(role, stage=Role.Stage.REJECTED, now=JUNE_9 + HOUR)
    sync(user, JUNE_9 + 2 * HOUR)
    assert updates(user)[0].state == FollowUp.State.WITHDRAWN
    services.move_role(role, stage=Role.Stage.INTERVIEWING, now=JUNE_9 + 3 * HOUR)
    sync(user, JUNE_9 + 4 * HOUR)
    assert updates(user)[0].state == FollowUp.State.OPEN


# Answered: done; the answer taken back: open again -----------------------------------------


def test_sending_the_update_marks_it_done_and_deleting_that_update_reopens_it(user):
    dana = holding_open_role(user)
    interview(make_recruiter(user, name="Ed"), JUNE_9)
    sync(user, JUNE_9 + HOUR)
    told = make_interaction(
        dana, occurred_at=JUNE_9 + HOUR, direction=OUT, kind=Interaction.Kind.STATUS_UPDATE
    )
    sync(user, JUNE_9 + 2 * HOUR)
    (done,) = updates(user)
    assert done.state == FollowUp.State.DONE and done.closed_by_rule
    assert where_it_shows(user, dana, JUNE_9 + 2 * HOUR) == (False, False, False)

    told.delete()  # logged by mistake: the update was never sent
    assert sync(user, JUNE_9 + 3 * HOUR) == (1, 0)
    (again,) = updates(user)
    assert (again.pk, again.state, again.due_at) == (done.pk, FollowUp.State.OPEN, JUNE_9)


def test_feedback_deleted_reopens_the_feedback_follow_up_and_a_deleted_interview_withdraws_it(
    user,
):
    ann = make_recruiter(user, name="Ann")
    talk = interview(ann, datetime(2026, 6, 8, 10, 0, tzinfo=UTC))  # a Monday: owed Friday
    friday = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)
    sync(user, friday)
    feedback = make_interaction(
        ann, occurred_at=friday, direction=IN, kind=Interaction.Kind.INTERVIEW_FEEDBACK
    )
    sync(user, friday + HOUR)
    rows = FollowUp.objects.owned_by(user).filter(rule=FollowUp.Rule.FEEDBACK_OWED)
    assert rows.get().state == FollowUp.State.DONE
    feedback.delete()
    sync(user, friday + 2 * HOUR)
    assert rows.get().state == FollowUp.State.OPEN
    talk.delete()
    sync(user, friday + 3 * HOUR)
    assert rows.get().state == FollowUp.State.WITHDRAWN


def test_an_edit_that_turns_the_news_into_something_else_withdraws_the_update(user):
    holding_open_role(user)
    news = interview(make_recruiter(user, name="Ed"), JUNE_9)
    sync(user, JUNE_9 + HOUR)
    news.kind = Interaction.Kind.CHECK_IN
    news.save()
    sync(user, JUNE_9 + 2 * HOUR)
    assert updates(user)[0].state == FollowUp.State.WITHDRAWN
    news.kind = Interaction.Kind.INTERVIEW
    news.save()
    sync(user, JUNE_9 + 3 * HOUR)
    assert updates(user)[0].state == FollowUp.State.OPEN


# Your own decisions ----------------------------------------------------------------------


@pytest.mark.parametrize("close", [services.complete_follow_up, services.dismiss_follow_up])
def test_an_update_you_closed_stays_closed_until_later_news(user, close):
    holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    interview(elsewhere, JUNE_9)
    sync(user, JUNE_9 + HOUR)
    (made,) = open_updates(user)
    close(made, now=JUNE_9 + 2 * HOUR)
    interview(elsewhere, JUNE_9 + HOUR)  # news you knew of when you decided
    assert sync(user, JUNE_9 + 3 * HOUR) == (0, 0)
    assert not updates(user)[0].closed_by_rule

    interview(elsewhere, JUNE_11)  # news after your decision
    assert sync(user, JUNE_11 + HOUR) == (1, 0)
    (again,) = open_updates(user)
    assert again.pk == made.pk and again.due_at == JUNE_9


def test_reopening_a_withdrawn_follow_up_by_hand_makes_it_yours(user):
    holding_open_role(user)
    set_paused(user, JUNE_9)
    sync(user, JUNE_9 + HOUR)
    set_paused(user, None)
    sync(user, JUNE_9 + 2 * HOUR)
    (withdrawn,) = updates(user)
    services.reopen_follow_up(withdrawn)
    withdrawn.refresh_from_db()
    assert (withdrawn.state, withdrawn.closed_by_rule) == (FollowUp.State.OPEN, False)


# Made when the cause is written, so that reading writes nothing ----------------------------


def test_logging_news_makes_the_follow_up_on_commit_and_the_next_read_writes_nothing(
    client_in, user, django_capture_on_commit_callbacks
):
    dana = holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_in.post(
            reverse("log_interaction", args=[elsewhere.pk]),
            {
                "direction": "outbound",
                "kind": "interview",
                "channel": "video",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "summary": "Panel interview",
            },
        )
    assert response.status_code in (200, 302)
    (owed,) = open_updates(user)  # made by the write, before any page was read
    assert owed.recruiter == dana
    with CaptureQueriesContext(connection) as queries:
        page = client_in.get(reverse("home"))
    assert "Update Dana on your search" in page.content.decode()
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == [] or all("django_session" in sql for sql in writes), writes


def test_an_interview_syncs_its_recruiters_follow_ups_and_every_update_owed_alone(
    user, django_capture_on_commit_callbacks
):
    """An interview is news for every recruiter's update owed, and for nothing else of the
    others' (state.Reach.UPDATES): the sync after it leaves their other follow-ups be."""
    dana = holding_open_role(user)
    cy, elsewhere = make_recruiter(user, name="Cy"), make_recruiter(user, name="Ed")
    now = timezone.now()
    interview(cy, now - 10 * DAY)  # no feedback since: Cy owes feedback, Dana an update
    sync(user, now)
    feedback = FollowUp.objects.get(owner=user, rule=FollowUp.Rule.FEEDBACK_OWED)
    # What a sync of all of the user's follow-ups puts back, and one of theirs alone not.
    FollowUp.objects.filter(pk=feedback.pk).update(title="Left as it was")

    with django_capture_on_commit_callbacks(execute=True):
        interview(elsewhere, now - HOUR)

    profile = Profile.objects.get(user=user)
    assert not (profile.follow_ups_stale or profile.updates_stale)
    (owed,) = open_updates(user)
    assert owed.recruiter == dana
    assert services.local_day(now - HOUR, profile) in owed.notes  # the news reached Dana
    feedback.refresh_from_db()
    assert feedback.title == "Left as it was"
    sync(user, now)
    feedback.refresh_from_db()
    assert feedback.title == "Feedback from Cy on the interview"


def test_long_news_names_its_first_days_and_counts_the_rest(user):
    holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    for day in range(8):
        interview(elsewhere, JUNE_9 + day * DAY)
    sync(user, JUNE_9 + 9 * DAY)
    (made,) = open_updates(user)
    assert made.due_at == JUNE_9
    assert made.notes == (
        "You interviewed elsewhere 9 Jun, 10 Jun, 11 Jun, 12 Jun, 13 Jun and 3 more. "
        "Dana holds 1 open role with you."
    )


def test_deleting_the_recruiter_of_an_interview_withdraws_the_update_it_was_news_for(
    user, django_capture_on_commit_callbacks
):
    dana = holding_open_role(user)
    elsewhere = make_recruiter(user, name="Ed")
    now = timezone.now()
    interview(elsewhere, now - DAY)
    sync(user, now)
    assert len(open_updates(user)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere.delete()
    (update,) = updates(user, recruiter=dana)
    assert update.state == FollowUp.State.WITHDRAWN
