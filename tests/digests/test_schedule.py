"""When a digest is due: the user's hour in the user's time zone; periods in local dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from recruiters.digests import schedule
from recruiters.models import Digest
from tests.digests.seed import digest_user

pytestmark = pytest.mark.django_db


def utc(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_period_keys_are_local_dates_or_iso_weeks():
    assert schedule.period_key("daily", date(2026, 11, 27)) == "2026-11-27"
    assert schedule.period_key("weekly", date(2026, 11, 27)) == "2026-W48"
    assert schedule.period_key("weekly", date(2027, 1, 1)) == "2026-W53"


def test_due_only_during_the_chosen_local_hour():
    tokyo = digest_user("t@example.com", time_zone="Asia/Tokyo", hour=8).profile
    assert schedule.due_period(tokyo, utc(12, 22, 59)) is None  # 07:59 on the 13th
    assert schedule.due_period(tokyo, utc(12, 23, 0)) == "2026-03-13"  # 08:00
    assert schedule.due_period(tokyo, utc(12, 23, 59)) == "2026-03-13"
    assert schedule.due_period(tokyo, utc(13, 0, 0)) is None  # 09:00


def test_a_wider_catch_up_window_keeps_the_slots_period(settings):
    settings.DIGEST_CATCH_UP_HOURS = 3
    late = digest_user("late@example.com", time_zone="UTC", hour=23).profile
    assert schedule.due_period(late, utc(13, 1, 30)) == "2026-03-12"  # 23:00 + 2.5 hours
    assert schedule.due_period(late, utc(13, 2, 0)) is None


def test_weekly_on_the_chosen_weekday_only():
    la = digest_user(
        "w@example.com", time_zone="America/Los_Angeles", hour=18, frequency="weekly", weekday=4
    ).profile
    # Friday 13 March, 18:30 in Los Angeles is Saturday 01:30 UTC.
    assert schedule.due_period(la, utc(14, 1, 30)) == "2026-W11"
    assert schedule.due_period(la, utc(7, 2, 30)) == "2026-W10"  # Fri 6th, 18:30 PST
    assert schedule.due_period(la, utc(13, 1, 30)) is None  # Thursday there


def test_off_is_never_due():
    off = digest_user("off@example.com", frequency="off", hour=8).profile
    assert schedule.due_period(off, utc(12, 8, 30)) is None


def test_daylight_saving_time_moves_the_utc_hour():
    london = digest_user("l@example.com", time_zone="Europe/London", hour=8).profile
    assert schedule.due_period(london, utc(27, 8, 30)) == "2026-03-27"  # GMT
    assert schedule.due_period(london, utc(30, 7, 30)) == "2026-03-30"  # BST
    assert schedule.due_period(london, utc(30, 8, 30)) is None


def test_due_digests_finds_each_user_in_one_pass():
    tokyo = digest_user("tokyo@example.com", time_zone="Asia/Tokyo", hour=8)
    osaka = digest_user("osaka@example.com", time_zone="Asia/Tokyo", hour=9)
    seoul = digest_user("seoul@example.com", time_zone="Asia/Seoul", hour=8)  # same offset
    kolkata = digest_user("kolkata@example.com", time_zone="Asia/Kolkata", hour=4)  # +05:30
    weekly = digest_user(
        "weekly@example.com", time_zone="Asia/Tokyo", hour=8, frequency="weekly", weekday=4
    )
    digest_user("other-day@example.com", time_zone="Asia/Tokyo", hour=8, frequency="weekly")
    digest_user("off@example.com", time_zone="Asia/Tokyo", hour=8, frequency="off")
    inactive = digest_user("gone@example.com", time_zone="Asia/Tokyo", hour=8)
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)
    already = digest_user("done@example.com", time_zone="Asia/Tokyo", hour=8)
    Digest.objects.create(user=already, period="2026-03-13", state="sent", sent_at=utc(12, 23))

    now = utc(12, 23, 10)  # Friday 13th, 08:10 in Tokyo and Seoul, 04:40 in Kolkata
    assert schedule.due_digests(now) == sorted(
        [
            (tokyo.pk, "2026-03-13"),
            (seoul.pk, "2026-03-13"),
            (kolkata.pk, "2026-03-13"),
            (weekly.pk, "2026-W11"),
        ]
    )
    assert schedule.due_digests(now + timedelta(hours=1)) == [(osaka.pk, "2026-03-13")]


def test_stale_claims_are_claims_older_than_the_lease():
    a, b, c = (digest_user(f"{n}@example.com") for n in "abc")
    claimed_at = utc(12, 8)
    Digest.objects.create(user=a, period="2026-03-12", claimed_at=claimed_at)
    Digest.objects.create(
        user=b, period="2026-03-12", claimed_at=claimed_at + timedelta(minutes=10)
    )
    Digest.objects.create(
        user=c, period="2026-03-12", claimed_at=claimed_at, state="sent", sent_at=claimed_at
    )
    assert schedule.stale_claims(claimed_at + timedelta(minutes=15)) == []
    assert schedule.stale_claims(claimed_at + timedelta(minutes=16)) == [(a.pk, "2026-03-12")]


def test_next_slot_for_the_preview():
    weekly = digest_user(
        "n@example.com", time_zone="Asia/Tokyo", hour=8, frequency="weekly", weekday=0
    ).profile
    slot = schedule.next_slot(weekly, utc(12, 23, 10))  # Friday 13th, Tokyo
    assert (slot.date(), slot.hour, str(slot.tzinfo)) == (date(2026, 3, 16), 8, "Asia/Tokyo")
    daily = digest_user("d@example.com", time_zone="Asia/Tokyo", hour=8).profile
    assert schedule.next_slot(daily, utc(12, 23, 10)).date() == date(2026, 3, 13)  # open now
    assert schedule.next_slot(daily, utc(13, 0, 10)).date() == date(2026, 3, 14)
    # Once today's digest has gone out, the next one is tomorrow's, window open or not.
    sent = schedule.next_slot(daily, utc(12, 23, 10), done_periods={"2026-03-13"})
    assert sent.date() == date(2026, 3, 14)
