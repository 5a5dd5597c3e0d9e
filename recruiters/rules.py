"""The two-way-street rules (docs/design.md), computed by the database.

Each rule is one function of a user's Profile (its thresholds and time zone) and `now`,
returning a queryset: the dashboard, the recruiter pages, the digests and the reminders all
ask these functions, and nothing else re-derives a rule. Each queryset is one SQL query,
however many recruiters and interactions there are. Only interactions up to `now` count.

`recruiters/rules_reference.py` states the same rules in plain Python over plain lists;
tests/rules/ check on random histories that both always agree.

Articles (docs/design.md): 000 recruiters are sales people and go quiet; 001 agency and
in-house recruiters behave differently; 002 communication is a two-way street; 003 double
submissions and working with several recruiters; 004 invest / maintain / dormant.
"""

import functools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, Least, Lower, TruncDate

from recruiters.models import FollowUp, Interaction, Recruiter, Role

INBOUND, OUTBOUND = Interaction.Direction.INBOUND, Interaction.Direction.OUTBOUND
DOUBLE_SUBMISSION_DAYS = 183  # "within 6 months"
ONE_SIDED_MIN_TOUCHES = 3
ONE_SIDED_RATIO = 3  # at most one reply for every three touches
ONE_WAY_VALUE_MIN = 2  # valuable touches one way, with none the other way
LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)


class Owners:
    """The users a rule is asked for: one (a page) or many at once (a batch of digests).

    A rule reads each user's thresholds and time zone through `value`, so that one query
    serves the whole batch: for one user the value itself, exactly as a rule asked for
    one profile has always used it; for many, a CASE on the row's owner with one branch
    per distinct value (most users keep the defaults, so there are few).
    """

    def __init__(self, profiles):
        self.profiles = list(profiles)
        self.user_ids = [profile.user_id for profile in self.profiles]

    def rows(self, queryset):
        """The rows of `queryset` owned by these users."""
        if len(self.user_ids) == 1:
            return queryset.filter(owner=self.user_ids[0])
        return queryset.filter(owner__in=self.user_ids)

    def value(self, of, output_field=None):
        """`of(profile)` for the owner of each row (the row's `owner`)."""
        owners_by_value = {}
        for profile in self.profiles:
            owners_by_value.setdefault(of(profile), []).append(profile.user_id)
        if len(owners_by_value) == 1:
            return next(iter(owners_by_value))
        return Case(
            *(When(owner__in=ids, then=Value(v)) for v, ids in owners_by_value.items()),
            output_field=output_field,
        )


def owners_of(subject):
    """The Owners a rule was asked for: a Profile (one user) or Owners."""
    return subject if isinstance(subject, Owners) else Owners([subject])


def evaluated_in_utc(rule):
    """Rules count elapsed time: "90 days" is 90 x 24 hours, whatever zone `now` is written
    in. Python subtracts days on the wall clock of an aware datetime's zone (so across a DST
    change 90 days would be 90 x 24 h +- 1 h): evaluate every rule at `now` in UTC."""

    @functools.wraps(rule)
    def at_utc(profile, now, *args):
        return rule(profile, now.astimezone(UTC), *args)

    return at_utc


# Shared building blocks -------------------------------------------------------------------


def _touches(now, **filters):
    """Interactions with the outer recruiter, up to `now`."""
    return Interaction.objects.filter(recruiter=OuterRef("pk"), occurred_at__lte=now, **filters)


def _latest(interactions):
    return Subquery(interactions.order_by("-occurred_at").values("occurred_at")[:1])


def _earliest(interactions):
    return Subquery(interactions.order_by("occurred_at").values("occurred_at")[:1])


def _count(interactions):
    counted = interactions.order_by().values("recruiter").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _later(now, direction):
    """Interactions in `direction` with the same recruiter as the outer interaction, after
    it and up to `now`: what answers it."""
    return Interaction.objects.filter(
        recruiter=OuterRef("recruiter"),
        direction=direction,
        occurred_at__gt=OuterRef("occurred_at"),
        occurred_at__lte=now,
    )


def _quiet(profile, now, days):
    """Q: no contact either way for `days(profile)` days or more (on last_contact_at)."""
    cutoff = owners_of(profile).value(lambda p: now - timedelta(days=days(p)), DateTimeField())
    return Q(last_contact_at__lte=cutoff)


def _quiet_for(profile, now, days):
    """Recruiters with no contact either way for `days(profile)` days or more, quietest
    first."""
    return (
        with_health(profile, now, "last_contact_at")
        .filter(_quiet(profile, now, days))
        .order_by("last_contact_at")
    )


def silence_threshold_days(profile):
    """Days of silence allowed: the recruiter's own override, else the default for its kind.

    Defaults (DESIGN.md, from article 001: agency and in-house recruiters work differently):
    agency 7, in-house 10, retained 14, contract staffing 7 days; all set in the Profile.
    """
    owners = owners_of(profile)
    by_kind = {
        Recruiter.Kind.AGENCY: "silence_days_agency",
        Recruiter.Kind.IN_HOUSE: "silence_days_in_house",
        Recruiter.Kind.RETAINED: "silence_days_retained",
        Recruiter.Kind.CONTRACT: "silence_days_contract",
    }

    def days(field):
        return owners.value(lambda p: getattr(p, field), IntegerField())

    return Coalesce(
        F("silence_threshold_days"),
        Case(*(When(kind=kind, then=days(field)) for kind, field in by_kind.items())),
        output_field=IntegerField(),
    )


WINDOW_COUNTS = (
    "inbound_in_window",
    "outbound_in_window",
    "value_received_in_window",
    "value_given_in_window",
)


def history_figures(profile, now, *names):
    """{figure: expression} of the named recruiter figures (all if none named), worked out
    from the history up to `now`: one correlated subquery each over the outer recruiter's
    interactions and roles. This is their definition; RecruiterState keeps their values (see
    `with_health`). Only the named ones are built: building one costs time too."""
    window_start = owners_of(profile).value(
        lambda p: now - timedelta(days=p.one_sided_window_days), DateTimeField()
    )
    in_window = {"occurred_at__gt": window_start}

    def open_asks():
        return _touches(now, direction=OUTBOUND, expects_reply=True).filter(
            ~Exists(_later(now, INBOUND))
        )

    def open_roles():
        roles = Role.objects.filter(recruiter=OuterRef("pk"), stage__in=Role.ACTIVE_STAGES)
        counted = roles.order_by().values("recruiter").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    builders = {
        "last_inbound_at": lambda: _latest(_touches(now, direction=INBOUND)),
        "last_outbound_at": lambda: _latest(_touches(now, direction=OUTBOUND)),
        "last_contact_at": lambda: _latest(_touches(now)),
        "first_contact_at": lambda: _earliest(_touches(now)),
        "awaiting_reply_since": lambda: _earliest(open_asks()),
        "last_status_update_at": lambda: _last_status_update(now),
        "open_role_count": open_roles,
        "inbound_in_window": lambda: _count(_touches(now, direction=INBOUND, **in_window)),
        "outbound_in_window": lambda: _count(_touches(now, direction=OUTBOUND, **in_window)),
        "value_received_in_window": lambda: _count(
            _touches(now, direction=INBOUND, **in_window).exclude(value="")
        ),
        "value_given_in_window": lambda: _count(
            _touches(now, direction=OUTBOUND, **in_window).exclude(value="")
        ),
    }
    return {name: builders[name]() for name in names or builders}


RECRUITER_FIGURES = (
    "last_inbound_at",
    "last_outbound_at",
    "last_contact_at",
    "first_contact_at",
    "awaiting_reply_since",
    "last_status_update_at",
    "open_role_count",
    *WINDOW_COUNTS,
)


# The figures that only an interaction dated later changes with time: all but the window
# counts, which an interaction leaving the window changes too.
TOUCH_FIGURES = tuple(name for name in RECRUITER_FIGURES if name not in WINDOW_COUNTS)


def state_holds(profile, now, *figures):
    """Q: the outer recruiter's kept state (RecruiterState) holds the named figures (all if
    none named) at `now`: it was computed no later than `now`, over the user's current
    window, and time has changed none of them since. An interaction dated later changes
    every figure when its moment comes (`next_touch_at`); the oldest one in the window
    leaving it changes the window counts (`valid_until` is the first of the two)."""
    window_days = owners_of(profile).value(lambda p: p.one_sided_window_days, IntegerField())
    touch_only = figures and set(figures) <= set(TOUCH_FIGURES)
    until = "next_touch_at" if touch_only else "valid_until"
    return Q(state__computed_at__lte=now, state__window_days=window_days) & (
        Q(**{f"state__{until}__gt": now}) | Q(**{f"state__{until}__isnull": True})
    )


# Kept states written by this process so far: a check by read_kept_state is good only until
# the next write (recruiters.state calls kept_state_written).
_kept_state_writes = 0


def kept_state_written():
    global _kept_state_writes
    _kept_state_writes += 1


@dataclass(frozen=True)
class KeptStateRead:
    """What `read_kept_state` found: whether every figure holds, and each owner's number
    of recruiters (which a page shows, and which came with the check for free)."""

    every_figure_holds: bool
    recruiter_counts: dict


def read_kept_state(subject, now):
    """Let the rules asked with this `subject` (a Profile or Owners) at `now` read recruiter
    figures straight from the kept state, where it holds at `now` for every one of the
    owners' recruiters: every figure, or every figure but the window counts (which an
    interaction leaving the window changes while the rest still hold). One query; a page
    asks it once before its rules. The other figures go on choosing recruiter by recruiter
    (`kept_figure`)."""
    now = now.astimezone(UTC)
    tally = list(
        owners_of(subject)
        .rows(Recruiter.objects)
        .order_by()
        .values("owner")
        .annotate(
            recruiters=Count("pk"),
            every_figure=Count("pk", filter=state_holds(subject, now)),
            touch_figures=Count("pk", filter=state_holds(subject, now, *TOUCH_FIGURES)),
        )
    )
    recruiters = sum(row["recruiters"] for row in tally)
    held = set()
    if sum(row["touch_figures"] for row in tally) == recruiters:
        held.update(TOUCH_FIGURES)
    if sum(row["every_figure"] for row in tally) == recruiters:
        held.update(RECRUITER_FIGURES)
    subject.kept_state_read = (now, _kept_state_writes, frozenset(held))
    return KeptStateRead(
        every_figure_holds=held == set(RECRUITER_FIGURES),
        recruiter_counts={row["owner"]: row["recruiters"] for row in tally},
    )


def kept_figure(name, holds, from_history):
    """The figure from the kept state where it holds at `now`, else from the history (the
    database evaluates the history's subquery only for the rows that need it)."""
    return Case(
        When(holds, then=F(f"state__{name}")),
        default=from_history,
        output_field=from_history.output_field,
    )


@evaluated_in_utc
def with_health(profile, now, *figures):
    """The owner's recruiters, annotated with the named figures (all of them if none named).

    last_inbound_at, last_outbound_at, last_contact_at, first_contact_at; open_role_count
    (roles submitted, interviewing or at offer); awaiting_reply_since (the first outbound
    message that asked something with no inbound one after it); last_status_update_at (your
    last outbound status update); inbound_in_window, outbound_in_window,
    value_received_in_window, value_given_in_window over the rolling window
    (`profile.one_sided_window_days`, ending at `now`); silence_threshold (days).

    Each figure is read from the recruiter's kept state (RecruiterState) when that holds at
    `now`, else worked out from the history (`history_figures`, the definition), so a rule
    names only the figures it reads. The figures that `read_kept_state(profile, now)` found
    holding for every recruiter are the kept columns alone.
    """
    names = figures or (*RECRUITER_FIGURES, "silence_threshold")
    kept = [name for name in names if name != "silence_threshold"]
    read = getattr(profile, "kept_state_read", None)
    held = read[2] if read and read[:2] == (now, _kept_state_writes) else frozenset()
    chosen = {name: F(f"state__{name}") for name in kept if name in held}
    if rest := [name for name in kept if name not in held]:
        chosen |= {
            name: kept_figure(name, state_holds(profile, now, name), expression)
            for name, expression in history_figures(profile, now, *rest).items()
        }
    if "silence_threshold" in names:
        chosen["silence_threshold"] = silence_threshold_days(profile)
    # Notes and summaries are encrypted at rest (recruiters.encryption) and no rule's rows
    # show them: the rules defer them, so that a dashboard decrypts only what it shows.
    return (
        owners_of(profile)
        .rows(Recruiter.objects)
        .select_related("firm")
        .defer("notes", "firm__notes")
        .annotate(**chosen)
    )


# Recruiter rules ---------------------------------------------------------------------------


def _with_silence(profile, now):
    """The owner's recruiters with what the silent rule reads (silent_recruiters): the
    figures, silent_since (the open thread's start), silent_for and allowed (the threshold
    as a duration)."""
    silent_since = Case(
        When(open_role_count__gt=0, then=Coalesce(F("last_inbound_at"), F("first_contact_at"))),
        default=F("awaiting_reply_since"),
    )
    figures = ("last_inbound_at", "first_contact_at", "awaiting_reply_since", "open_role_count")
    return (
        with_health(profile, now, *figures, "silence_threshold")
        .annotate(silent_since=silent_since)
        .annotate(
            silent_for=ExpressionWrapper(Value(now) - F("silent_since"), DurationField()),
            allowed=ExpressionWrapper(
                F("silence_threshold") * Value(timedelta(days=1)), output_field=DurationField()
            ),
        )
    )


# Silent: an open thread, waiting longer than the threshold (silent_recruiters).
_SILENT = Q(silent_since__isnull=False, silent_for__gt=F("allowed"))


@evaluated_in_utc
def silent_recruiters(profile, now):
    """Silent recruiter (DESIGN.md; articles 000 and 002).

    A recruiter with an open thread and nothing inbound from them for longer than the
    silence threshold: `now - silent_since > threshold days`. The open thread, and the
    moment since which you have been waiting (silent_since), is
    - a role with them submitted, interviewing or at offer: since their last inbound
      interaction, or your first contact if they never wrote; else
    - an outbound message that asked something, unanswered (see awaiting_reply): since
      that first unanswered question.
    Thresholds: agency 7, in-house 10, retained 14, contract 7 days, or the recruiter's own
    override. A recruiter with no open thread is not silent (at most dormant).
    Annotates silent_since and chasers_since (outbound touches after it).
    """
    chasers = _touches(now, direction=OUTBOUND, occurred_at__gt=OuterRef("silent_since"))
    return (
        _with_silence(profile, now)
        .annotate(chasers_since=_count(chasers))
        .filter(_SILENT)
        .order_by("silent_since")
    )


@evaluated_in_utc
def awaiting_reply_not_silent(profile, now):
    """Awaiting reply (awaiting_reply) and not silent (silent_recruiters): the dashboard's
    and the digest's "Awaiting their reply", which list a silent recruiter once, as silent.
    The rows of awaiting_reply less those of silent_recruiters, in one query that works the
    figures out once (excluding the silent rule as a subquery built and ran it again: at S,
    16 ms of Python for the section against 8). Annotates awaiting_reply_since.
    """
    # Every row the silent rule's filter keeps, its condition true (not false or NULL).
    silent = Case(When(_SILENT, then=True), default=False, output_field=BooleanField())
    return (
        _with_silence(profile, now)
        .filter(awaiting_reply_since__isnull=False)
        .alias(silent=silent)
        .filter(silent=False)
        .order_by("awaiting_reply_since")
    )


@evaluated_in_utc
def dormant_recruiters(profile, now):
    """Dormant recruiter (DESIGN.md; article 004): no contact either way for
    `profile.dormant_after_days` days or more (default 90): last_contact_at <= now - 90 days.
    Recruiters never contacted are not dormant: there is nothing to go quiet.
    """
    return _quiet_for(profile, now, lambda p: p.dormant_after_days)


@evaluated_in_utc
def check_in_due(profile, now):
    """Check-in worth making (article 004: invest in the few relationships that matter):
    an "invest" recruiter with no contact either way for `profile.check_in_days` days or more
    (default 30).
    """
    return _quiet_for(profile, now, lambda p: p.check_in_days).filter(tier=Recruiter.Tier.INVEST)


@evaluated_in_utc
def gone_dormant(profile, now):
    """Dormant (dormant_recruiters), not yet tiered dormant, and no check-in worth making
    (check_in_due): the dashboard's and the digest's "Gone dormant", relationships worth a
    check-in or a downgrade, which list a check-in once, as a check-in. One query that
    works last_contact_at out once (excluding the check-in rule as a subquery built and
    ran it again).
    """
    check_in = Q(tier=Recruiter.Tier.INVEST) & _quiet(profile, now, lambda p: p.check_in_days)
    return dormant_recruiters(profile, now).exclude(tier=Recruiter.Tier.DORMANT).exclude(check_in)


@evaluated_in_utc
def awaiting_reply(profile, now):
    """Awaiting reply (DESIGN.md; article 002): an outbound interaction that asked something
    (expects_reply) with no inbound interaction from that recruiter strictly after it.
    Annotates awaiting_reply_since: the first such unanswered question.
    """
    return (
        with_health(profile, now, "awaiting_reply_since")
        .filter(awaiting_reply_since__isnull=False)
        .order_by("awaiting_reply_since")
    )


@evaluated_in_utc
def one_sided(profile, now):
    """One-sided relationship (DESIGN.md; articles 000 and 002), over the rolling window
    (default 90 days, ending at `now`). Any of:

    - they ignore you: at least 3 outbound touches and at most one inbound for every three
      outbound (3 x inbound <= outbound);
    - you ignore them: the mirror case (at least 3 inbound, 3 x outbound <= inbound);
    - value flows one way: at least 2 interactions carrying value one way, none the other.

    Annotates they_ignore_you, you_ignore_them, value_one_way (booleans).
    """
    they_ignore_you = Q(outbound_in_window__gte=ONE_SIDED_MIN_TOUCHES) & Q(
        outbound_in_window__gte=F("inbound_in_window") * ONE_SIDED_RATIO
    )
    you_ignore_them = Q(inbound_in_window__gte=ONE_SIDED_MIN_TOUCHES) & Q(
        inbound_in_window__gte=F("outbound_in_window") * ONE_SIDED_RATIO
    )
    value_one_way = Q(value_received_in_window__gte=ONE_WAY_VALUE_MIN, value_given_in_window=0) | Q(
        value_given_in_window__gte=ONE_WAY_VALUE_MIN, value_received_in_window=0
    )
    return (
        with_health(profile, now, *WINDOW_COUNTS)
        .alias(
            they_ignore_you=Case(When(they_ignore_you, then=True), default=False),
            you_ignore_them=Case(When(you_ignore_them, then=True), default=False),
            value_one_way=Case(When(value_one_way, then=True), default=False),
        )
        .annotate(
            they_ignore_you=F("they_ignore_you"),
            you_ignore_them=F("you_ignore_them"),
            value_one_way=F("value_one_way"),
        )
        .filter(they_ignore_you | you_ignore_them | value_one_way)
        .order_by("name")
    )


@evaluated_in_utc
def updates_owed(profile, now):
    """You owe an update (DESIGN.md; article 002: tell recruiters about other interviews,
    offers and acceptances instead of going dark).

    A recruiter holding an open role with you (submitted, interviewing or offer) is owed a
    status update (an outbound interaction of kind "status update") when, after your last
    status update to them (or ever, if none), any of these happened up to `now`:
    - you accepted an offer: a role moved to "accepted" that this recruiter does not present;
    - you paused your search (profile.search_paused_at);
    - you had an interview with another recruiter, within the rolling window.

    Annotates last_update_at (your last status update to them), accepted_elsewhere_at and
    interview_elsewhere_at (the earliest such event since it, or None: the update is owed from
    the earliest news they have not heard) and paused_owed. `UpdateNews` lists that news.
    """
    since_update = Coalesce(OuterRef("last_update_at"), Value(LONG_AGO))
    accepted, interviews = _update_news(profile, now)
    accepted_elsewhere = accepted.exclude(recruiter=OuterRef("pk")).filter(
        stage_changed_at__gt=since_update
    )
    interviews_elsewhere = interviews.exclude(recruiter=OuterRef("pk")).filter(
        occurred_at__gt=since_update
    )
    paused_at = profile.search_paused_at
    paused_since = paused_at if paused_at is not None and paused_at <= now else None
    events = [
        Subquery(accepted_elsewhere.order_by("stage_changed_at").values("stage_changed_at")[:1]),
        Subquery(interviews_elsewhere.order_by("occurred_at").values("occurred_at")[:1]),
    ]
    pause_owed = Value(False)
    if paused_since is not None:
        pause_owed = Q(last_update_at__isnull=True) | Q(last_update_at__lt=paused_since)
    return (
        with_health(profile, now, "open_role_count", "last_status_update_at")
        .filter(open_role_count__gt=0)
        .annotate(last_update_at=F("last_status_update_at"))
        .annotate(
            accepted_elsewhere_at=events[0],
            interview_elsewhere_at=events[1],
            paused_owed=Case(When(pause_owed, then=True), default=False),
        )
        .filter(
            Q(accepted_elsewhere_at__isnull=False)
            | Q(interview_elsewhere_at__isnull=False)
            | Q(paused_owed=True)
        )
        .order_by("name")
    )


def _last_status_update(now):
    """Your last status update to the outer recruiter, up to `now`: what tells them the news."""
    return _latest(_touches(now, direction=OUTBOUND, kind=Interaction.Kind.STATUS_UPDATE))


def _update_news(profile, now):
    """(accepted offers, interviews): the user's news that updates_owed counts, up to `now`:
    roles moved to "accepted", and interviews within the rolling window."""
    window_start = now - timedelta(days=profile.one_sided_window_days)
    accepted = Role.objects.owned_by(profile.user).filter(
        stage=Role.Stage.ACCEPTED, stage_changed_at__lte=now
    )
    interviews = Interaction.objects.owned_by(profile.user).filter(
        kind=Interaction.Kind.INTERVIEW, occurred_at__gt=window_start, occurred_at__lte=now
    )
    return accepted, interviews


ACCEPTED_NEWS = "you accepted an offer elsewhere"
INTERVIEW_NEWS = "you interviewed elsewhere"
PAUSE_NEWS = "you paused your search"


NEWS_NAMED = 5  # pieces of news of each kind that an update's notes name; the rest counted


@dataclass
class Untold:
    """What one recruiter owed an update has not heard: the first NEWS_NAMED pieces of each
    kind and the pause, oldest first, as (when, what); how many more of each kind; and the
    latest piece."""

    named: list
    more: dict
    latest: datetime


class UpdateNews:
    """The news behind updates_owed for all of a user's recruiters at once (two queries),
    sorted by time, so that each recruiter's untold news is found by bisection, not by a
    walk through all of it: a user with thousands of interviews in the window and
    thousands of recruiters owed an update must not cost millions of steps."""

    def __init__(self, profile, now):
        accepted, interviews = _update_news(profile, now)
        self.profile = profile
        self.by_kind = {
            ACCEPTED_NEWS: sorted(
                accepted.values_list("stage_changed_at", "recruiter"), key=lambda n: n[0]
            ),
            INTERVIEW_NEWS: sorted(
                interviews.values_list("occurred_at", "recruiter"), key=lambda n: n[0]
            ),
        }
        self.times = {what: [at for at, _ in news] for what, news in self.by_kind.items()}
        self.own = {}  # (what, recruiter id) -> the times of the news that came through them
        for what, news in self.by_kind.items():
            for at, by in news:
                self.own.setdefault((what, by), []).append(at)

    def untold(self, recruiter):
        """Untold news of `recruiter`, a row of updates_owed: the news that did not come
        through them, dated after their last status update (last_update_at), and the pause
        if it is owed."""
        told_until = recruiter.last_update_at
        named, more, latest = [], {}, []
        for what, news in self.by_kind.items():
            own = self.own.get((what, recruiter.pk), [])
            start = 0 if told_until is None else bisect_right(self.times[what], told_until)
            own_start = 0 if told_until is None else bisect_right(own, told_until)
            untold_count = len(news) - start - (len(own) - own_start)
            picked = []
            for index in range(start, len(news)):
                if len(picked) == NEWS_NAMED:
                    break
                if news[index][1] != recruiter.pk:
                    picked.append((news[index][0], what))
            for index in range(len(news) - 1, start - 1, -1):
                if news[index][1] != recruiter.pk:
                    latest.append(news[index][0])
                    break
            named += picked
            if untold_count > len(picked):
                more[what] = untold_count - len(picked)
        if recruiter.paused_owed:
            named.append((self.profile.search_paused_at, PAUSE_NEWS))
            latest.append(self.profile.search_paused_at)
        return Untold(sorted(named, key=lambda n: n[0]), more, max(latest))


@evaluated_in_utc
def status_updates_sent(profile, now):
    """The user's recruiters annotated with last_update_at, their last status update up to
    `now` (None if none): an update follow-up made before it is answered (updates_owed)."""
    return with_health(profile, now, "last_status_update_at").annotate(
        last_update_at=F("last_status_update_at")
    )


# Interaction rules -------------------------------------------------------------------------


def business_day_offset(iso_weekday, business_days):
    """Calendar days from a day of `iso_weekday` (1 = Monday) to its n-th business day after."""
    offset, counted, weekday = 0, 0, iso_weekday
    while counted < business_days:
        offset += 1
        weekday = weekday % 7 + 1
        counted += weekday <= 5
    return offset


@evaluated_in_utc
def feedback_owed(profile, now):
    """Feedback owed (DESIGN.md; article 002: recruiters must give feedback after every
    interview).

    An interview (interaction of kind "interview") with no feedback from that recruiter after
    it (an inbound interaction of kind "interview feedback" or carrying the value "feedback")
    once `profile.feedback_business_days` (default 3) business days, Monday to Friday, have
    passed in full in the user's time zone: owed from the start of the local day after the
    3rd business day following the interview's local date. (Monday's interview is owed from
    Friday 00:00; Friday's from Thursday 00:00.) Public holidays are not known.
    """
    zone = profile.zone
    today = now.astimezone(zone).date()
    n = profile.feedback_business_days
    owed_by_weekday = Q()
    for weekday in range(1, 8):
        latest_owed_date = today - timedelta(days=business_day_offset(weekday, n) + 1)
        owed_by_weekday |= Q(local_weekday=weekday, local_date__lte=latest_owed_date)
    return (
        Interaction.objects.owned_by(profile.user)
        .filter(kind=Interaction.Kind.INTERVIEW, occurred_at__lte=now)
        .annotate(
            local_date=TruncDate("occurred_at", tzinfo=zone),
            local_weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
        )
        .filter(owed_by_weekday)
        .filter(~Exists(_feedback_after(now)))
        .select_related("recruiter", "role")
        .defer("summary", "recruiter__notes", "role__notes")
        .order_by("occurred_at")
    )


def _feedback_after(now):
    """The recruiter's feedback on the outer interview, after it and up to `now`."""
    return _later(now, INBOUND).filter(
        Q(kind=Interaction.Kind.INTERVIEW_FEEDBACK) | Q(value=Interaction.Value.FEEDBACK)
    )


@evaluated_in_utc
def feedback_given(profile, now):
    """Interviews the recruiter has given feedback on, up to `now`: what answers a feedback
    follow-up (feedback_owed)."""
    return Interaction.objects.owned_by(profile.user).filter(
        Exists(_feedback_after(now)), kind=Interaction.Kind.INTERVIEW
    )


def interviews_awaiting_feedback(profile, now, *, since):
    """Interviews dated after `since` (later than `now` too) with no feedback after them up
    to `now`: those whose feedback may still fall due (services.next_change_of_obligations)."""
    return (
        Interaction.objects.owned_by(profile.user)
        .filter(kind=Interaction.Kind.INTERVIEW, occurred_at__gt=since)
        .filter(~Exists(_feedback_after(now)))
        .only("occurred_at")
    )


def feedback_due_at(interview, profile):
    """When feedback on `interview` became owed: the local midnight starting the day after
    the n-th business day after it (see feedback_owed)."""
    zone = profile.zone
    local = interview.occurred_at.astimezone(zone)
    offset = business_day_offset(local.isoweekday(), profile.feedback_business_days) + 1
    return datetime.combine(local.date() + timedelta(days=offset), time(0), tzinfo=zone)


@evaluated_in_utc
def unanswered_pitches(profile, now):
    """You owe an answer (DESIGN.md; article 002): an inbound role pitch with nothing outbound
    to that recruiter after it, for `profile.pitch_answer_days` days or more (default 2):
    occurred_at <= now - 2 days.
    """
    cutoff = now - timedelta(days=profile.pitch_answer_days)
    return (
        _pitches(profile)
        .filter(occurred_at__lte=cutoff)
        .filter(~Exists(_later(now, OUTBOUND)))
        .select_related("recruiter", "role")
        .defer("summary", "recruiter__notes", "role__notes")
        .order_by("occurred_at")
    )


def unanswered_pitch_candidates(profile, now, *, since):
    """Pitches dated after `since` (later than `now` too) with nothing sent back up to `now`:
    those whose answer may still fall due (services.next_change_of_obligations)."""
    return _pitches(profile).filter(occurred_at__gt=since).filter(~Exists(_later(now, OUTBOUND)))


def _pitches(profile):
    return Interaction.objects.owned_by(profile.user).filter(
        direction=INBOUND, kind=Interaction.Kind.ROLE_PITCH
    )


@evaluated_in_utc
def pitches_answered(profile, now):
    """Pitches with something outbound to that recruiter after them, up to `now`: what
    answers a pitch follow-up (unanswered_pitches)."""
    return _pitches(profile).filter(Exists(_later(now, OUTBOUND)))


# Role and follow-up rules ------------------------------------------------------------------


@evaluated_in_utc
def double_submissions(profile, now):
    """Double submission (DESIGN.md; article 003: work with several recruiters, ethically).

    A role submitted (submitted_on set) to an employer, through a recruiter, in the last
    6 months (183 days up to today, in the user's time zone), when another recruiter
    submitted you to the same employer within 183 days of it, before or after.
    Annotates clash_count: how many such other submissions; and authorised_clash_count: how
    many of those you authorised (Role.submission_authorised), so that the warning can say
    which of the submissions you agreed to.
    """
    owners = owners_of(profile)
    window = timedelta(days=DOUBLE_SUBMISSION_DAYS)
    clashes = Role.objects.filter(
        owner=OuterRef("owner"),
        employer=OuterRef("employer"),
        submitted_on__gte=OuterRef("submitted_on") - window,
        submitted_on__lte=OuterRef("submitted_on") + window,
        recruiter__isnull=False,
    ).exclude(recruiter=OuterRef("recruiter"))

    def counted(roles):
        per_employer = roles.order_by().values("employer").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(per_employer, output_field=IntegerField()), 0)

    return (
        owners.rows(Role.objects)
        .filter(
            submitted_on__isnull=False,
            submitted_on__gte=owners.value(lambda p: _today(p, now) - window, DateField()),
            submitted_on__lte=owners.value(lambda p: _today(p, now), DateField()),
            employer__isnull=False,
            recruiter__isnull=False,
        )
        # EXISTS, not clash_count > 0: it stops at the first clash, and the counts are then
        # worked out only for the rows read (a dashboard's first ten).
        .filter(Exists(clashes))
        .annotate(
            clash_count=counted(clashes),
            authorised_clash_count=counted(clashes.filter(submission_authorised=True)),
        )
        .select_related("employer", "recruiter")
        .defer("notes", "employer__notes", "recruiter__notes")
        .order_by("employer__name", "submitted_on")
    )


@evaluated_in_utc
def unauthorised_submissions(profile, now):
    """Submitted without your authorisation (DESIGN.md: a Role records "whether I authorised
    the submission (right to represent)"; article 003: working with several recruiters is
    fine "as long as they're not obnoxious or unethical about it", and a recruiter submits
    you only where you agreed that they may).

    A role presented by a recruiter (recruiter set), submitted (submitted_on set) on or
    before today, in the user's time zone at `now`, whose submission you did not authorise
    (submission_authorised unticked), whatever its stage: a submission that was rejected or
    closed since was still made without your say-so. There is no threshold and no window:
    a submission counts from its day (local 00:00 of submitted_on) for as long as it stays
    unauthorised. A submission dated after today, in the user's zone, does not count yet.
    A direct application (no recruiter) never counts; the employer may be unknown.
    Oldest submission first. Annotates nothing.
    """
    owners = owners_of(profile)
    return (
        owners.rows(Role.objects)
        .filter(
            recruiter__isnull=False,
            submitted_on__isnull=False,
            submitted_on__lte=owners.value(lambda p: _today(p, now), DateField()),
            submission_authorised=False,
        )
        .select_related("employer", "recruiter")
        .defer("notes", "employer__notes", "recruiter__notes")
        .order_by("submitted_on", "pk")
    )


def submission_clashes(role):
    """Other recruiters' submissions to `role`'s employer within 6 months of it: the warning
    shown when a second submission is logged (article 003)."""
    if not (role.employer_id and role.recruiter_id and role.submitted_on):
        return Role.objects.none()
    window = timedelta(days=DOUBLE_SUBMISSION_DAYS)
    return (
        Role.objects.filter(
            owner=role.owner_id,
            employer=role.employer_id,
            submitted_on__range=(role.submitted_on - window, role.submitted_on + window),
            recruiter__isnull=False,
        )
        .exclude(pk=role.pk)
        .exclude(recruiter=role.recruiter_id)
        .select_related("recruiter")
    )


def effective_due():
    """A follow-up's due time: the end of its snooze while snoozed, else its due date."""
    return Case(
        When(state=FollowUp.State.SNOOZED, then=F("snoozed_until")),
        default=F("due_at"),
        output_field=DateTimeField(),
    )


def _pending(profile):
    return (
        owners_of(profile)
        .rows(FollowUp.objects)
        .filter(state__in=FollowUp.State.PENDING)
        .annotate(current_due_at=effective_due())
        .select_related("recruiter", "role")
        .defer("recruiter__notes", "role__notes")
    )


@evaluated_in_utc
def overdue_follow_ups(profile, now):
    """Overdue follow-up (DESIGN.md): an open follow-up past its due time (a snoozed one past
    the end of its snooze): effective due < now."""
    return _pending(profile).filter(current_due_at__lt=now).order_by("current_due_at")


def _today(profile, now):
    """The date at `now` in the user's time zone."""
    return now.astimezone(profile.zone).date()


def _end_of_local_day(profile, now):
    """The moment the day of `now` ends for each owner, in their own time zone."""

    def end(p):
        return datetime.combine(_today(p, now) + timedelta(days=1), time(0), tzinfo=p.zone)

    return owners_of(profile).value(end, DateTimeField())


@evaluated_in_utc
def due_today_follow_ups(profile, now):
    """Follow-ups due from `now` to the end of the user's local day."""
    return (
        _pending(profile)
        .filter(current_due_at__gte=now, current_due_at__lt=_end_of_local_day(profile, now))
        .order_by("current_due_at")
    )


@evaluated_in_utc
def due_by_end_of_today_follow_ups(profile, now):
    """Overdue follow-ups, then those due today (both rules above) in one list: every open
    follow-up whose effective due time is before the end of the user's local day, earliest
    first."""
    return (
        _pending(profile)
        .filter(current_due_at__lt=_end_of_local_day(profile, now))
        .order_by("current_due_at")
    )


# Confidential search -----------------------------------------------------------------------

# A role at one of these stages means its recruiter put you forward: they hold your CV.
AWARE_STAGES = (*Role.ACTIVE_STAGES, Role.Stage.ACCEPTED)
# Outbound interactions of these kinds tell a recruiter that you are looking: outreach is
# you marketing yourself; a status update is news of your search (article 002).
TELLING_KINDS = (Interaction.Kind.OUTREACH, Interaction.Kind.STATUS_UPDATE)
NEVER = datetime(9999, 12, 31, tzinfo=UTC)  # "no such moment", which Least passes over


def sqlite_local_midnight(day, zone):
    """LocalMidnight on SQLite: registered on each connection by recruiters.apps."""
    if day is None:
        return None
    start = datetime.combine(date.fromisoformat(str(day)), time(0), tzinfo=ZoneInfo(zone))
    return str(start.astimezone(UTC).replace(tzinfo=None))  # as Django stores a datetime


class LocalMidnight(Func):
    """The instant a date begins in a time zone, as `datetime.combine(day, time(0),
    tzinfo=zone)` says in Python: where local midnight happens twice (clocks going back at
    midnight, as in Havana), the first of the two; where the clocks skip it, the moment
    they jump to. PostgreSQL reads an ambiguous local time as the later one, so the day is
    first tried at the offset in force 24 hours before, kept if it does give local midnight.
    SQLite asks Python (sqlite_local_midnight)."""

    output_field = DateTimeField()

    def __init__(self, day, zone):
        super().__init__(day)
        self.zone = str(zone)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        day, zone = f"(({sql})::timestamp)", self.zone
        earlier = f"((({day} - interval '24 hours') AT TIME ZONE %s) + interval '24 hours')"
        earlier_params = [*params, zone]
        return (
            f"(CASE WHEN ({earlier} AT TIME ZONE %s) = {day} THEN {earlier} "
            f"ELSE ({day} AT TIME ZONE %s) END)",
            [*earlier_params, zone, *params, *earlier_params, *params, zone],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"callback_local_midnight({sql}, %s)", [*params, self.zone]


@evaluated_in_utc
def aware_of_search(profile, now):
    """Who knows you are looking (article 003: "There are LOTS of recruiters out there and
    unless you're searching confidentially, there's not really much downside to marketing
    yourself to lots of different recruiting firms"). In a confidential search each one is
    a way for your employer to hear of it.

    The user's recruiters who hold your CV or have been told that you are looking, up to
    `now` (moments exactly at `now` count, later ones not yet):
    - an interaction of kind "submission" with them, in either direction;
    - an outbound interaction of kind "outreach" (you marketed yourself to them) or
      "status update" (you told them how your search goes: they know there is one); inbound
      ones do not count, nor do other kinds (a check-in, a pitch they sent you);
    - a role they present with submitted_on set, whatever its stage now, from the user's
      local midnight (profile.zone) starting that day; or at submitted, interviewing,
      offer or accepted, from its stage_changed_at.
    A role counts by its date and stage as they are now: one moved on to rejected without a
    submission date no longer counts (the role board records the date when it moves a role
    to submitted). Annotates aware_since, the earliest such moment. Earliest first, then by
    name.
    """
    today = now.astimezone(profile.zone).date()
    told = _touches(now).filter(
        Q(kind=Interaction.Kind.SUBMISSION) | Q(direction=OUTBOUND, kind__in=TELLING_KINDS)
    )
    theirs = Role.objects.filter(recruiter=OuterRef("pk"))
    put_forward = theirs.filter(stage__in=AWARE_STAGES, stage_changed_at__lte=now)
    submitted = (
        theirs.filter(submitted_on__lte=today)
        .annotate(midnight=LocalMidnight("submitted_on", profile.time_zone))
        .order_by("submitted_on")
        .values("midnight")[:1]
    )
    moments = [
        _earliest(told),
        Subquery(put_forward.order_by("stage_changed_at").values("stage_changed_at")[:1]),
        Subquery(submitted, output_field=DateTimeField()),
    ]
    return (
        Recruiter.objects.owned_by(profile.user)
        .select_related("firm")
        .defer("notes", "firm__notes")
        .annotate(aware_since=Least(*(Coalesce(m, Value(NEVER)) for m in moments)))
        .filter(aware_since__lt=NEVER)
        .order_by("aware_since", Lower("name"))
    )


__all__ = [
    "aware_of_search",
    "awaiting_reply",
    "awaiting_reply_not_silent",
    "check_in_due",
    "dormant_recruiters",
    "double_submissions",
    "due_today_follow_ups",
    "feedback_owed",
    "gone_dormant",
    "one_sided",
    "overdue_follow_ups",
    "silent_recruiters",
    "unanswered_pitches",
    "unauthorised_submissions",
    "updates_owed",
    "with_health",
]
