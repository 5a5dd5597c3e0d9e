"""The progress bar of a large import sees the rows done while the import's transaction is
still open, and nothing of the import is visible before the end (PostgreSQL: SQLite lets one
connection write at a time, so there the bar goes from 0 to done)."""

import pytest
from django.db import connection

from recruiters.imports import apply, plan, tasks
from recruiters.imports.records import Contact
from recruiters.models import ImportJob, Recruiter
from tests.factories import make_user


@pytest.fixture(autouse=True)
def on_postgresql():
    """Progress is read through a second connection, which needs a database server: the
    test command's PostgreSQL (SQLite's in-memory test database has one connection)."""
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: run scripts/test.sh, which starts one")


def outside(sql, params):
    """A query on a connection of its own: what the progress page would see."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_runs(monkeypatch):
    user = make_user()
    contacts = [
        Contact(line=n + 2, name=f"Person {n}", company="Northwind", position="Recruiter")
        for n in range(1200)
    ]
    job = ImportJob.objects.create(
        owner=user,
        kind="linkedin_connections",
        filename="big.csv",
        plan=plan.plan_contacts(user, contacts, recruiters_only=True),
        state=ImportJob.State.QUEUED,
        total=1200,
    )
    seen = []
    report = tasks.SideProgress.__call__

    def report_and_look(self, processed):
        report(self, processed)
        table = ImportJob._meta.db_table
        seen.append(
            (
                outside(f"SELECT processed FROM {table} WHERE id = %s", [job.pk]),
                outside(
                    f"SELECT count(*) FROM {Recruiter._meta.db_table} WHERE owner_id = %s",
                    [user.pk],
                ),
            )
        )

    monkeypatch.setattr(tasks.SideProgress, "__call__", report_and_look)

    tasks.apply_import(job.pk)

    assert seen == [(500, 0), (1000, 0), (1200, 0)]
    job.refresh_from_db()
    assert (job.state, job.processed) == (ImportJob.State.DONE, 1200)
    assert Recruiter.objects.count() == 1200
    assert apply.BATCH == 500
