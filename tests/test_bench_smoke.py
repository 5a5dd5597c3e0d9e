"""The benches run and report numbers (bench/README.md), at tiny sizes.

Each runs in a subprocess, as by hand, against the test suite's PostgreSQL: the test
database pytest-django made, which the benches leave as they found it (the dashboard and
load benches delete their users, the digest and sweep benches roll back). Each writes its
figures with --json, which is what these tests read. The dashboard's SQL queries per GET
must be the same at two sizes: its cost in queries does not grow with the data.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
TINY = ("--recruiters", "20", "--interactions", "200")

# Makes pytest-django create the test database; this process itself runs no SQL.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def database_url(django_db_setup):
    """The URL of the test database (its name is set once pytest-django has made it)."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "the benches run in other processes and need a database server: run "
            "scripts/test.sh (the test command), which starts PostgreSQL and sets DATABASE_URL"
        )
    db = connection.settings_dict
    credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def bench(database_url, tmp_path):
    def run(script, *args, timeout=120):
        figures = tmp_path / f"{script}.json"
        env = {**os.environ, "DATABASE_URL": database_url}
        env.pop("DJANGO_SETTINGS_MODULE", None)  # the benches use tracker.settings
        completed = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), *args, "--json", str(figures)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, output
        return json.loads(figures.read_text()), output

    return run


def positive(*values):
    return all(isinstance(v, int | float) and v > 0 for v in values)


def test_dashboard_bench_queries_do_not_grow_with_the_data(bench):
    runs = {}
    for recruiters, interactions in ((20, 300), (40, 600)):
        figures, output = bench(
            "dashboard.py",
            *("--recruiters", str(recruiters), "--interactions", str(interactions)),
            *("--requests", "2", "--warm-up", "1", "--build-runs", "1"),
            *("--naive-runs", "1", "--explain-runs", "1"),
        )
        assert figures["data"]["interactions"] == interactions, output
        assert positive(
            figures["get"]["wall_ms"],
            figures["get"]["cpu_ms"],
            figures["floor_ms"],
            figures["naive"]["wall_ms"],
            figures["naive_ratio_get"],
        ), output
        assert figures["get"]["db_cpu_ms"] is not None, "the backend's CPU time: " + output
        assert figures["floor_selects"] > 10, output
        assert figures["naive_disagreements"] == [], output
        assert "faster than" in output and "rows left behind" in output, output
        runs[recruiters] = figures
    # (Not the first GET's: whether it syncs the rule follow-ups depends on the data.)
    assert runs[20]["queries_per_get"] == runs[40]["queries_per_get"]


def test_digest_bench(bench):
    figures, output = bench("digests.py", "--users", "4", "--rounds", "1", "--batch", "2", *TINY)
    assert positive(figures["render_per_s"], figures["deliver_per_s"]), output
    assert positive(*figures["render_per_digest"].values()), output
    assert len(figures["queries_per_digest"]) == 1, "the same queries for every digest"
    assert positive(figures["render_one_at_a_time_per_s"]), output
    assert len(figures["queries_per_batch"]) == 1, "the same queries for every batch"
    assert "rolled back" in output


def test_sweep_bench(bench):
    figures, output = bench("sweep.py", "--users", "5", "--sync-all", *TINY)
    # (other users in the database, if any, would be swept too)
    assert figures["due_ours"] == 5 and figures["sent"] == figures["due"] >= 5, output
    assert figures["synced"] >= 5, output
    assert positive(figures["sweep_s"], figures["sweep_cpu_s"], figures["ms_per_digest"]), output
    assert "recruiters.digests.tasks.send_digest_batch" in figures["tasks"], output


def test_load_bench(bench):
    figures, output = bench(
        "load.py", "--users", "3", "--duration", "5", "--workers", "1", *TINY, timeout=90
    )
    assert figures["answered"] >= 1 and figures["errors"] == 0, output
    assert positive(figures["requests_per_s"], figures["by_kind"]["all"]["p50_ms"]), output
    posts = figures["by_kind"].get("log interaction", {}).get("count", 0)
    assert figures["interactions_logged"] == posts, output
    assert "gunicorn stopped" in output and "(0 rows left behind)" in output, output
