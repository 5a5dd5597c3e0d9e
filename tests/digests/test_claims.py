"""The claim of delivery.py, row by row: who may own a (user, period) digest."""

from datetime import UTC, datetime, timedelta

import pytest

from recruiters.digests import delivery, render
from recruiters.models import Digest
from tests.digests.seed import digest_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 12, 8, 5, tzinfo=UTC)
PERIOD = "2026-03-12"


@pytest.fixture
def member():
    return digest_user("claims@example.com", digest_when_all_clear=True)


def claim(user, who, now=NOW):
    return delivery.claim(user.pk, PERIOD, now=now, claimer=who)


def test_the_first_claim_wins_and_a_second_claimer_is_refused(member):
    assert claim(member, "a") is True
    assert claim(member, "b") is False
    assert Digest.objects.get().claimed_by == "a"


def test_a_retry_of_the_same_task_takes_its_own_claim_back(member):
    assert claim(member, "a") is True
    assert claim(member, "a", NOW + timedelta(minutes=1)) is True
    assert Digest.objects.get().claimed_at == NOW + timedelta(minutes=1)


def test_a_claim_older_than_the_lease_is_taken_over_by_one_worker(member):
    claim(member, "dead")
    assert claim(member, "b", NOW + timedelta(minutes=14)) is False
    assert claim(member, "b", NOW + timedelta(minutes=16)) is True
    assert claim(member, "c", NOW + timedelta(minutes=16)) is False  # the new claim is fresh
    assert Digest.objects.get().claimed_by == "b"


def test_sent_or_skipped_digests_are_never_claimed_again(member):
    Digest.objects.create(user=member, period=PERIOD, state="sent", sent_at=NOW, claimed_by="a")
    assert claim(member, "a", NOW + timedelta(days=1)) is False
    assert delivery.deliver(member.pk, PERIOD, now=NOW, claimer="b") == delivery.NOT_OURS


def test_a_worker_whose_claim_was_taken_over_does_not_send(member, mailoutbox):
    claim(member, "slow")
    claim(member, "b", NOW + timedelta(minutes=16))  # "slow" took longer than the lease
    composed = render.compose(member.profile, NOW)

    def send(claimer):
        with delivery._Mail() as mail:
            return delivery._send_composed(member.profile, composed, PERIOD, claimer, mail)

    assert send("slow") == delivery.NOT_OURS
    assert mailoutbox == []
    assert send("b") == delivery.SENT
    assert len(mailoutbox) == 1


def test_a_batch_claims_as_each_claim_would():
    new, fresh, stale, retried, sent = (
        digest_user(f"batch-claim-{n}@example.com") for n in range(5)
    )
    claim(fresh, "other")  # within its lease: not ours
    claim(stale, "dead", NOW - timedelta(minutes=16))  # its lease ran out: ours
    claim(retried, "batch", NOW - timedelta(minutes=1))  # our own, from an earlier try
    Digest.objects.create(user=sent, period=PERIOD, state="sent", sent_at=NOW, claimed_by="batch")
    items = [(user.pk, PERIOD) for user in (new, fresh, stale, retried, sent)]

    ours = delivery.claim_many(items, now=NOW, claimer="batch")

    assert ours == {(new.pk, PERIOD), (stale.pk, PERIOD), (retried.pk, PERIOD)}
    claims = {row.user_id: row for row in Digest.objects.all()}
    assert claims[fresh.pk].claimed_by == "other"
    assert claims[sent.pk].state == "sent"
    assert all(claims[u.pk].claimed_at == NOW for u in (new, stale, retried))
    # A second batch with the same digests gets none of them.
    assert delivery.claim_many(items, now=NOW, claimer="another batch") == set()


def test_an_empty_batch_claims_nothing(member):
    claim(member, "dead", NOW - timedelta(hours=1))
    assert delivery.claim_many([], now=NOW, claimer="batch") == set()
    assert Digest.objects.get().claimed_by == "dead"
