"""Each PostgreSQL connection reads timestamps with psycopg's C loader (recruiters.connections),
and they come back exactly as written: aware, in UTC, whatever zone they were written in."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection

from recruiters.connections import fast_timestamptz_loader
from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter, make_user

pytestmark = pytest.mark.django_db

TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid


def test_the_connection_reads_timestamps_with_the_fast_loader():
    assert connection.vendor == "postgresql"  # the suite runs on PostgreSQL
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, psycopg.pq.Format.TEXT)
    assert loader is fast_timestamptz_loader()


@pytest.mark.parametrize(
    "written",
    [
        datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # just before London's clocks go on
        datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("Europe/London")),  # the hour that repeats
        datetime(2026, 6, 1, 9, 15, tzinfo=ZoneInfo("Asia/Kolkata")),  # a half-hour offset
        datetime(1969, 12, 31, 23, 59, tzinfo=ZoneInfo("America/Los_Angeles")),
    ],
)
def test_timestamps_come_back_as_written_in_utc(written):
    interaction = make_interaction(make_recruiter(make_user()), occurred_at=written)
    read = Interaction.objects.values_list("occurred_at", flat=True).get(pk=interaction.pk)
    assert read == written.astimezone(UTC) and read.tzinfo is UTC
    assert read.utcoffset().total_seconds() == 0
