"""Follow-ups: done, snooze, dismiss and reopen, as htmx swaps and as plain posts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiters import rules
from recruiters.models import FollowUp
from tests.factories import make_follow_up


def act(client, follow_up, action, **kwargs):
    return client.post(reverse("follow_up_action", args=[follow_up.pk, action]), **kwargs)


def test_done_with_htmx_returns_the_row_closed(client_in, user, htmx_headers):
    follow_up = make_follow_up(user, title="Send the CV")

    response = act(client_in, follow_up, "done", headers=htmx_headers)

    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.DONE and follow_up.closed_at is not None
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<li class="follow-up state-done" id="follow-up-{follow_up.pk}"'
    )
    assert "Reopen" in html and ">Done<" not in html


def test_snooze_hides_it_for_the_given_days(client_in, user):
    follow_up = make_follow_up(user, due_at=timezone.now() - timedelta(days=1))
    before = timezone.now()

    response = act(client_in, follow_up, "snooze", data={"days": "5"})

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.SNOOZED
    assert (
        before + timedelta(days=5) <= follow_up.snoozed_until <= timezone.now() + timedelta(days=5)
    )
    assert not follow_up.is_overdue
    assert not rules.overdue_follow_ups(user.profile, timezone.now()).exists()


def test_snooze_defaults_to_three_days(client_in, user, htmx_headers):
    follow_up = make_follow_up(user)
    act(client_in, follow_up, "snooze", headers=htmx_headers)
    follow_up.refresh_from_db()
    assert (
        timedelta(days=2, hours=23) < follow_up.snoozed_until - timezone.now() <= timedelta(days=3)
    )


@pytest.mark.parametrize("days", ["0", "91", "soon"])
def test_snooze_rejects_bad_days_and_changes_nothing(client_in, user, days):
    follow_up = make_follow_up(user)
    response = act(client_in, follow_up, "snooze", data={"days": days})
    assert response.status_code == 400
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.OPEN


def test_an_expired_snooze_is_overdue_again(user):
    follow_up = make_follow_up(
        user, state=FollowUp.State.SNOOZED, snoozed_until=timezone.now() - timedelta(minutes=1)
    )
    assert list(rules.overdue_follow_ups(user.profile, timezone.now())) == [follow_up]


def test_dismiss_then_reopen(client_in, user):
    follow_up = make_follow_up(user)
    act(client_in, follow_up, "dismiss")
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.DISMISSED
    act(client_in, follow_up, "reopen")
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.closed_at) == (FollowUp.State.OPEN, None)


def test_unknown_action_is_404(client_in, user):
    follow_up = make_follow_up(user)
    assert act(client_in, follow_up, "explode").status_code == 404


def test_plain_post_goes_back_to_a_local_next_only(client_in, user):
    follow_up = make_follow_up(user)
    assert act(client_in, follow_up, "done", data={"next": "/home/"})["Location"] == "/home/"
    follow_up = make_follow_up(user)
    response = act(client_in, follow_up, "done", data={"next": "https://evil.example/"})
    assert response["Location"] == reverse("follow_up_list")


def test_list_shows_overdue_first_and_closed_separately(client_in, user):
    make_follow_up(user, title="Later", due_at=timezone.now() + timedelta(days=4))
    make_follow_up(user, title="Late", due_at=timezone.now() - timedelta(days=2))
    make_follow_up(user, title="Finished", state="done", closed_at=timezone.now())

    html = client_in.get(reverse("follow_up_list")).content.decode()

    assert html.index("Late") < html.index("Later") < html.index("Recently closed")
    assert html.index("Recently closed") < html.index("Finished")
    assert "overdue since" in html
