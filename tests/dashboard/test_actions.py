"""One-click actions on dashboard items: log their reply, log a check-in, change the tier,
and finish or snooze a follow-up; as htmx swaps and as plain posts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters import dashboard, rules
from recruiters.models import FollowUp, Interaction, Recruiter, Role
from tests.dashboard.test_dashboard import get_home, items_of, seed_story_now
from tests.factories import make_recruiter

pytestmark = pytest.mark.django_db

DONE_PARTIAL = '<li class="item done" role="status">✓ '


@pytest.fixture
def story(user):
    return seed_story_now(user)


def act(client, recruiter, action, **kwargs):
    return client.post(reverse("recruiter_action", args=[recruiter.pk, action]), **kwargs)


def interactions(recruiter):
    return Interaction.objects.filter(recruiter=recruiter)


def snapshot():
    """Every recruiter's tier and every interaction: to check that nothing changed."""
    return (
        set(Recruiter.objects.values_list("pk", "tier")),
        set(Interaction.objects.values_list("pk", "recruiter", "direction", "occurred_at")),
    )


# Log their reply / log a check-in ----------------------------------------------------------


def test_their_reply_logs_an_inbound_check_in_now_and_ends_the_silence(
    client_in, user, story, htmx_headers
):
    assert story.dana in rules.silent_recruiters(user.profile, timezone.now())
    before = set(interactions(story.dana).values_list("pk", flat=True))
    start = timezone.now()

    response = act(client_in, story.dana, "replied", headers=htmx_headers)

    assert response.status_code == 200
    (logged,) = interactions(story.dana).exclude(pk__in=before)
    assert logged.direction == Interaction.Direction.INBOUND
    assert logged.kind == Interaction.Kind.CHECK_IN
    assert logged.owner == user
    assert start <= logged.occurred_at <= timezone.now()
    assert story.dana not in rules.silent_recruiters(user.profile, timezone.now())
    html = get_home(client_in)
    assert f"silent-{story.dana.pk}" not in items_of(html, "silent")
    assert f"awaiting-{story.dana.pk}" not in items_of(html, "awaiting")  # answered, too


def test_htmx_gets_the_done_partial_in_place_of_the_item(client_in, story, htmx_headers):
    response = act(client_in, story.dana, "replied", headers=htmx_headers)

    html = response.content.decode().strip()
    assert html == f"{DONE_PARTIAL}Logged “They replied”.</li>"
    assert "<html" not in html and "messages" not in html


def test_check_in_logs_an_outbound_one_and_clears_the_check_in(
    client_in, user, story, htmx_headers
):
    board = dashboard.build(user.profile)
    assert story.helena in board.check_ins
    before = set(interactions(story.helena).values_list("pk", flat=True))

    response = act(client_in, story.helena, "checked-in", headers=htmx_headers)

    html = response.content.decode().strip()
    assert html.startswith(DONE_PARTIAL) and html.endswith("</li>")
    (logged,) = interactions(story.helena).exclude(pk__in=before)
    assert logged.direction == Interaction.Direction.OUTBOUND
    assert logged.kind == Interaction.Kind.CHECK_IN
    assert timezone.now() - logged.occurred_at < timedelta(minutes=1)
    assert f"check-in-{story.helena.pk}" not in items_of(get_home(client_in), "check-in")


def test_check_in_confirmation_reads_as_the_summary_logged(client_in, story, htmx_headers):
    """The interaction logged says "I checked in"; the confirmation must not say "i"."""
    response = act(client_in, story.helena, "checked-in", headers=htmx_headers)

    assert "I checked in" in interactions(story.helena).values_list("summary", flat=True)
    assert response.content.decode().strip() == f"{DONE_PARTIAL}Logged “I checked in”.</li>"


def test_check_in_on_a_dormant_relationship_wakes_it(client_in, story, htmx_headers):
    act(client_in, story.nina, "checked-in", headers=htmx_headers)

    assert f"dormant-{story.nina.pk}" not in items_of(get_home(client_in), "dormant")


# Tier -------------------------------------------------------------------------------------


def test_tier_changes_the_tier(client_in, story, htmx_headers):
    response = act(client_in, story.nina, "tier", data={"tier": "dormant"}, headers=htmx_headers)

    assert response.status_code == 200
    story.nina.refresh_from_db()
    assert story.nina.tier == Recruiter.Tier.DORMANT
    html = response.content.decode().strip()
    assert html.startswith(DONE_PARTIAL) and html.endswith("</li>")
    assert "Nina Kowalski is now “Dormant”." in html
    # Tiered dormant: no longer offered as "gone dormant" on the dashboard.
    assert f"dormant-{story.nina.pk}" not in items_of(get_home(client_in), "dormant")


def test_tier_to_invest_makes_a_quiet_relationship_a_check_in(client_in, user, story):
    act(client_in, story.nina, "tier", data={"tier": "invest"})

    board = dashboard.build(user.profile)
    assert story.nina in board.check_ins and story.nina not in board.dormant


@pytest.mark.parametrize("data", [{"tier": "gold"}, {"tier": ""}, {}])
def test_invalid_tier_is_400_and_changes_nothing(client_in, story, htmx_headers, data):
    before = snapshot()

    response = act(client_in, story.dana, "tier", data=data, headers=htmx_headers)

    assert response.status_code == 400
    assert snapshot() == before


def test_unknown_action_is_404_and_changes_nothing(client_in, story, htmx_headers):
    before = snapshot()

    for action in ("delete", "REPLIED", "replied ", "tiers"):
        response = act(client_in, story.dana, action, headers=htmx_headers)
        assert response.status_code == 404, action
    assert snapshot() == before


def test_actions_only_accept_post(client_in, story):
    before = snapshot()

    response = client_in.get(reverse("recruiter_action", args=[story.dana.pk, "replied"]))

    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("action", ["replied", "checked-in", "tier"])
def test_another_users_recruiter_is_404(client_in, other_user, action):
    theirs = make_recruiter(other_user, name="Their Recruiter")
    before = snapshot()

    response = act(client_in, theirs, action, data={"tier": "dormant"})

    assert response.status_code == 404
    assert snapshot() == before


def test_logged_out_action_changes_nothing(client, story):
    before = snapshot()

    response = act(client, story.dana, "replied")

    assert response.status_code == 302 and "/login" in response["Location"]
    assert snapshot() == before


# Plain posts (no JavaScript) --------------------------------------------------------------


@pytest.mark.parametrize("action", ["replied", "checked-in"])
def test_plain_post_redirects_to_next_with_a_message(client_in, story, action):
    response = act(client_in, story.dana, action, data={"next": "/home/"})

    assert response.status_code == 302
    assert response["Location"] == "/home/"
    page = client_in.get("/home/").content.decode()
    assert "Logged “" in page


def test_plain_tier_post_redirects_to_next(client_in, story):
    response = act(client_in, story.nina, "tier", data={"tier": "invest", "next": "/home/"})

    assert response.status_code == 302 and response["Location"] == "/home/"
    story.nina.refresh_from_db()
    assert story.nina.tier == Recruiter.Tier.INVEST


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/home/", "//evil.example/", "javascript:alert(1)", ""],
)
def test_plain_post_never_redirects_off_site(client_in, story, target):
    response = act(client_in, story.dana, "replied", data={"next": target})

    assert response.status_code == 302
    assert response["Location"] == story.dana.get_absolute_url()


# Follow-ups done / snoozed from the dashboard ------------------------------------------------


def follow_up_act(client, follow_up, action, **kwargs):
    return client.post(reverse("follow_up_action", args=[follow_up.pk, action]), **kwargs)


def all_items(html):
    return [
        item
        for section_id in ("overdue", "due-today", "you-owe", "feedback-owed")
        for item in items_of(html, section_id)
    ]


def test_done_removes_the_follow_up_on_the_next_render(client_in, story, htmx_headers):
    assert f"follow-up-{story.overdue.pk}" in items_of(get_home(client_in), "overdue")

    response = follow_up_act(client_in, story.overdue, "done", headers=htmx_headers)

    assert response.status_code == 200
    story.overdue.refresh_from_db()
    assert story.overdue.state == FollowUp.State.DONE
    assert f"follow-up-{story.overdue.pk}" not in all_items(get_home(client_in))


def test_snooze_removes_the_follow_up_on_the_next_render(client_in, story, htmx_headers):
    assert f"follow-up-{story.due_today.pk}" in items_of(get_home(client_in), "due-today")

    follow_up_act(client_in, story.due_today, "snooze", data={"days": 3}, headers=htmx_headers)

    story.due_today.refresh_from_db()
    assert story.due_today.state == FollowUp.State.SNOOZED
    assert story.due_today.snoozed_until > timezone.now() + timedelta(days=2, hours=23)
    assert f"follow-up-{story.due_today.pk}" not in all_items(get_home(client_in))


def test_done_and_dismissed_rule_follow_ups_stay_gone(client_in, user, story, htmx_headers):
    """A rule-made follow-up (feedback owed, answer owed) that the user closes does not come
    back on the next render, although its cause is still there."""
    html = get_home(client_in)
    board = dashboard.build(user.profile)
    feedback, answer = board.feedback_owed[0], board.you_owe[0]
    assert f"follow-up-{feedback.pk}" in items_of(html, "feedback-owed")

    follow_up_act(client_in, feedback, "done", headers=htmx_headers)
    follow_up_act(client_in, answer, "dismiss", headers=htmx_headers)

    html = get_home(client_in)
    assert f"follow-up-{feedback.pk}" not in all_items(html)
    assert f"follow-up-{answer.pk}" not in all_items(html)
    assert not dashboard.build(user.profile).feedback_owed


def test_plain_done_from_the_dashboard_returns_to_it(client_in, story):
    response = follow_up_act(client_in, story.overdue, "done", data={"next": "/home/"})

    assert response.status_code == 302 and response["Location"] == "/home/"
    assert f"follow-up-{story.overdue.pk}" not in all_items(get_home(client_in))


# Mark a submission authorised (right to represent) ----------------------------------------


def authorise(client, role, **kwargs):
    return client.post(reverse("role_authorise", args=[role.pk]), **kwargs)


def authorised(role):
    role.refresh_from_db()
    return role.submission_authorised


def test_authorise_marks_the_submission_and_clears_the_item(client_in, story, htmx_headers):
    assert items_of(get_home(client_in), "unauthorised") == [f"unauthorised-{story.tom_role.pk}"]

    response = authorise(client_in, story.tom_role, headers=htmx_headers)

    assert response.status_code == 200
    assert authorised(story.tom_role)
    html = response.content.decode().strip()
    assert html == (
        f"{DONE_PARTIAL}Tom Ellery’s submission for Staff Engineer, Data Platform at Orbital "
        "Freight is marked as authorised.</li>"
    )
    home = get_home(client_in)
    assert items_of(home, "unauthorised") == []
    # ... and the double submission now says you authorised both.
    assert "You authorised both." in home


def test_plain_authorise_redirects_to_next_with_a_message(client_in, story):
    response = authorise(client_in, story.tom_role, data={"next": "/home/"})

    assert response.status_code == 302 and response["Location"] == "/home/"
    assert authorised(story.tom_role)
    assert "is marked as authorised." in client_in.get("/home/").content.decode()


def test_plain_authorise_without_next_returns_to_the_dashboard(client_in, story):
    response = authorise(client_in, story.tom_role, data={"next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_authorise_only_accepts_post(client_in, story):
    response = client_in.get(reverse("role_authorise", args=[story.tom_role.pk]))

    assert response.status_code == 405
    assert not authorised(story.tom_role)


def test_authorising_another_users_role_is_404(client_in, other_user, htmx_headers):
    theirs = make_recruiter(other_user, name="Their Recruiter")
    role = Role.objects.create(
        owner=other_user, title="Theirs", recruiter=theirs, submitted_on=timezone.localdate()
    )

    for headers in ({}, htmx_headers):
        assert authorise(client_in, role, headers=headers).status_code == 404
    assert not authorised(role)
