"""Benchmark of the list pages on a large account: /follow-ups/, /roles/ and the page of
the recruiter with the most interactions, plus the "next page" fragments they link to.

Creates a throwaway user with bench/dashboard.py's data builder (bulk_create: recruiters,
roles in every stage, six months of skewed interactions, follow-ups), runs ANALYZE, then
measures each page through Django's test client: SQL queries of one GET, median server
time and process CPU time over N GETs after a warm-up, and the size of the response.
Deletes the user and every row it owns at the end, whatever happens.

    bench/run-with-postgres.sh .venv/bin/python bench/pages.py \
        [--recruiters 2000] [--interactions 100000] [--requests 20]

A page that links to its next page (an <a rel="next"> link) has that link measured too,
as htmx asks for it (HX-Request), so the same script measures before and after paging.
Then the daily loop's writes on that recruiter's page, each the quick log's htmx POST
(committed, with the follow-up sync that runs once it commits): logging their reply,
which changes that recruiter's follow-ups alone, and logging an interview, which is news
for every recruiter owed an update; then the GET /home/ after each.
"""

import argparse
import html
import importlib.util
import os
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recruiters.models import Firm, FollowUp, Interaction, Recruiter, Role  # noqa: E402


def load_data_builder():
    """bench/dashboard.py's `populate`, imported from its file (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("bench_dashboard", ROOT / "bench/dashboard.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.populate


NEXT_LINK = re.compile(r'<a\b[^>]*\brel="next"[^>]*>', re.S)
HREF = re.compile(r'\bhref="([^"]*)"')


def next_links(content):
    """The hrefs of the page's rel="next" links (one per paged list), unescaped."""
    links = []
    for tag in NEXT_LINK.findall(content):
        found = HREF.search(tag)
        if found:
            links.append(html.unescape(found.group(1)))
    return links


def measure(client, url, *, requests, warm_up, headers=None):
    """{queries, ms, cpu_ms, bytes, response} of GET `url`: queries and size of one GET,
    median wall and CPU time of `requests` GETs after `warm_up` untimed ones."""
    headers = headers or {}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    queries = list(captured.captured_queries)  # a live view: copy it before the next GET
    for _ in range(warm_up):
        client.get(url, headers=headers)
    wall, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        again = client.get(url, headers=headers)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        assert again.status_code == 200
    return {
        "queries": queries,
        "ms": statistics.median(wall),
        "min_ms": min(wall),
        "cpu_ms": statistics.median(cpu),
        "bytes": len(response.content),
        "response": response,
    }


def measure_log(client, recruiter_id, kind, direction, *, requests):
    """{queries, ms, min_ms, cpu_ms, home_ms} of logging `requests` interactions of `kind`
    through the quick log: the first POST's queries; medians of the POST and of the GET
    /home/ after each."""
    url = reverse("log_interaction", args=[recruiter_id])
    form = {
        "direction": direction,
        "kind": kind,
        "channel": "email",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Logged by bench/pages.py",
    }
    wall, cpu, home, queries = [], [], [], None
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, form, headers={"HX-Request": "true"})
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200 or b"errorlist" in response.content:
            raise SystemExit(f"POST {url} answered {response.status_code} or a form error")
        queries = queries or list(captured.captured_queries)
        start = time.perf_counter()
        assert client.get(reverse("home")).status_code == 200
        home.append((time.perf_counter() - start) * 1000)
    return {
        "queries": queries,
        "ms": statistics.median(wall),
        "min_ms": min(wall),
        "cpu_ms": statistics.median(cpu),
        "home_ms": statistics.median(home),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recruiters", type=int, default=2000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="timed GETs (default 20)")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed GETs first")
    parser.add_argument("--writes", type=int, default=5, help="timed writes of each kind (5)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    args = parser.parse_args()
    if args.recruiters < 1 or args.interactions < 1 or args.requests < 1:
        parser.error("need at least one recruiter, one interaction and one request")

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    vendor = connection.vendor
    if vendor != "postgresql":
        print(f"note: running on {vendor}, not PostgreSQL (set DATABASE_URL)", file=sys.stderr)

    populate = load_data_builder()
    email = f"bench-{uuid.uuid4().hex[:12]}@bench.invalid"
    user = get_user_model().objects.create_user(username=email, email=email)
    try:
        start = time.perf_counter()
        written = populate(
            user,
            recruiters=args.recruiters,
            interactions=args.interactions,
            now=timezone.now(),
            rng=random.Random(args.seed),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        load_s = time.perf_counter() - start

        heaviest = (
            Recruiter.objects.owned_by(user)
            .annotate(n=Count("interactions"))
            .order_by("-n", "pk")
            .values_list("pk", "n")
            .first()
        )
        pending = FollowUp.objects.owned_by(user).filter(state__in=FollowUp.State.PENDING)
        pages = [
            ("/follow-ups/", reverse("follow_up_list")),
            ("/roles/", reverse("role_board")),
            (
                f"recruiter page ({heaviest[1]} interactions)",
                reverse("recruiter_detail", args=[heaviest[0]]),
            ),
        ]

        client = Client()
        client.force_login(user)
        results = []
        for name, url in pages:
            result = measure(client, url, requests=args.requests, warm_up=args.warm_up)
            results.append((name, url, result))
            content = result["response"].content.decode()
            for i, link in enumerate(next_links(content)[:1]):
                fragment = measure(
                    client,
                    link,
                    requests=args.requests,
                    warm_up=args.warm_up,
                    headers={"HX-Request": "true"},
                )
                results.append(
                    (f"  its next page{'' if i == 0 else f' {i + 1}'} (htmx)", link, fragment)
                )

        writes = [
            ("log their reply (theirs alone)", Interaction.Kind.OTHER, "inbound"),
            ("log an interview (news for all)", Interaction.Kind.INTERVIEW, "outbound"),
        ]
        logged = [
            (name, measure_log(client, heaviest[0], kind, direction, requests=args.writes))
            for name, kind, direction in writes
        ]

        print(f"Page benchmark ({vendor}, Django {django.get_version()})")
        print("  data: " + ", ".join(f"{n} {what}" for what, n in written.items()))
        print(f"  open follow-ups: {pending.count()}; loaded and analysed in {load_s:.1f} s")
        print()
        header = f"  {'page':<40}{'queries':>8}{'median':>11}{'min':>10}{'CPU':>10}{'size':>11}"
        print(header)
        print("  " + "-" * (len(header) - 2))
        for name, _url, r in results:
            print(
                f"  {name:<40}{len(r['queries']):>8}{r['ms']:>8.1f} ms{r['min_ms']:>7.1f} ms"
                f"{r['cpu_ms']:>7.1f} ms{r['bytes'] / 1024:>7.1f} KiB"
            )
        print(
            f"\n  median and CPU time (this process) of {args.requests} GETs, "
            f"after {args.warm_up} warm-up GETs"
        )
        print(
            f"\n  {'write (quick log, htmx POST)':<40}{'queries':>8}{'median':>11}{'min':>10}"
            f"{'CPU':>10}{'GET /home/ after':>19}"
        )
        for name, r in logged:
            print(
                f"  {name:<40}{len(r['queries']):>8}{r['ms']:>8.1f} ms{r['min_ms']:>7.1f} ms"
                f"{r['cpu_ms']:>7.1f} ms{r['home_ms']:>16.1f} ms"
            )
        print(f"  medians of {args.writes} writes each, the sync after commit included")
        if args.show_queries:
            for name, url, r in results:
                print(f"\n  {name.strip()}: {url}")
                for query in r["queries"]:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
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
