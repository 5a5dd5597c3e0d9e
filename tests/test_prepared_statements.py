"""PostgreSQL binds the parameters and prepares the statements a connection runs often
(tracker/settings.py: server_side_binding, DATABASE_PREPARE_THRESHOLD): a page asks the
same statements on every visit, and planning them again cost as much as running them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from recruiters import dashboard
from tests.factories import make_interaction, make_recruiter

ROOT = Path(__file__).resolve().parent.parent


def prepared_statements():
    """The statements this session's connection has prepared, with how often each was
    planned for its own parameters and run on a plan made once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, custom_plans, generic_plans FROM pg_prepared_statements")
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_dashboard_asked_often_runs_on_statements_prepared_once(user):
    make_interaction(make_recruiter(user, name="Dana"))
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    before = {statement for statement, _, _ in prepared_statements()}
    for _ in range(threshold + 10):
        dashboard.build(user.profile)
    sections = [
        row
        for row in prepared_statements()
        if row[0] not in before and "recruiters_followup" in row[0]
    ]
    assert sections, "the dashboard's statements were never prepared"
    # Prepared with $1-style parameters, not with this user's values written in.
    assert all("$1" in statement for statement, _, _ in sections)
    assert any(custom + generic >= 10 for _, custom, generic in sections)


def database_options(**env):
    """The OPTIONS the settings give a PostgreSQL DATABASE_URL, under `env`."""
    code = (
        "import json, tracker.settings as s; print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    variables = {**os.environ, "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"}
    variables.pop("DATABASE_PREPARE_THRESHOLD", None)
    variables.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=variables, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_threshold_is_five_runs_and_minus_one_turns_preparing_off():
    assert database_options()["prepare_threshold"] == 5
    assert database_options(DATABASE_PREPARE_THRESHOLD="2")["prepare_threshold"] == 2
    # Behind a pooler in transaction mode: parameters still bound, nothing prepared.
    never = database_options(DATABASE_PREPARE_THRESHOLD="-1")
    assert never["prepare_threshold"] is None and never["server_side_binding"] is True
