"""The demo account (`manage.py load_demo`): content, story lines, idempotence, ownership."""

import io
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from recruiters.demo import DEMO_EMAIL, DEMO_PASSWORD, OWNED_MODELS, account_counts, load_demo
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role
from tests.factories import make_firm, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def run(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def demo_user(email=DEMO_EMAIL):
    return get_user_model().objects.get(username=email)


def snapshot(user):
    """Every owned row's (model, pk), to tell "nothing new was created" apart from a reload."""
    return {
        (m.__name__, pk)
        for m in OWNED_MODELS
        for pk in m.objects.owned_by(user).values_list("pk", flat=True)
    }


def test_load_prints_the_login_and_sets_up_the_profile():
    out = run()

    assert DEMO_EMAIL in out and DEMO_PASSWORD in out
    user = demo_user()
    assert user.check_password(DEMO_PASSWORD)
    assert user.profile.time_zone == "Europe/London"
    assert user.profile.purpose_statement and len(user.profile.target_roles.splitlines()) >= 2


def test_recruiters_span_every_kind_tier_and_origin_across_several_firms():
    run()
    recruiters = Recruiter.objects.owned_by(demo_user()).select_related("firm")

    assert len(recruiters) >= 15
    assert {r.kind for r in recruiters} == set(Recruiter.Kind.values)
    assert {r.tier for r in recruiters} == set(Recruiter.Tier.values)
    assert {r.initiated_by for r in recruiters} == set(Recruiter.InitiatedBy.values)
    for recruiter in recruiters:
        is_employer = recruiter.firm.kind == Firm.Kind.EMPLOYER
        assert is_employer == (recruiter.kind == Recruiter.Kind.IN_HOUSE), recruiter
    firm_kinds = list(Firm.objects.owned_by(demo_user()).values_list("kind", flat=True))
    assert set(firm_kinds) == set(Firm.Kind.values)
    assert firm_kinds.count(Firm.Kind.EMPLOYER) >= 5
    assert len(firm_kinds) - firm_kinds.count(Firm.Kind.EMPLOYER) >= 5


def test_roles_are_in_every_stage():
    run()
    stages = set(Role.objects.owned_by(demo_user()).values_list("stage", flat=True))
    assert stages == set(Role.Stage.values)


def test_interactions_cover_months_both_ways_and_carry_value_both_ways():
    run()
    interactions = Interaction.objects.owned_by(demo_user())
    now = timezone.now()

    assert interactions.count() >= 80
    assert interactions.filter(occurred_at__lt=now - timedelta(days=150)).exists()
    assert not interactions.filter(occurred_at__gt=now).exists()
    for direction in Interaction.Direction.values:
        carried = interactions.filter(direction=direction).exclude(value="")
        assert carried.values("value").distinct().count() >= 3, direction
    assert set(interactions.values_list("kind", flat=True)) == set(Interaction.Kind.values)


def test_follow_ups_are_overdue_due_later_done_and_snoozed():
    run()
    follow_ups = FollowUp.objects.owned_by(demo_user())
    now = timezone.now()

    assert follow_ups.filter(state="open", due_at__lt=now).exists()
    assert follow_ups.filter(state="open", due_at__gt=now).exists()
    assert follow_ups.filter(state="done", closed_at__lt=now).exists()
    assert follow_ups.filter(state="snoozed", snoozed_until__gt=now).exists()
    assert follow_ups.filter(owed_by="recruiter").exists()


def test_every_row_belongs_to_the_demo_user_and_other_accounts_are_untouched():
    someone = make_user()
    their_firm = make_firm(someone, name="Northbridge Talent")

    run()
    run("--reset")

    user = demo_user()
    for model in OWNED_MODELS:
        assert model.objects.owned_by(user).exists()
        assert not model.objects.exclude(owner__in=[user, someone]).exists()
    assert list(Firm.objects.owned_by(someone)) == [their_firm]
    related = (
        list(Recruiter.objects.values_list("owner", "firm__owner"))
        + list(Role.objects.values_list("owner", "employer__owner"))
        + list(Role.objects.values_list("owner", "recruiter__owner"))
        + list(Interaction.objects.values_list("owner", "recruiter__owner"))
        + list(Interaction.objects.values_list("owner", "role__owner"))
        + list(FollowUp.objects.values_list("owner", "recruiter__owner"))
        + list(FollowUp.objects.values_list("owner", "role__owner"))
    )
    assert all(linked in (None, owner) for owner, linked in related)


def test_a_second_run_creates_nothing_and_still_prints_the_login():
    run()
    before = snapshot(demo_user())

    out = run()

    assert snapshot(demo_user()) == before
    assert "nothing loaded" in out
    assert DEMO_EMAIL in out and DEMO_PASSWORD in out


def test_a_second_run_does_not_change_the_password_of_an_existing_account():
    run()
    out = run("--password", "another-password")

    assert demo_user().check_password(DEMO_PASSWORD)
    assert "another-password" not in out


def test_reset_reloads_the_same_counts_and_sets_the_password():
    run()
    counts = account_counts(demo_user())
    before = snapshot(demo_user())
    user = demo_user()
    Recruiter.objects.owned_by(user).first().delete()
    make_firm(user, name="Added by hand")
    user.set_password("changed-since")
    user.save()

    out = run("--reset")

    assert account_counts(demo_user()) == counts
    assert snapshot(demo_user()).isdisjoint(before)
    assert demo_user().check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out


def test_email_and_password_can_be_chosen():
    out = run("--email", "Someone@Example.COM", "--password", "a-demo-password")

    user = demo_user("someone@example.com")
    assert user.check_password("a-demo-password")
    assert "someone@example.com" in out and "a-demo-password" in out
    assert Recruiter.objects.owned_by(user).count() >= 15


def test_the_same_now_and_seed_give_the_same_history():
    now = datetime(2025, 6, 11, 12, 0, tzinfo=LONDON)
    histories = []
    for email in ("one@example.com", "two@example.com"):
        user = load_demo(email, "pw", now=now).user
        rows = Interaction.objects.owned_by(user).order_by("occurred_at", "summary")
        histories.append(list(rows.values_list("recruiter__name", "occurred_at", "summary")))
    assert histories[0] == histories[1]


# The story lines, checked the plain way on a few "nows": a Monday morning, a Sunday night
# just after the clocks went back, a Wednesday in the middle of British summer time.
NOWS = [
    datetime(2025, 3, 31, 7, 5, tzinfo=LONDON),
    datetime(2025, 10, 26, 23, 30, tzinfo=LONDON),
    datetime(2025, 7, 16, 13, 0, tzinfo=LONDON),
]


@pytest.fixture(params=NOWS, ids=lambda now: now.strftime("%a-%Y-%m-%d"))
def story(request):
    """(now, recruiters, roles, interactions by recruiter id) of a demo loaded at `now`."""
    now = request.param
    user = load_demo(now=now).user
    interactions = defaultdict(list)
    for interaction in Interaction.objects.owned_by(user).order_by("occurred_at"):
        interactions[interaction.recruiter_id].append(interaction)
    assert all(i.occurred_at < now for rows in interactions.values() for i in rows)
    recruiters = list(Recruiter.objects.owned_by(user))
    return now, recruiters, list(Role.objects.owned_by(user)), interactions


def touches(rows, direction, **filters):
    """The interactions among `rows` in `direction` whose attributes equal `filters`."""
    matches = (i for i in rows if all(getattr(i, k) == v for k, v in filters.items()))
    return [i for i in matches if i.direction == direction]


inbound = partial(touches, direction="inbound")
outbound = partial(touches, direction="outbound")


def business_days_between(start, end):
    """Weekdays after `start`'s London date, up to and including `end`'s."""
    day, end, count = start.astimezone(LONDON).date(), end.astimezone(LONDON).date(), 0
    while day < end:
        day += timedelta(days=1)
        count += day.weekday() < 5
    return count


def test_story_a_responsive_invest_recruiter_trades_value_both_ways(story):
    now, recruiters, _, interactions = story
    assert any(
        r.tier == "invest"
        and {"role_lead", "market_intel"} <= {i.value for i in inbound(interactions[r.pk])}
        and outbound(interactions[r.pk], value="referral")
        and inbound(interactions[r.pk])[-1].occurred_at > now - timedelta(days=7)
        for r in recruiters
    )


def test_story_a_silent_recruiter_with_an_open_role_and_three_chasers(story):
    now, _, roles, interactions = story
    open_threads = {
        role.recruiter_id for role in roles if role.stage in ("submitted", "interviewing")
    }

    def silent(pk):
        last_in = inbound(interactions[pk])[-1].occurred_at
        chasers = [
            i for i in outbound(interactions[pk], expects_reply=True) if i.occurred_at > last_in
        ]
        return last_in < now - timedelta(days=12) and len(chasers) >= 3

    assert any(silent(pk) for pk in open_threads)


def test_story_one_sided_relationships_both_ways(story):
    now, recruiters, _, interactions = story
    window = [
        [i for i in interactions[r.pk] if i.occurred_at > now - timedelta(days=90)]
        for r in recruiters
    ]
    assert any(len(outbound(rows)) >= 4 and len(inbound(rows)) <= 1 for rows in window)
    assert any(len(inbound(rows, kind="role_pitch")) >= 4 and not outbound(rows) for rows in window)


def test_story_an_interview_without_feedback_for_five_business_days(story):
    now, _, _, interactions = story
    assert any(
        business_days_between(i.occurred_at, now) >= 5
        and not [later for later in inbound(rows) if later.occurred_at > i.occurred_at]
        for rows in interactions.values()
        for i in inbound(rows, kind="interview")
    )


def test_story_a_pitch_from_three_days_ago_is_unanswered(story):
    now, _, _, interactions = story
    three_days_ago = (now.astimezone(LONDON) - timedelta(days=3)).date()
    assert any(
        pitch.occurred_at.astimezone(LONDON).date() == three_days_ago
        and not [i for i in outbound(rows) if i.occurred_at > pitch.occurred_at]
        for rows in interactions.values()
        for pitch in inbound(rows, kind="role_pitch")
    )


def test_story_an_offer_and_an_acceptance_while_others_hold_active_submissions(story):
    _, _, roles, _ = story
    for stage in ("offer", "accepted"):
        (decided,) = [role for role in roles if role.stage == stage]
        active = [r for r in roles if r.is_active and r.recruiter_id != decided.recruiter_id]
        assert len({role.recruiter_id for role in active}) >= 2


def test_story_two_recruiters_submitted_me_to_the_same_employer_within_six_months(story):
    _, _, roles, _ = story
    submitted = [role for role in roles if role.submitted_on and role.employer_id]
    assert any(
        a.employer_id == b.employer_id
        and a.recruiter_id != b.recruiter_id
        and abs(a.submitted_on - b.submitted_on) <= timedelta(days=183)
        for a in submitted
        for b in submitted
    )


def test_story_a_dormant_recruiter_and_a_quiet_invest_one(story):
    now, recruiters, _, interactions = story
    last = {r: interactions[r.pk][-1].occurred_at for r in recruiters}
    assert any(r.tier == "dormant" and at < now - timedelta(days=100) for r, at in last.items())
    assert any(r.tier == "invest" and at < now - timedelta(days=30) for r, at in last.items())


def test_reset_refuses_an_account_that_is_not_a_demo_one():
    user = make_user("me@example.com")
    make_firm(user, name="Mine")
    with pytest.raises(CommandError, match="only resets demo accounts"):
        run("--email", "me@example.com", "--reset")
    assert Firm.objects.filter(owner=user).count() == 1
