"""A batch of digests is claimed, composed and sent together (delivery.deliver_batch); each
digest says what it would say alone, and one that fails is retried on its own."""

import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from recruiters.digests import delivery, render
from recruiters.digests.tasks import send_digest_batch
from recruiters.models import Digest, Profile
from tests.digests.conftest import wait_until
from tests.digests.seed import digest_user, seed_history

NOW = datetime(2026, 3, 12, 9, 5, tzinfo=UTC)  # 09:05 in London and in UTC
PERIOD = "2026-03-12"


def without_links(text):
    """The text's lines with its links taken out: single-use links differ on every render
    (and the mail server may have changed the line endings)."""
    return [line.rstrip() for line in re.sub(r"https?://\S+", "<link>", text).splitlines()]


@pytest.mark.django_db
def test_a_batch_sends_each_digest_as_it_would_say_alone(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    london = digest_user("london@example.com", time_zone="Europe/London", hour=9)
    seed_history(london, NOW)
    utc = digest_user("utc@example.com", hour=9, silence_days_agency=30)
    seed_history(utc, NOW)
    off = digest_user("off@example.com", hour=9, frequency="off")
    quiet = digest_user("quiet@example.com", hour=9)  # nothing to say, no all-clear wanted
    items = [[user.pk, PERIOD] for user in (london, utc, off, quiet)] + [[0, PERIOD]]

    outcomes = send_digest_batch.run(items, NOW.isoformat())

    assert outcomes == {
        str(london.pk): delivery.SENT,
        str(utc.pk): delivery.SENT,
        str(off.pk): delivery.SKIPPED,
        str(quiet.pk): delivery.SKIPPED,
        "0": delivery.NO_USER,
    }
    states = dict(Digest.objects.values_list("user", "state"))
    assert states == {london.pk: "sent", utc.pk: "sent", off.pk: "skipped", quiet.pk: "skipped"}
    for user in (london, utc):
        (message,) = smtp.messages(to=user.email)
        alone = render.compose(Profile.objects.select_related("user").get(user=user), NOW)
        assert message["Subject"] == alone.subject
        text = message.get_body(("plain",)).get_content()
        assert without_links(text) == without_links(alone.text)
    # Different thresholds, different digests: the batch kept each user's own.
    assert smtp.messages(to=london.email)[0]["Subject"] != smtp.messages(to=utc.email)[0]["Subject"]
    assert len(smtp.messages()) == 2


@pytest.mark.django_db(transaction=True)
def test_a_digest_refused_in_a_batch_is_retried_alone_and_arrives_once(worker, smtp, sweep_at):
    users = [
        digest_user(f"batch{n}@example.com", hour=9, digest_when_all_clear=True) for n in range(3)
    ]
    refused = users[1]
    smtp.refuse(refused.email)
    sweep_at(NOW)

    def sent(user):
        return Digest.objects.filter(user=user, period=PERIOD, state="sent").first()

    for user in (users[0], users[2]):
        wait_until(lambda user=user: sent(user), message=f"the digest of {user.email} sent")
    failed = wait_until(
        lambda: Digest.objects.filter(user=refused, attempts__gte=1).first(),
        message="the refused digest's failed attempt",
    )
    assert failed.state == "claimed" and "451" in failed.last_error

    smtp.refuse()
    digest = wait_until(lambda: sent(refused), timeout=60, message="the refused digest sent")
    assert digest.attempts >= 2
    worker.drain(timeout=40)
    per_address = Counter(str(message["To"]) for message in smtp.messages())
    assert per_address == Counter({user.email: 1 for user in users})


@pytest.mark.django_db
def test_a_second_period_of_one_user_is_left_to_a_send_of_its_own(mailoutbox):
    user = digest_user("twice@example.com", hour=9, digest_when_all_clear=True)
    yesterday = "2026-03-11"  # a claim whose worker died, due again with today's digest
    items = [[user.pk, PERIOD], [user.pk, yesterday]]

    outcomes, alone = delivery.deliver_batch(items, now=NOW, claimer="batch")

    assert outcomes == {user.pk: delivery.SENT} and alone == [[user.pk, yesterday]]
    assert delivery.deliver(user.pk, yesterday, now=NOW, claimer="batch") == delivery.SENT
    assert dict(Digest.objects.values_list("period", "state")) == {
        PERIOD: "sent",
        yesterday: "sent",
    }
    assert len(mailoutbox) == 2
