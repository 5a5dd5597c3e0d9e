"""dashboard.build_many: a batch of users' dashboards in one set of queries (the digests)
equals each user's own dashboard.build, whatever their thresholds and time zones."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recruiters import dashboard, state
from recruiters.demo import load_demo
from recruiters.models import Profile
from tests.factories import make_recruiter, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 12, 23, 30, tzinfo=UTC)  # already tomorrow east of Europe
# (time zone, settings) per demo user: different thresholds, windows and local dates.
USERS = [
    ("Europe/London", {}),
    ("Pacific/Kiritimati", {"silence_days_agency": 3, "check_in_days": 10}),
    ("America/Los_Angeles", {"dormant_after_days": 40, "one_sided_window_days": 30}),
    ("Asia/Tokyo", {"silence_days_in_house": 2, "silence_days_retained": 4}),
]


def demo_users():
    users = []
    for n, (zone, settings) in enumerate(USERS):
        user = load_demo(f"demo{n}@example.com", now=NOW - timedelta(days=n), seed=n).user
        Profile.objects.filter(user=user).update(time_zone=zone, **settings)
        state.refresh(user, now=NOW)  # the kept state over each user's own window
        users.append(user)
    users.append(make_user())  # an empty account
    return users


def profiles(users):
    return list(Profile.objects.select_related("user").filter(user__in=users).order_by("user"))


def assert_same_as_one_by_one(batch, now):
    many = dashboard.build_many(batch, now)
    assert set(many) == {profile.user_id for profile in batch}
    for profile in batch:
        one = dashboard.build(profile, now)
        board = many[profile.user_id]
        for name in dashboard.SECTION_NAMES.values():
            expected, got = getattr(one, name), getattr(board, name)
            assert [row.pk for row in got] == [row.pk for row in expected], name
            assert got.total == expected.total, name
        assert board.counts == one.counts
        assert board.recruiter_count == one.recruiter_count


@pytest.mark.parametrize("later", [timedelta(0), timedelta(days=3, hours=7)])
def test_a_batch_equals_each_users_own_dashboard(later):
    batch = profiles(demo_users())
    assert_same_as_one_by_one(batch, NOW + later)
    assert sum(dashboard.build(p, NOW + later).counts["silent"] for p in batch) > 0


def test_a_batch_equals_each_users_own_dashboard_when_a_kept_state_is_stale():
    users = demo_users()
    make_recruiter(users[1], name="Written behind the kept state's back")
    Profile.objects.filter(user=users[2]).update(one_sided_window_days=60)  # not refreshed
    batch = profiles(users)
    assert_same_as_one_by_one(batch, NOW)


def test_a_batch_costs_the_same_queries_for_two_users_as_for_five():
    batch = profiles(demo_users())
    for size in (2, 5):
        dashboard.build_many(batch[:size], NOW)  # the follow-ups made current
    counts = []
    for size in (2, 5):
        with CaptureQueriesContext(connection) as queries:
            dashboard.build_many(batch[:size], NOW)
        counts.append(len(queries))
    assert counts[0] == counts[1]
