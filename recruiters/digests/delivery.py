"""Claim-then-send: one digest per user and period, never lost, never sent twice.

The Digest row of (user, period) is the claim; its unique constraint decides who owns it.

1. Claim, in its own committed transaction: INSERT the row as "claimed" (by this task).
   If the row exists, take it over with one conditional UPDATE that at most one worker can
   win: only if it is still "claimed" and either its claim is older than the lease (the
   worker that claimed it died or gave up) or this very task claimed it (a retry).
2. Render, outside any transaction (this also makes the rule-made follow-ups current).
3. Open the SMTP connection (connect, EHLO, TLS, login), still outside the transaction.
4. One short transaction: lock the row (SELECT ... FOR UPDATE: still claimed, still ours),
   hand the message to SMTP, mark the row sent, commit. While the row is locked, nobody
   can take the claim over, however long SMTP takes; if the worker dies, PostgreSQL
   drops its connection and the lock with it, and the claim is taken over after the lease.

What remains (docs/digests.md): a crash between SMTP's "250 accepted" and the COMMIT, a
millisecond, makes a later sweep send the digest again; an SMTP error after the message
was transmitted is ambiguous in SMTP itself (RFC 1047) and is retried. Both err towards
"at least once", with the same Message-ID, rather than dropping a digest.
"""

import functools
import logging
import operator
import smtplib

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from recruiters.digests import conf, render
from recruiters.models import Digest, Profile

log = logging.getLogger(__name__)

SENT = "sent"
SKIPPED = "skipped"
NOT_OURS = "not ours"
NO_USER = "no such user"


def claim(user_id, period, *, now, claimer):
    """Make (user, period) ours to send. True if it is; False if another worker owns it or
    it was already sent or skipped."""
    try:
        with transaction.atomic():
            Digest.objects.create(
                user_id=user_id,
                period=period,
                state=Digest.State.CLAIMED,
                claimed_at=now,
                claimed_by=claimer,
            )
        return True
    except IntegrityError:
        pass
    taken = (
        Digest.objects.filter(user_id=user_id, period=period, state=Digest.State.CLAIMED)
        .filter(Q(claimed_at__lt=now - conf.lease()) | Q(claimed_by=claimer))
        .update(claimed_by=claimer, claimed_at=now)
    )
    return taken == 1


def claim_many(items, *, now, claimer):
    """claim() for every (user_id, period) of `items` at once, in three queries however
    many: insert the new claims, take over the old ones that may be, read which are ours.
    Returns the set of (user_id, period) that are ours to send."""
    if not items:
        return set()
    Digest.objects.bulk_create(
        [
            Digest(
                user_id=user_id,
                period=period,
                state=Digest.State.CLAIMED,
                claimed_at=now,
                claimed_by=claimer,
            )
            for user_id, period in items
        ],
        ignore_conflicts=True,  # the unique (user, period) decides who owns a claim
    )
    rows = Digest.objects.filter(
        functools.reduce(operator.or_, (Q(user_id=u, period=p) for u, p in items)),
        state=Digest.State.CLAIMED,
    )
    rows.filter(Q(claimed_at__lt=now - conf.lease()) | Q(claimed_by=claimer)).update(
        claimed_by=claimer, claimed_at=now
    )
    return set(rows.filter(claimed_by=claimer).values_list("user_id", "period"))


def _ours(user_id, period, claimer):
    return Digest.objects.filter(
        user_id=user_id, period=period, state=Digest.State.CLAIMED, claimed_by=claimer
    )


def _skip(user_id, period, claimer, reason="", subject=""):
    _ours(user_id, period, claimer).update(
        state=Digest.State.SKIPPED, last_error=reason, subject=subject[:200]
    )
    log.info("Digest %s of user %s skipped: %s", period, user_id, reason or "nothing to say")
    return SKIPPED


def _permanent(error):
    """A refusal that retrying cannot fix: every recipient refused with a 5xx code."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


def deliver(user_id, period, *, now, claimer):
    """Claim, render and send the digest of `period` to `user_id`; returns what happened.

    Transient failures (SMTP refusing, timing out, unreachable) are recorded on the row and
    raised, for the task to retry with backoff; the claim stays, so that if the retries run
    out, a later sweep takes it over once the lease has passed.
    """
    profile = Profile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None:
        return NO_USER
    if not claim(user_id, period, now=now, claimer=claimer):
        return NOT_OURS
    try:
        skipped = _skip_unsendable(profile, period, claimer)
        if skipped:
            return skipped
        with _Mail() as mail:
            return _send_composed(profile, render.compose(profile, now), period, claimer, mail)
    except Exception as error:
        _record_failure(user_id, period, claimer, now, error)
        raise


def deliver_batch(items, *, now, claimer):
    """deliver() for every [user_id, period] of `items`, their digests composed together
    (render.compose_many: the same queries for the whole batch) and sent over one SMTP
    connection. Returns ({user_id: what happened}, [[user_id, period] to send alone]): a
    digest whose render or send failed has the failure recorded and stays claimed by
    `claimer`, for a send of its own (tasks.send_digest) to take over at once; so does a
    second period of a user already in the batch, unclaimed."""
    periods, retry = {}, []
    for user_id, period in items:
        if periods.get(user_id) == period:  # the same digest twice: once is enough
            continue
        if user_id in periods:  # a second period of one user (a stale claim): on its own
            retry.append([user_id, period])
        else:
            periods[user_id] = period
    profiles = list(Profile.objects.select_related("user").filter(user_id__in=periods))
    outcomes = dict.fromkeys(periods, NO_USER)
    ours = claim_many([(p.user_id, periods[p.user_id]) for p in profiles], now=now, claimer=claimer)
    claimed = []
    for profile in profiles:
        period = periods[profile.user_id]
        if (profile.user_id, period) not in ours:
            outcomes[profile.user_id] = NOT_OURS
        else:
            outcomes[profile.user_id] = _skip_unsendable(profile, period, claimer)
            if not outcomes[profile.user_id]:
                claimed.append(profile)
    try:
        composed = render.compose_many(claimed, now)
    except Exception as error:
        for profile in claimed:
            _record_failure(profile.user_id, periods[profile.user_id], claimer, now, error)
        return outcomes, retry + [[p.user_id, periods[p.user_id]] for p in claimed]
    with _Mail() as mail:
        for profile in claimed:
            user_id, period = profile.user_id, periods[profile.user_id]
            try:
                outcomes[user_id] = _send_composed(
                    profile, composed[user_id], period, claimer, mail
                )
            except Exception as error:
                _record_failure(user_id, period, claimer, now, error)
                mail.reset()
                retry.append([user_id, period])
    return outcomes, retry


def _skip_unsendable(profile, period, claimer):
    """SKIPPED (and the claim marked so) if the digest of `profile` cannot go out at all."""
    user = profile.user
    if profile.digest_frequency == Profile.DigestFrequency.OFF:
        return _skip(user.pk, period, claimer, "digests were turned off")
    if not user.is_active or not render.recipient(profile):
        return _skip(user.pk, period, claimer, "no active account with an address")
    return None


class _Mail:
    """One SMTP connection for a run of digests, opened at the first send (connect, EHLO,
    TLS, login: outside any transaction) and opened again after a failure."""

    def __init__(self):
        self.connection = None

    def open(self):
        if self.connection is None:
            self.connection = get_connection()
            self.connection.open()
        return self.connection

    def reset(self):
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the message is handed over or not; QUIT changes nothing
                log.warning("Closing the mail connection failed", exc_info=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.reset()


def _send_composed(profile, composed, period, claimer, mail):
    """Send `composed`, the digest of `profile` for `period` that `claimer` holds, and
    mark it sent (or skip it: nothing needs attention and the user wants no all-clear)."""
    user = profile.user
    if not composed.needs_attention and not profile.digest_when_all_clear:
        return _skip(user.pk, period, claimer, subject=composed.subject)
    message = render.email(profile, composed, period=period, connection=mail.open())
    with transaction.atomic():
        row = _ours(user.pk, period, claimer).select_for_update().first()
        if row is None:  # the lease ran out while we rendered; another worker has it
            return NOT_OURS
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            if not _permanent(error):
                raise
            Digest.objects.filter(pk=row.pk).update(
                state=Digest.State.SKIPPED,
                attempts=F("attempts") + 1,
                last_error=f"refused by the mail server: {error.recipients}"[:1000],
                subject=composed.subject,
            )
            log.warning("Digest %s of user %s refused for good: %s", period, user.pk, error)
            return SKIPPED
        Digest.objects.filter(pk=row.pk).update(
            state=Digest.State.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            subject=composed.subject,
        )
    log.info("Digest %s sent to user %s: %s", period, user.pk, composed.subject)
    return SENT


def _record_failure(user_id, period, claimer, now, error):
    """Note the failed attempt and renew the claim, so that the sweep leaves it to this
    task's retries for one more lease."""
    try:
        _ours(user_id, period, claimer).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}"[:1000],
            claimed_at=now,
        )
    except Exception:
        log.exception("Could not record the failed digest %s of user %s", period, user_id)
    log.warning("Digest %s of user %s failed: %r", period, user_id, error)


def send_test(user_id, *, now=None):
    """Send `user_id` what their digest would say now, marked as a test. No Digest row is
    claimed, so the period's real digest still goes out."""
    profile = Profile.objects.select_related("user").get(user_id=user_id)
    composed = render.compose(profile, now or timezone.now(), test=True)
    render.email(profile, composed).send()
    log.info("Test digest sent to user %s: %s", user_id, composed.subject)
    return composed.subject
