"""The dashboard costs the same number of SQL queries for 10 recruiters as for 500.

Each recruiter follows one of ten story patterns (by its index), so 10 recruiters hold one
of each and 500 hold fifty of each: the two accounts differ in size only, not in shape,
and every section and every write of the dashboard's sync has rows to work on in both.
Rows are written with bulk_create (a few queries however many rows).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiters import dashboard
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role
from tests.dashboard.test_dashboard import daytime_zone
from tests.factories import make_user

pytestmark = pytest.mark.django_db

IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
K, S = Interaction.Kind, Role.Stage
PATTERNS = 10
# Kinds by pattern (so thresholds too): the rest are agency recruiters.
KIND_OF = {3: Recruiter.Kind.CONTRACT, 4: Recruiter.Kind.IN_HOUSE, 6: Recruiter.Kind.RETAINED}


def populate(user, size, now):
    """`size` recruiters with roles, interactions and follow-ups; one pattern per index."""
    today = now.date()
    agencies = Firm.objects.bulk_create(
        Firm(owner=user, name=f"Agency {i}") for i in range(max(1, size // 20))
    )
    # One employer per role, but for the double submissions: all to the first one.
    employers = Firm.objects.bulk_create(
        Firm(owner=user, name=f"Employer {i}", kind=Firm.Kind.EMPLOYER) for i in range(size + 1)
    )
    recruiters = Recruiter.objects.bulk_create(
        Recruiter(
            owner=user,
            name=f"Recruiter {i:04}",
            firm=agencies[i % len(agencies)],
            kind=KIND_OF.get(i % PATTERNS, Recruiter.Kind.AGENCY),
            tier=Recruiter.Tier.INVEST if i % PATTERNS == 6 else Recruiter.Tier.MAINTAIN,
        )
        for i in range(size)
    )
    stage_of = {0: S.SUBMITTED, 4: S.INTERVIEWING, 5: S.PITCHED, 8: S.REJECTED, 9: S.SUBMITTED}
    roles = {}
    for i, recruiter in enumerate(recruiters):
        pattern = i % PATTERNS
        if pattern in stage_of:
            submitted = {0: 21, 4: 30, 8: 100, 9: 10}.get(pattern)
            roles[i] = Role(
                owner=user,
                title=f"Role {i}",
                recruiter=recruiter,
                employer=employers[0 if pattern in (8, 9) else i + 1],
                stage=stage_of[pattern],
                submitted_on=None if submitted is None else today - timedelta(days=submitted),
            )
    Role.objects.bulk_create(roles.values())

    def touch(i, ago, direction, kind=K.CHECK_IN, **fields):
        return Interaction(
            owner=user,
            recruiter=recruiters[i],
            role=roles.get(i),
            occurred_at=now - timedelta(days=ago, hours=i % PATTERNS % 5),
            direction=direction,
            kind=kind,
            **fields,
        )

    stories = {
        0: [(30, IN, K.ROLE_PITCH), (29, OUT, K.STATUS_UPDATE), (20, IN, K.SUBMISSION)]
        + [(ago, OUT, K.CHECK_IN, {"expects_reply": True}) for ago in (15, 10, 5)],  # silent
        1: [(10, IN, K.CHECK_IN), (2, OUT, K.CHECK_IN, {"expects_reply": True})],  # awaiting
        2: [(80, IN, K.CHECK_IN)] + [(ago, OUT, K.CHECK_IN) for ago in (60, 45, 30, 16)],
        3: [(ago, IN, K.CHECK_IN, {"value": "market_intel"}) for ago in (50, 35, 20, 5)],
        4: [(12, OUT, K.SUBMISSION), (8, IN, K.INTERVIEW)],  # feedback owed, updates owed
        5: [(4, IN, K.ROLE_PITCH, {"value": "role_lead"})],  # answer owed
        6: [(40, IN, K.CHECK_IN)],  # invest, quiet: a check-in
        7: [(120, IN, K.CHECK_IN), (125, OUT, K.CHECK_IN)],  # gone dormant
        8: [(101, IN, K.SUBMISSION)],  # double submission, with 9
        9: [(11, OUT, K.STATUS_UPDATE), (10, IN, K.SUBMISSION), (3, IN, K.STATUS_UPDATE)],
    }
    Interaction.objects.bulk_create(
        touch(i, *event[:3], **(event[3] if len(event) > 3 else {}))
        for i in range(size)
        for event in stories[i % PATTERNS]
    )
    follow_ups = []
    for i, recruiter in enumerate(recruiters):
        pattern = i % PATTERNS
        follow_ups.append(
            FollowUp(
                owner=user,
                title=f"Follow up {i}",
                recruiter=recruiter,
                due_at=now + timedelta(days=pattern - 4, hours=1),  # overdue, today, later
            )
        )
        if pattern == 9:  # a rule-made follow-up whose cause is gone: the sync closes it
            follow_ups.append(
                FollowUp(
                    owner=user,
                    title=f"Update {recruiter.name}",
                    recruiter=recruiter,
                    due_at=now - timedelta(days=3),
                    rule=FollowUp.Rule.UPDATE_OWED,
                    rule_key=f"{recruiter.pk}:gone",
                )
            )
    FollowUp.objects.bulk_create(follow_ups)
    return recruiters


def measure(client, user, size):
    """(queries of the first GET, queries of the second GET, the dashboard) for `size`."""
    now = timezone.now()
    user.profile.time_zone = daytime_zone(now)  # so that "in an hour" is still today
    user.profile.save()
    populate(user, size, now)
    client.force_login(user)
    counts = []
    for _ in range(2):  # the first GET makes the rule follow-ups, the second finds them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        # (a live view of the connection's query log, which a later request clears: copy it)
        counts.append(list(queries.captured_queries))
    return counts, dashboard.build(user.profile)


def describe(queries):
    return "\n".join(f"{i:3} {q['sql'][:160]}" for i, q in enumerate(queries, 1))


@pytest.mark.parametrize("ids_first", [False, True], ids=["one query", "ids first"])
def test_query_count_is_the_same_for_10_and_500_recruiters(
    client, django_assert_num_queries, monkeypatch, ids_first
):
    # A large account reads the sections of follow-ups and roles ids first: both ways.
    monkeypatch.setattr(dashboard, "IDS_FIRST_FROM", 0 if ids_first else 10**9)
    if connection.vendor != "postgresql":
        pytest.fail(
            "needs PostgreSQL, the test command's database (SQLite splits a bulk insert into "
            "batches by row count): run scripts/test.sh"
        )
    small_user, large_user = make_user(), make_user()
    (small_first, small_second), small_board = measure(client, small_user, 10)
    client.logout()
    (large_first, large_second), large_board = measure(client, large_user, 500)

    # Same shape, fifty times the size: every section has rows in both.
    assert all(small_board.counts.values()), small_board.counts
    assert all(large_board.counts.values()), large_board.counts
    assert large_board.recruiter_count == 500
    assert large_board.silent.total == 50 * small_board.silent.total
    assert large_board.double_submissions.total == 50 * small_board.double_submissions.total
    # Only what is shown is fetched: the first rows of each section, however many there are.
    assert len(large_board.silent) == dashboard.SECTION_LIMIT < large_board.silent.total

    assert len(large_first) == len(small_first), (
        f"first GET: {len(small_first)} queries for 10 recruiters, {len(large_first)} "
        f"for 500\n--- 500 recruiters:\n{describe(large_first)}"
    )
    assert len(large_second) == len(small_second), (
        f"second GET: {len(small_second)} queries for 10 recruiters, {len(large_second)} "
        f"for 500\n--- 500 recruiters:\n{describe(large_second)}"
    )
    # And exactly that many again, checked the pytest-django way.
    client.force_login(large_user)
    with django_assert_num_queries(len(small_second)):
        client.get(reverse("home"))
