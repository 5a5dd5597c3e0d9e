"""On a large account the dashboard reads the sections of follow-ups and roles ids first
(dashboard.first_rows): the same rows, in the same order, with the same totals and the same
annotations as one query gives."""

from datetime import timedelta

import pytest

from recruiters import dashboard
from tests.dashboard.test_build_many import NOW, demo_users

pytestmark = pytest.mark.django_db

# What the sections' templates read of each row, beyond its fields.
ANNOTATIONS = ("current_due_at", "clash_count", "authorised_clash_count")


def shown(board):
    return {
        name: [
            (row.pk, str(row), *(getattr(row, a, None) for a in ANNOTATIONS))
            for row in getattr(board, name)
        ]
        for name in dashboard.SECTION_NAMES.values()
    }


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=3, hours=7)])
def test_ids_first_reads_what_one_query_reads(monkeypatch, later):
    profiles = [user.profile for user in demo_users()[:2]]
    monkeypatch.setattr(dashboard, "IDS_FIRST_FROM", 10**9)  # never
    one_query = [dashboard.build(profile, NOW + later) for profile in profiles]
    monkeypatch.setattr(dashboard, "IDS_FIRST_FROM", 0)  # always
    ids_first = [dashboard.build(profile, NOW + later) for profile in profiles]
    for one, two in zip(one_query, ids_first, strict=True):
        assert shown(two) == shown(one)
        assert two.counts == one.counts
    for name in ("overdue", "you_owe", "double_submissions", "unauthorised_submissions"):
        assert any(getattr(board, name) for board in one_query), name  # rows to compare
