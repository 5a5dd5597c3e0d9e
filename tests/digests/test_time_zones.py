"""Each user gets the digest at their own local hour, and at no other (a real worker, a real
SMTP server; the clock is the `now` given to the sweep)."""

from datetime import UTC, datetime, timedelta

import pytest

from recruiters.models import Digest
from tests.digests.conftest import wait_until
from tests.digests.seed import digest_user

pytestmark = pytest.mark.django_db(transaction=True)

TOKYO, LOS_ANGELES = "tokyo@example.com", "la@example.com"


def at(hour, minute=10, day=12):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_tokyo_and_los_angeles_each_at_their_own_eight_oclock(worker, smtp, sweep_at):
    # Both want their digest at 08:00 local time, "all clear" or not.
    tokyo = digest_user(TOKYO, time_zone="Asia/Tokyo", hour=8, digest_when_all_clear=True)
    la = digest_user(
        LOS_ANGELES, time_zone="America/Los_Angeles", hour=8, digest_when_all_clear=True
    )

    # 22:10 UTC on the 12th: 07:10 on the 13th in Tokyo, 15:10 on the 12th in Los Angeles.
    assert sweep_at(at(22))["due"] == []
    # 23:10 UTC: 08:10 in Tokyo (UTC+9). Los Angeles (UTC-7 since 8 March) is at 16:10.
    assert sweep_at(at(23))["due"] == [(tokyo.pk, "2026-03-13")]
    (message,) = smtp.wait_for(1, to=TOKYO)
    assert message["X-Callback-Digest"] == "2026-03-13"
    # Later in Tokyo's morning, nothing more for anybody.
    assert sweep_at(at(23, 50))["due"] == []
    assert sweep_at(at(0, 10, day=13))["due"] == []

    # 14:10 UTC on the 13th: 07:10 in Los Angeles; 15:10 UTC: 08:10 there.
    assert sweep_at(at(14, day=13))["due"] == []
    assert sweep_at(at(15, day=13))["due"] == [(la.pk, "2026-03-13")]
    smtp.wait_for(1, to=LOS_ANGELES)
    assert sweep_at(at(16, day=13))["due"] == []

    worker.drain()
    assert len(smtp.messages(to=TOKYO)) == 1
    assert len(smtp.messages(to=LOS_ANGELES)) == 1
    wait_until(
        lambda: (
            set(Digest.objects.values_list("user__email", "period", "state"))
            == {(TOKYO, "2026-03-13", "sent"), (LOS_ANGELES, "2026-03-13", "sent")}
        ),
        message="both digests marked sent",
    )


def test_the_next_day_brings_the_next_daily_digest(worker, smtp, sweep_at):
    digest_user(TOKYO, time_zone="Asia/Tokyo", hour=8, digest_when_all_clear=True)
    sweep_at(at(23))
    sweep_at(at(23) + timedelta(days=1))
    messages = smtp.wait_for(2, to=TOKYO)
    assert sorted(m["X-Callback-Digest"] for m in messages) == ["2026-03-13", "2026-03-14"]
