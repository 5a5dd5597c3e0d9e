"""Benchmark of the dashboard (GET /home/) on a large account.

Creates a throwaway user with many recruiters, roles, interactions and follow-ups (written
with bulk_create), then measures one GET of the home page through Django's test client:
the number of SQL queries, and the server time of N requests after a warm-up (median, min,
max). Deletes the user and every row it owns at the end, whatever happens.

    DATABASE_URL=postgres://... .venv/bin/python bench/dashboard.py \
        [--recruiters 500] [--interactions 25000] [--requests 20]

See bench/README.md (bench/run-with-postgres.sh runs it against a throwaway PostgreSQL).
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters import dashboard  # noqa: E402
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role  # noqa: E402

IN, OUT = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
KINDS = Interaction.Kind.values
KIND_WEIGHTS = {  # check-ins and pitches are common, offers rare
    "outreach": 8,
    "check_in": 35,
    "role_pitch": 15,
    "submission": 5,
    "interview": 4,
    "interview_feedback": 4,
    "status_update": 15,
    "offer": 1,
    "rejection": 3,
    "other": 10,
}
FROM_THEM = {"role_pitch", "submission", "interview", "interview_feedback", "offer", "rejection"}
VALUES = [""] * 6 + Interaction.Value.values  # most touches carry no value
STAGES = [
    *[Role.Stage.PITCHED] * 3,
    *[Role.Stage.SUBMITTED] * 2,
    Role.Stage.INTERVIEWING,
    Role.Stage.OFFER,
    *[Role.Stage.REJECTED] * 3,
    Role.Stage.WITHDRAWN,
    Role.Stage.CLOSED,
]


def populate(user, *, recruiters, interactions, now, rng):
    """A realistic large account: six months of history, roles in every stage, follow-ups
    open, snoozed and closed. Returns the row counts written."""
    agencies = Firm.objects.bulk_create(
        Firm(owner=user, name=f"Agency {i}", kind=rng.choice(["agency", "retained", "staffing"]))
        for i in range(max(1, recruiters // 10))
    )
    employers = Firm.objects.bulk_create(
        Firm(owner=user, name=f"Employer {i}", kind=Firm.Kind.EMPLOYER)
        for i in range(max(2, recruiters // 5))
    )
    people = Recruiter.objects.bulk_create(
        Recruiter(
            owner=user,
            name=f"Recruiter {i:05}",
            firm=rng.choice(agencies),
            kind=rng.choice(Recruiter.Kind.values),
            tier=rng.choices(Recruiter.Tier.values, weights=[1, 6, 2])[0],
            silence_threshold_days=rng.choice([None] * 9 + [21]),
        )
        for i in range(recruiters)
    )
    roles = []
    for recruiter in people:
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
            stage = rng.choice(STAGES)
            submitted = None
            if stage != Role.Stage.PITCHED:
                submitted = (now - timedelta(days=rng.randint(1, 180))).date()
            roles.append(
                Role(
                    owner=user,
                    title=f"Engineer {len(roles)}",
                    employer=rng.choice(employers),
                    recruiter=recruiter,
                    stage=stage,
                    submitted_on=submitted,
                    stage_changed_at=now - timedelta(days=rng.randint(0, 60)),
                )
            )
    Role.objects.bulk_create(roles)
    roles_of = {}
    for role in roles:
        roles_of.setdefault(role.recruiter_id, []).append(role)

    # Attention is skewed: a few recruiters get many more messages than most (log-normal
    # weights), and each relationship is active over its own span: recent, a while ago, or
    # long dormant.
    weights = [rng.lognormvariate(0, 1) for _ in people]
    span = {}
    for recruiter in people:
        last = rng.choice([rng.randint(0, 20)] * 5 + [rng.randint(20, 90)] * 3 + [90, 150])
        span[recruiter.pk] = (last, min(180, last + rng.randint(0, 120)))
    touches = []
    for recruiter in rng.choices(people, weights=weights, k=interactions):
        kind = rng.choices(KINDS, weights=[KIND_WEIGHTS[k] for k in KINDS])[0]
        direction = IN if kind in FROM_THEM else rng.choice([IN, OUT])
        summary = rng.choice(["Checking in.", "Any news?", "Thanks!", "Sent my CV."])
        last, first = span[recruiter.pk]
        touches.append(
            Interaction(
                owner=user,
                recruiter=recruiter,
                role=rng.choice(roles_of.get(recruiter.pk, [None])),
                occurred_at=now - timedelta(minutes=rng.randint(last * 1440, first * 1440 + 1439)),
                direction=direction,
                kind=kind,
                channel=rng.choice(Interaction.Channel.values),
                value=rng.choice(VALUES),
                summary=summary,
                expects_reply=direction == OUT and summary.endswith("?"),
            )
        )
    Interaction.objects.bulk_create(touches, batch_size=2000)

    follow_ups = []
    for recruiter in rng.sample(people, k=max(1, len(people) // 2)):
        state = rng.choice(["open", "open", "open", "snoozed", "done", "dismissed"])
        due = now + timedelta(hours=rng.randint(-30 * 24, 14 * 24))
        follow_ups.append(
            FollowUp(
                owner=user,
                title=f"Follow up with {recruiter.name}",
                recruiter=recruiter,
                due_at=due,
                state=state,
                snoozed_until=due + timedelta(days=3) if state == "snoozed" else None,
                closed_at=now if state in ("done", "dismissed") else None,
            )
        )
    FollowUp.objects.bulk_create(follow_ups)
    return {
        "firms": len(agencies) + len(employers),
        "recruiters": len(people),
        "roles": len(roles),
        "interactions": len(touches),
        "follow-ups": len(follow_ups),
    }


def measure(client, url, requests):
    """([queries of one GET], [ms of each of `requests` GETs])."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    # (a live view of the connection's query log, which the next request clears: copy it)
    queries = list(captured.captured_queries)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return queries, times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recruiters", type=int, default=500)
    parser.add_argument("--interactions", type=int, default=25_000)
    parser.add_argument("--requests", type=int, default=20, help="timed GETs (default 20)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed GETs first")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--show-slowest", action="store_true", help="print the slowest SQL")
    args = parser.parse_args()
    if args.recruiters < 1 or args.interactions < 0 or args.requests < 1:
        parser.error("need at least one recruiter and one request")

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vendor = connection.vendor
    if vendor != "postgresql":
        print(f"note: running on {vendor}, not PostgreSQL (set DATABASE_URL)", file=sys.stderr)

    email = f"bench-{uuid.uuid4().hex[:12]}@bench.invalid"
    user = get_user_model().objects.create_user(username=email, email=email)
    try:
        now = timezone.now()
        start = time.perf_counter()
        written = populate(
            user,
            recruiters=args.recruiters,
            interactions=args.interactions,
            now=now,
            rng=random.Random(args.seed),
        )
        load_s = time.perf_counter() - start

        client = Client()
        client.force_login(user)
        url = reverse("home")
        with CaptureQueriesContext(connection) as first:  # it also makes the rule follow-ups
            client.get(url)
        first_queries = len(first.captured_queries)
        for _ in range(args.warm_up):
            client.get(url)
        queries, times = measure(client, url, args.requests)
        build_times = []
        for _ in range(args.requests):  # the same work without HTTP and the template
            start = time.perf_counter()
            board = dashboard.build(user.profile)
            build_times.append((time.perf_counter() - start) * 1000)

        print(f"Dashboard benchmark ({vendor}, Django {django.get_version()})")
        print("  data: " + ", ".join(f"{n} {what}" for what, n in written.items()))
        print(f"  loaded in {load_s:.1f} s; items listed: {sum(board.counts.values())}")
        print("  " + ", ".join(f"{name} {n}" for name, n in board.counts.items()))
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        slowest = max(queries, key=lambda q: float(q["time"]))
        print()
        print(f"  {'measure':<36}{'value':>11}")
        print(f"  {'-' * 47}")
        for name, value in [
            ("SQL queries, first GET", f"{first_queries}"),
            ("SQL queries, each later GET", f"{len(queries)}"),
            (f"server time, median of {len(times)}", f"{statistics.median(times):.1f} ms"),
            ("server time, min", f"{min(times):.1f} ms"),
            ("server time, max", f"{max(times):.1f} ms"),
            ("  dashboard.build() alone, median", f"{statistics.median(build_times):.1f} ms"),
            ("  SQL execute time (one GET)", f"{sql_ms:.1f} ms"),
            ("  slowest query (one GET)", f"{float(slowest['time']) * 1000:.1f} ms"),
        ]:
            print(f"  {name:<36}{value:>11}")
        if args.show_slowest:
            ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
            print("\n  slowest queries (seconds, first 160 characters):")
            for query in ranked[:6]:
                print(f"  {float(query['time']):.3f}  {query['sql'][:160]}")
    finally:
        user_id = user.pk
        user.delete()  # cascades to every row the user owns
        left = sum(
            model.objects.filter(owner_id=user_id).count()
            for model in (Firm, Recruiter, Role, Interaction, FollowUp)
        )
        print(f"\n  throwaway user deleted ({left} rows left behind)")


if __name__ == "__main__":
    main()
