"""Benchmark of the dashboard (GET /home/) on a large account.

Creates a throwaway user with many recruiters, roles, interactions and follow-ups (COPY on
PostgreSQL, bulk_create elsewhere), runs ANALYZE, then measures GET /home/ through Django's
test client: SQL queries per GET, wall time, this process's CPU time and the database
backend's CPU time of N GETs after a warm-up; the database floor (EXPLAIN ANALYZE of exactly
the SELECTs one GET issues); and, on the same data in the same run, a deliberately naive
Python loop over the same rules (recruiters/rules_reference.py), for the ratio. Deletes the
user and every row it owns at the end, whatever happens.

    bench/run-with-postgres.sh .venv/bin/python bench/dashboard.py --size M

See bench/README.md. The other benches (digests.py, sweep.py, load.py, pages.py) import
their data builder (`populate`) and measuring kit from this file.
"""

import argparse
import cProfile
import dataclasses
import json
import logging
import os
import pstats
import random
import statistics
import sys
import time
import uuid
import warnings
from collections import defaultdict
from datetime import timedelta
from itertools import accumulate
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

from recruiters import dashboard, encryption, rules, services  # noqa: E402
from recruiters import rules_reference as ref  # noqa: E402
from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role  # noqa: E402

try:  # the relationship state kept on write, once it exists (recruiters/state.py)
    from recruiters import state as kept_state  # noqa: E402
except ImportError:
    kept_state = None

warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise, no static

# --size presets: (recruiters, interactions).
SIZES = {"S": (200, 5_000), "M": (2_000, 100_000), "L": (20_000, 1_000_000)}

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
KIND_CUMULATIVE = list(accumulate(KIND_WEIGHTS[k] for k in KINDS))
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
INTERACTION_FIELDS = (
    "owner",
    "created_at",
    "updated_at",
    "recruiter",
    "role",
    "occurred_at",
    "channel",
    "direction",
    "kind",
    "summary",
    "value",
    "expects_reply",
)
BATCH = 2000


# The data -----------------------------------------------------------------------------------


def write_rows(model, fields, rows):
    """Write `rows` (tuples, in the order of `fields`) without building model instances on
    PostgreSQL: one COPY. Elsewhere bulk_create in batches. Either way no signals are sent,
    as with bulk_create. Returns how many rows."""
    opts = model._meta
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
        # What the field would store: the encrypted ones' values are tokens (the summary).
        encrypted = [
            isinstance(opts.get_field(name), encryption.EncryptedTextField) for name in fields
        ]
        written = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [encryption.encrypt(v) if e else v for v, e in zip(row, encrypted, strict=True)]
                )
                written += 1
        return written
    names = [opts.get_field(name).attname for name in fields]
    written, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(names, row, strict=True))))
        if len(batch) == BATCH:
            written += len(model.objects.bulk_create(batch))
            batch = []
    return written + len(model.objects.bulk_create(batch))


def populate(user, *, recruiters, interactions, now, rng):
    """A realistic large account: six months of history, roles in every stage, follow-ups
    open, snoozed and closed. Returns the row counts written.

    Interactions go in with one COPY on PostgreSQL (1,000,000 in well under a minute), the
    rest with bulk_create in batches. Like the app's own bulk writes (imports, restore), it
    then refreshes the recruiters' kept state if the app keeps one (recruiters.state)."""
    agencies = Firm.objects.bulk_create(
        (
            Firm(
                owner=user, name=f"Agency {i}", kind=rng.choice(["agency", "retained", "staffing"])
            )
            for i in range(max(1, recruiters // 10))
        ),
        batch_size=BATCH,
    )
    employers = Firm.objects.bulk_create(
        (
            Firm(owner=user, name=f"Employer {i}", kind=Firm.Kind.EMPLOYER)
            for i in range(max(2, recruiters // 5))
        ),
        batch_size=BATCH,
    )
    people = Recruiter.objects.bulk_create(
        (
            Recruiter(
                owner=user,
                name=f"Recruiter {i:05}",
                firm=rng.choice(agencies),
                kind=rng.choice(Recruiter.Kind.values),
                tier=rng.choices(Recruiter.Tier.values, weights=[1, 6, 2])[0],
                silence_threshold_days=rng.choice([None] * 9 + [21]),
            )
            for i in range(recruiters)
        ),
        batch_size=BATCH,
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
    Role.objects.bulk_create(roles, batch_size=BATCH)
    role_ids_of = {}
    for role in roles:
        role_ids_of.setdefault(role.recruiter_id, []).append(role.pk)

    # Attention is skewed: a few recruiters get many more messages than most (log-normal
    # weights), and each relationship is active over its own span: recent, a while ago, or
    # long dormant.
    weights = [rng.lognormvariate(0, 1) for _ in people]
    span = {}
    for recruiter in people:
        last = rng.choice([rng.randint(0, 20)] * 5 + [rng.randint(20, 90)] * 3 + [90, 150])
        span[recruiter.pk] = (last, min(180, last + rng.randint(0, 120)))

    def touches():
        for recruiter in rng.choices(people, weights=weights, k=interactions):
            kind = rng.choices(KINDS, cum_weights=KIND_CUMULATIVE)[0]
            direction = IN if kind in FROM_THEM else rng.choice([IN, OUT])
            summary = rng.choice(["Checking in.", "Any news?", "Thanks!", "Sent my CV."])
            last, first = span[recruiter.pk]
            yield (
                user.pk,
                now,
                now,
                recruiter.pk,
                rng.choice(role_ids_of.get(recruiter.pk, [None])),
                now - timedelta(minutes=rng.randint(last * 1440, first * 1440 + 1439)),
                rng.choice(Interaction.Channel.values),
                direction,
                kind,
                summary,
                rng.choice(VALUES),
                direction == OUT and summary.endswith("?"),
            )

    written_touches = write_rows(Interaction, INTERACTION_FIELDS, touches())

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
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    written = {
        "firms": len(agencies) + len(employers),
        "recruiters": len(people),
        "roles": len(roles),
        "interactions": written_touches,
        "follow-ups": len(follow_ups),
    }
    if kept_state is not None and hasattr(kept_state, "refresh"):
        # The refresh reads every table just loaded: plan it on their statistics, as an
        # import into a database that autovacuum has analysed is planned (at L, planned on
        # an unanalysed million interactions, it ran for minutes).
        analyze()
        written["kept recruiter states"] = kept_state.refresh(user, now=now)
    return written


def analyze():
    """ANALYZE every table, as autovacuum would have by the time real data is read (without
    it the planner plans a freshly loaded table as empty). Returns the seconds it took."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


def analyze_loaded(args, load_s, what="each"):
    """ANALYZE what `args.users` accounts just loaded (in `load_s` seconds) and say how long
    both took; returns the ANALYZE seconds."""
    analyze_s = analyze()
    print(
        f"{connection.vendor}: {args.users} users of {args.recruiters} recruiters and "
        f"{args.interactions} interactions {what}, made in {load_s:.1f} s; "
        f"ANALYZE {analyze_s:.1f} s",
        flush=True,
    )
    return analyze_s


def quiet_logs(*names):
    """Only errors from the app, Celery and `names`: a line per digest, task or request
    would bury the figures."""
    for name in ("recruiters", "celery", "kombu", *names):
        logging.getLogger(name).setLevel(logging.ERROR)


def delete_user(user):
    """Delete the throwaway `user` and every row it owns; returns the rows left behind (0).
    The interactions go first in one statement (COPY wrote them without signals, and
    deleting a million of them one signal at a time would take longer than the bench)."""
    user_id = user.pk
    Interaction.objects.filter(owner_id=user_id)._raw_delete(connection.alias)
    user.delete()  # cascades to every other row the user owns
    return sum(
        model.objects.filter(owner_id=user_id).count()
        for model in (Firm, Recruiter, Role, Interaction, FollowUp)
    )


# The measuring kit --------------------------------------------------------------------------


class DatabaseCPU:
    """CPU seconds used so far by the PostgreSQL backend process that serves this process's
    connection (its own time, whoever waits for it), read from /proc: the server must run on
    this machine, as the throwaway one does. Calling it gives None when that cannot be read
    (another database, another machine, the connection was replaced)."""

    def __init__(self):
        self.pid = self.connection = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.connection = connection.connection

    def __call__(self):
        if self.pid is None or connection.connection is not self.connection:
            return None
        return process_cpu(self.pid)


def process_cpu(pid):
    """CPU seconds of process `pid` (Linux), or None: nanoseconds from /proc/PID/schedstat,
    else clock ticks from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


@dataclasses.dataclass
class Timing:
    """Seconds of each run: wall clock, this process's CPU (time.process_time), the
    database backend's CPU (None if unknown)."""

    wall: list = dataclasses.field(default_factory=list)
    cpu: list = dataclasses.field(default_factory=list)
    db: list = dataclasses.field(default_factory=list)

    def add(self, wall, cpu, db):
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.db.append(db)

    @property
    def runs(self):
        return len(self.wall)

    @staticmethod
    def _ms(values):
        values = [v for v in values if v is not None]
        return 1000 * statistics.median(values) if values else None

    @property
    def wall_ms(self):
        return self._ms(self.wall)

    @property
    def cpu_ms(self):
        return self._ms(self.cpu)

    @property
    def db_ms(self):
        return None if None in self.db else self._ms(self.db)

    def summary(self):
        """Medians in milliseconds, for --json."""
        return {
            "runs": self.runs,
            "wall_ms": self.wall_ms,
            "wall_min_ms": 1000 * min(self.wall),
            "wall_max_ms": 1000 * max(self.wall),
            "cpu_ms": self.cpu_ms,
            "db_cpu_ms": self.db_ms,
        }


def timed(fn, runs, db_cpu, timing=None):
    """Run `fn()` `runs` times; their Timing (added to `timing` if given)."""
    timing = timing or Timing()
    for _ in range(runs):
        db_before, cpu_before, wall_before = db_cpu(), time.process_time(), time.perf_counter()
        fn()
        wall, cpu, db_after = time.perf_counter(), time.process_time(), db_cpu()
        db = None if db_before is None or db_after is None else db_after - db_before
        timing.add(wall - wall_before, cpu - cpu_before, db)
    return timing


class QueryCounter:
    """Counts the SQL statements Django runs while installed (connection.execute_wrapper),
    cheaper than CaptureQueriesContext, which keeps each one's SQL."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ms(value, unit=" ms"):
    return "n/a" if value is None else f"{value:.1f}{unit}"


def print_table(rows, width=44):
    print(f"  {'measure':<{width}}{'value':>13}")
    print(f"  {'-' * (width + 13)}")
    for name, value in rows:
        print(f"  {name:<{width}}{value:>13}")


def write_json(path, results):
    if path:
        Path(path).write_text(json.dumps(results, indent=2, default=str) + "\n")


# The database floor -------------------------------------------------------------------------


def database_floor(queries, runs):
    """EXPLAIN (ANALYZE, FORMAT JSON) of each SELECT of `queries` (CaptureQueriesContext's
    list of one GET), `runs` times over: (median summed execution ms, median summed planning
    ms, number of SELECTs, [(median execution ms, sql)] slowest first). PostgreSQL only."""
    selects = [q["sql"] for q in queries if q["sql"].lstrip()[:6].upper() == "SELECT"]
    executions, plannings = [], []
    per_query = [[] for _ in selects]
    with connection.cursor() as cursor:
        for _ in range(runs):
            execution = planning = 0.0
            for n, sql in enumerate(selects):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
                execution += plan["Execution Time"]
                planning += plan["Planning Time"]
                per_query[n].append(plan["Execution Time"])
            executions.append(execution)
            plannings.append(planning)
    slowest = sorted(
        ((statistics.median(times), sql) for times, sql in zip(per_query, selects, strict=True)),
        reverse=True,
    )
    return statistics.median(executions), statistics.median(plannings), len(selects), slowest


# The naive loop -----------------------------------------------------------------------------

# How the naive loop hands each rule of rules_reference.RULES the rows it reads: one
# recruiter at a time (its roles and interactions), the same plus every role and every
# interview (updates_owed: news from elsewhere), one employer's roles at a time
# (double_submissions), or the whole account without interactions (roles, follow-ups).
NAIVE_PARTITION = {
    "silent_recruiters": "recruiter",
    "dormant_recruiters": "recruiter",
    "check_in_due": "recruiter",
    "gone_dormant": "recruiter",
    "awaiting_reply": "recruiter",
    "awaiting_reply_not_silent": "recruiter",
    "one_sided": "recruiter",
    "feedback_owed": "recruiter",
    "unanswered_pitches": "recruiter",
    "aware_of_search": "recruiter",
    "updates_owed": "recruiter and news",
    "double_submissions": "employer",
    "unauthorised_submissions": "account",
    "overdue_follow_ups": "account",
    "due_today_follow_ups": "account",
}


def naive_rule_names(profile):
    """The rules the dashboard evaluates: all of rules_reference.RULES (the sync's three
    included), but "who knows you are looking", which it shows only in a confidential
    search."""
    names = [n for n in ref.RULES if n != "aware_of_search" or profile.confidential_search]
    unknown = [name for name in names if name not in NAIVE_PARTITION]
    if unknown:
        raise SystemExit(f"bench/dashboard.py: add {unknown} to NAIVE_PARTITION")
    return names


def naive_history(profile):
    """The user's rows as rules_reference's plain objects: four queries, every row."""
    owner = profile.user_id
    fields = [f.name for f in dataclasses.fields(ref.RefProfile)]
    ref_profile = ref.RefProfile(**{name: getattr(profile, name) for name in fields})

    def rows(model, cls):
        names = [f.name for f in dataclasses.fields(cls)]
        values = model.objects.filter(owner_id=owner).order_by().values_list(*names)
        return tuple(cls(*row) for row in values)

    return ref.History(
        ref_profile,
        recruiters=rows(Recruiter, ref.RefRecruiter),
        roles=rows(Role, ref.RefRole),
        interactions=rows(Interaction, ref.RefInteraction),
        follow_ups=rows(FollowUp, ref.RefFollowUp),
    )


def naive_rules(profile, now):
    """Every dashboard rule, the deliberately naive way: load every row of the user into
    plain Python, then loop recruiter by recruiter calling rules_reference's functions on
    that recruiter's rows. {rule: {id: figures}}."""
    names = naive_rule_names(profile)
    history = naive_history(profile)
    touches_of, roles_of, roles_at = defaultdict(list), defaultdict(list), defaultdict(list)
    for touch in history.interactions:
        touches_of[touch.recruiter_id].append(touch)
    for role in history.roles:
        roles_of[role.recruiter_id].append(role)
        roles_at[role.employer_id].append(role)
    interviews = tuple(i for i in history.interactions if i.kind == ref.INTERVIEW)
    results = {name: {} for name in names}
    by = defaultdict(list)
    for name in names:
        by[NAIVE_PARTITION[name]].append(name)
    for recruiter in history.recruiters:
        own = ref.History(
            history.profile,
            (recruiter,),
            tuple(roles_of[recruiter.id]),
            tuple(touches_of[recruiter.id]),
        )
        for name in by["recruiter"]:
            results[name].update(getattr(ref, name)(own, now))
        if by["recruiter and news"]:
            wide = dataclasses.replace(
                own, roles=history.roles, interactions=own.interactions + interviews
            )
            for name in by["recruiter and news"]:
                results[name].update(getattr(ref, name)(wide, now))
    for employer_roles in roles_at.values():
        one_employer = ref.History(history.profile, roles=tuple(employer_roles))
        for name in by["employer"]:
            results[name].update(getattr(ref, name)(one_employer, now))
    account = dataclasses.replace(history, interactions=(), recruiters=())
    for name in by["account"]:
        results[name].update(getattr(ref, name)(account, now))
    return results


def naive_disagreements(profile, now):
    """[(rule, ids from rules.py, ids from the naive loop)] where the two differ at `now`:
    the naive loop must compute what the dashboard computes for its ratio to mean anything."""
    found = naive_rules(profile, now)
    differ = []
    for name, ids in found.items():
        expected = {row.pk for row in getattr(rules, name)(profile, now)}
        if expected != set(ids):
            differ.append((name, len(expected), len(ids)))
    return differ


def ratio_words(naive_ms, ms_, what):
    if not naive_ms or not ms_:
        return "n/a"
    if naive_ms >= ms_:
        return f"{what} is {naive_ms / ms_:.1f}x faster than the naive loop"
    return f"the naive loop is {ms_ / naive_ms:.1f}x faster than {what}"


# The benchmark ------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="S",
        help="S: 200 recruiters / 5,000 interactions (default), M: 2,000 / 100,000, "
        "L: 20,000 / 1,000,000",
    )
    parser.add_argument("--recruiters", type=int, help="instead of the size's")
    parser.add_argument("--interactions", type=int, help="instead of the size's")
    parser.add_argument("--requests", type=int, help="timed GETs (20; 5 at L)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed GETs first (3)")
    parser.add_argument("--build-runs", type=int, help="dashboard.build() alone (10; 3 at L)")
    parser.add_argument("--naive-runs", type=int, help="naive loops (3; 1 at L; 0: none)")
    parser.add_argument("--explain-runs", type=int, default=3, help="EXPLAIN passes (3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--show-slowest", action="store_true", help="print the slowest SQL")
    parser.add_argument("--profile", action="store_true", help="cProfile one GET")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    big = args.size == "L"
    size_recruiters, size_interactions = SIZES[args.size]
    args.recruiters = args.recruiters or size_recruiters
    args.interactions = size_interactions if args.interactions is None else args.interactions
    args.requests = args.requests or (5 if big else 20)
    args.build_runs = args.build_runs or (3 if big else 10)
    args.naive_runs = (1 if big else 3) if args.naive_runs is None else args.naive_runs
    if args.recruiters < 1 or args.interactions < 0 or args.requests < 1:
        parser.error("need at least one recruiter and one request")
    return args


def main(argv=None):
    args = parse_args(argv)
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vendor = connection.vendor
    if vendor != "postgresql":
        print(f"note: running on {vendor}, not PostgreSQL (set DATABASE_URL)", file=sys.stderr)
    print(
        f"Dashboard benchmark ({vendor}, Django {django.get_version()}): "
        f"{args.recruiters} recruiters, {args.interactions} interactions",
        flush=True,
    )

    email = f"bench-{uuid.uuid4().hex[:12]}@bench.invalid"
    user = get_user_model().objects.create_user(username=email, email=email)
    results = {"bench": "dashboard", "vendor": vendor, "size": args.size}
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
        analyze_s = analyze()
        print(f"  loaded in {load_s:.1f} s, ANALYZE {analyze_s:.1f} s", flush=True)
        profile = user.profile
        db_cpu = DatabaseCPU()
        print("  measuring...", flush=True)

        client = Client()
        client.force_login(user)
        url = reverse("home")
        with CaptureQueriesContext(connection) as first:  # it also makes the rule follow-ups
            start = time.perf_counter()
            response = client.get(url)
            first_s = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        first_queries = len(first.captured_queries)
        for _ in range(args.warm_up):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # (a live view of the connection's query log, which the next request clears: copy it)
        queries = list(captured.captured_queries)

        def get():
            assert client.get(url).status_code == 200

        def build():
            dashboard.build(profile)

        # The follow-up sync as dashboard.build calls it (only when needed, where the app
        # has that).
        sync_fn = getattr(services, "sync_rule_follow_ups_if_needed", None)
        sync_fn = sync_fn or services.sync_rule_follow_ups

        def sync():
            sync_fn(profile, timezone.now())

        def naive_loop():
            naive_rules(profile, timezone.now())

        disagreements = []
        if args.naive_runs:
            disagreements = naive_disagreements(profile, timezone.now())
        # Interleaved (a GET, a build, a naive loop, a GET...), so that each sees the same
        # machine: on a shared one, others' load comes and goes.
        gets, builds, syncs = Timing(), Timing(), Timing()
        naive = Timing() if args.naive_runs else None
        for n in range(max(args.requests, args.build_runs, args.naive_runs)):
            if n < args.requests:
                timed(get, 1, db_cpu, gets)
            if n < args.build_runs:
                timed(build, 1, db_cpu, builds)
                timed(sync, 1, db_cpu, syncs)
            if n < args.naive_runs:
                timed(naive_loop, 1, db_cpu, naive)
        board = dashboard.build(profile)

        floor = None
        if vendor == "postgresql":
            floor = database_floor(queries, args.explain_runs)

        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(client.get, url)

        print("  data: " + ", ".join(f"{n} {what}" for what, n in written.items()))
        print(f"  items listed: {sum(board.counts.values())}")
        print("  " + ", ".join(f"{name} {n}" for name, n in board.counts.items()))
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        slowest = max(queries, key=lambda q: float(q["time"]))
        print()
        rows = [
            ("SQL queries, first GET", f"{first_queries}"),
            ("SQL queries, each later GET", f"{len(queries)}"),
            ("first GET (may write the rule follow-ups)", ms(first_s * 1000)),
            (f"GET /home/, wall, median of {gets.runs}", ms(gets.wall_ms)),
            ("  min / max", f"{min(gets.wall) * 1000:.0f} / {max(gets.wall) * 1000:.0f} ms"),
            ("  CPU, this process (Python), median", ms(gets.cpu_ms)),
            ("  CPU, database backend, median", ms(gets.db_ms)),
            ("  SQL time seen by Django (one GET)", ms(sql_ms)),
            ("  slowest query seen by Django (one GET)", ms(float(slowest["time"]) * 1000)),
        ]
        if floor:
            rows += [
                (f"  database floor: {floor[2]} SELECTs, EXPLAIN ANALYZE", ms(floor[0])),
                ("    + their planning time", ms(floor[1])),
            ]
        rows += [
            (f"dashboard.build() alone, median of {builds.runs}", ms(builds.wall_ms)),
            (
                "  CPU, this process / database backend",
                f"{ms(builds.cpu_ms, '')} / {ms(builds.db_ms)}",
            ),
            (f"  of which {sync_fn.__name__}()", ms(syncs.wall_ms)),
            (
                "    CPU, this process / database backend",
                f"{ms(syncs.cpu_ms, '')} / {ms(syncs.db_ms)}",
            ),
        ]
        if naive:
            rows += [
                (f"naive loop, median of {naive.runs}", ms(naive.wall_ms)),
                (
                    "  CPU, this process / database backend",
                    f"{ms(naive.cpu_ms, '')} / {ms(naive.db_ms)}",
                ),
            ]
        print_table(rows)
        if naive:
            print(f"\n  {ratio_words(naive.wall_ms, gets.wall_ms, 'GET /home/')}")
            print(f"  {ratio_words(naive.wall_ms, builds.wall_ms, 'dashboard.build()')}")
            print(
                f"  (naive loop: {len(naive_rule_names(profile))} rules of "
                "recruiters/rules_reference.py, one recruiter at a time, on every row loaded "
                "into Python; "
                + (
                    "it agrees with recruiters/rules.py on every rule)"
                    if not disagreements
                    else f"it DISAGREES with recruiters/rules.py: {disagreements})"
                )
            )
        print(
            f"  (medians; {gets.runs} GETs after {args.warm_up} warm-up GETs, interleaved "
            "with the builds and the naive loops)"
        )
        if args.show_slowest:
            ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)
            print("\n  slowest queries (seconds seen by Django, first 160 characters):")
            for query in ranked[:6]:
                print(f"  {float(query['time']):.3f}  {query['sql'][:160]}")
            if floor:
                print("\n  slowest under EXPLAIN ANALYZE (execution ms, first 160 characters):")
                for execution, sql in floor[3][:6]:
                    print(f"  {execution:9.1f}  {sql[:160]}")
        if args.profile:
            for order in ("cumulative", "tottime"):
                print(f"\n  one GET under cProfile (by {order} time):")
                stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
                stats.sort_stats(order).print_stats(25)

        results.update(
            data=written,
            load_s=load_s,
            analyze_s=analyze_s,
            queries_first_get=first_queries,
            queries_per_get=len(queries),
            get=gets.summary(),
            build=builds.summary(),
            sync=syncs.summary(),
            sql_ms_seen_by_django=sql_ms,
            floor_ms=floor[0] if floor else None,
            floor_planning_ms=floor[1] if floor else None,
            floor_selects=floor[2] if floor else None,
            naive=naive.summary() if naive else None,
            naive_ratio_get=naive.wall_ms / gets.wall_ms if naive else None,
            naive_ratio_build=naive.wall_ms / builds.wall_ms if naive else None,
            naive_disagreements=disagreements,
            counts=board.counts,
        )
    finally:
        left = delete_user(user)
        print(f"\n  throwaway user deleted ({left} rows left behind)")
    write_json(args.json, results)
    return results


if __name__ == "__main__":
    main()
