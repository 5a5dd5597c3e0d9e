"""The role pipeline: roles grouped by stage, moved with one htmx post."""

import datetime

from django.urls import reverse
from django.utils import timezone

from recruiters.models import Role
from tests.factories import make_role


def test_board_lists_every_stage_in_order_with_its_roles(client_in, user):
    make_role(user, title="Pitched thing", stage="pitched")
    make_role(user, title="Offer thing", stage="offer")

    html = client_in.get(reverse("role_board")).content.decode()

    positions = [html.index(f'id="stage-{stage}"') for stage in Role.Stage.values]
    assert positions == sorted(positions)
    assert html.index("stage-pitched") < html.index("Pitched thing") < html.index("stage-submitted")
    assert html.index("stage-offer") < html.index("Offer thing") < html.index("stage-accepted")


def test_move_with_htmx_returns_the_board(client_in, user, htmx_headers):
    role = make_role(user, title="Data Lead")

    response = client_in.post(
        reverse("role_move", args=[role.pk]), {"stage": "interviewing"}, headers=htmx_headers
    )

    role.refresh_from_db()
    assert role.stage == "interviewing"
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="board" id="board">')
    assert html.index("stage-interviewing") < html.index("Data Lead") < html.index("stage-offer")


def test_first_submission_records_the_day(client_in, user):
    role = make_role(user)
    client_in.post(reverse("role_move", args=[role.pk]), {"stage": "submitted"})
    role.refresh_from_db()
    assert role.submitted_on == timezone.localdate()

    role.submitted_on = datetime.date(2026, 1, 5)
    role.save()
    client_in.post(reverse("role_move", args=[role.pk]), {"stage": "submitted"})
    role.refresh_from_db()
    assert role.submitted_on == datetime.date(2026, 1, 5)


def test_move_to_an_unknown_stage_changes_nothing(client_in, user):
    role = make_role(user, stage="offer")
    response = client_in.post(reverse("role_move", args=[role.pk]), {"stage": "hired!"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.stage == "offer"
    assert "Choose one of the stages." in client_in.get(response["Location"]).content.decode()
