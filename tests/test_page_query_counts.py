"""The paged pages cost the same number of SQL queries for 5 rows as for 200: the recruiter
page and its older-timeline fragment, the follow-ups page and its next page, the role board,
its "Show more" of one stage, a move on it and the quick log, plain and htmx alike.

Both accounts have the same shape (every row kind, tied to the employer by its firm, its
employer or its recruiter, so that each page asks the same of recruiters.confidential.Ties)
and differ in size only. Rows are written with bulk_create (a few queries however many).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiters import paging
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STAGES = [Role.Stage.PITCHED, Role.Stage.SUBMITTED, Role.Stage.INTERVIEWING, Role.Stage.OFFER]


def populate(user, size):
    """`size` recruiters, roles, follow-ups (open and closed) and interactions with the
    first recruiter, each kind both tied to the employer and not; returns that recruiter."""
    now = timezone.now()
    employer = Firm.objects.create(owner=user, name="Acme Corp", kind=Firm.Kind.EMPLOYER)
    agency = Firm.objects.create(owner=user, name="Northwind", works_for_my_employer=True)
    other = Firm.objects.create(owner=user, name="Bluebird")
    user.profile.current_employer = employer
    user.profile.save()
    recruiters = Recruiter.objects.bulk_create(
        Recruiter(owner=user, name=f"Recruiter {i:03}", firm=agency if i % 2 else other)
        for i in range(size)
    )
    roles = Role.objects.bulk_create(
        Role(
            owner=user,
            title=f"Role {i:03}",
            stage=STAGES[i % len(STAGES)],
            employer=employer if i % 3 == 1 else None,
            recruiter=recruiters[i % size],
            compensation_min=100_000,
            compensation_max=150_000,
        )
        for i in range(size)
    )
    heavy = recruiters[0]
    Interaction.objects.bulk_create(
        Interaction(
            owner=user,
            recruiter=heavy,
            role=roles[i % 2] if i % 4 < 2 else None,
            occurred_at=now - timedelta(hours=i + 1),
            direction=Interaction.Direction.OUTBOUND if i % 2 else Interaction.Direction.INBOUND,
            expects_reply=i % 3 == 0,
            value=Interaction.Value.FEEDBACK if i % 5 == 0 else "",
            summary=f"Touch {i}",
        )
        for i in range(size)
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            owner=user,
            title=f"Follow up {i:03}",
            recruiter=recruiters[i % size] if i % 3 else None,
            role=roles[i % size] if i % 2 else None,
            due_at=now + timedelta(hours=i - size // 2),
            state=FollowUp.State.SNOOZED if i % 7 == 0 else FollowUp.State.OPEN,
            snoozed_until=now + timedelta(days=1) if i % 7 == 0 else None,
        )
        for i in range(size)
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            owner=user,
            title=f"Closed {i:03}",
            recruiter=recruiters[i % size],
            due_at=now - timedelta(days=2),
            state=FollowUp.State.DONE,
            closed_at=now - timedelta(hours=i),
        )
        for i in range(size)
    )
    return heavy


def cursor_after_first(queryset, field):
    """A cursor after the first row of a list: its next page has rows at every size."""
    return str(paging.Cursor.of(queryset.first(), field))


def requests_of(user, heavy):
    """(name, method, url, data, htmx) of every page and fragment measured."""
    detail = reverse("recruiter_detail", args=[heavy.pk])
    older = cursor_after_first(heavy.interactions.order_by("-occurred_at", "-pk"), "occurred_at")
    follow_ups = FollowUp.objects.owned_by(user).filter(state__in=FollowUp.State.PENDING)
    next_follow_ups = cursor_after_first(follow_ups.order_by("due_at", "pk"), "due_at")
    pitched = Role.objects.owned_by(user).filter(stage="pitched").order_by("-updated_at", "-pk")
    next_pitched = cursor_after_first(pitched, "updated_at")
    role = Role.objects.owned_by(user).order_by("pk").first()
    log = {
        "direction": "outbound",
        "kind": "check_in",
        "channel": "email",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Checking in",
    }
    return [
        ("recruiter page", "get", detail, None, False),
        ("older timeline, htmx", "get", f"{detail}?after={older}", None, True),
        ("older timeline, plain", "get", f"{detail}?after={older}", None, False),
        ("quick log, htmx", "post", reverse("log_interaction", args=[heavy.pk]), log, True),
        ("follow-ups", "get", reverse("follow_up_list"), None, False),
        ("follow-ups next, htmx", "get", f"/follow-ups/?after={next_follow_ups}", None, True),
        ("follow-ups next, plain", "get", f"/follow-ups/?after={next_follow_ups}", None, False),
        ("role board", "get", reverse("role_board"), None, False),
        ("stage more, htmx", "get", f"/roles/?stage=pitched&after={next_pitched}", None, True),
        ("stage more, plain", "get", f"/roles/?stage=pitched&after={next_pitched}", None, False),
        # To "closed" and back: no warning either way, so the same work at both sizes.
        ("move, htmx", "post", reverse("role_move", args=[role.pk]), {"stage": "closed"}, True),
        (
            "move back, htmx",
            "post",
            reverse("role_move", args=[role.pk]),
            {"stage": "pitched"},
            True,
        ),
    ]


def measure(client, user, size):
    """{name: [queries]} of each request, on an account of `size` rows of each kind."""
    heavy = populate(user, size)
    client.force_login(user)
    client.get(reverse("home"))  # the dashboard's first visit writes the rule follow-ups
    counts = {}
    for name, method, url, data, htmx in requests_of(user, heavy):
        headers = {"HX-Request": "true"} if htmx else {}
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {}, headers=headers)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = list(queries.captured_queries)
    return counts


def describe(queries):
    return "\n".join(f"{i:3} {q['sql'][:160]}" for i, q in enumerate(queries, 1))


def test_paged_pages_cost_the_same_queries_for_5_and_200_rows(client):
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL, the test command's database: run scripts/test.sh")
    small = measure(client, make_user(), 5)
    client.logout()
    large = measure(client, make_user(), 200)

    for name, queries in small.items():
        assert len(large[name]) == len(queries), (
            f"{name}: {len(queries)} queries for 5 rows, {len(large[name])} for 200\n"
            f"--- 200 rows:\n{describe(large[name])}"
        )


def selected_columns(queries, table):
    """The SELECTs of `queries` that read `table`'s rows."""
    return [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]


def test_the_lists_fetch_only_the_columns_their_rows_show(client):
    user = make_user()
    heavy = populate(user, 60)
    client.force_login(user)

    def queries_of(url, **headers):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200
        return list(queries.captured_queries)

    timeline = [
        sql
        for sql in selected_columns(queries_of(heavy.get_absolute_url()), "recruiters_interaction")
        if "LIMIT 51" in sql
    ]
    assert len(timeline) == 1
    assert '"recruiters_interaction"."created_at"' not in timeline[0]
    assert '"recruiters_role"."notes"' not in timeline[0]
    assert '"recruiters_interaction"."summary"' in timeline[0]

    follow_ups = selected_columns(queries_of(reverse("follow_up_list")), "recruiters_followup")
    listed = [sql for sql in follow_ups if "LIMIT" in sql]
    assert len(listed) == 2  # the open page, the recently closed
    for sql in listed:
        assert '"recruiters_followup"."notes"' not in sql
        assert '"recruiters_recruiter"."notes"' not in sql
        assert '"recruiters_role"."notes"' not in sql

    board = [
        sql
        for sql in selected_columns(queries_of(reverse("role_board")), "recruiters_role")
        if "ROW_NUMBER" in sql
    ]
    assert len(board) == 1
    assert '"recruiters_role"."notes"' not in board[0]
    assert '"recruiters_recruiter"."notes"' not in board[0]
