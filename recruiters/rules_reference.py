"""The two-way-street rules (docs/design.md) in plain Python, as a reference.

`recruiters/rules.py` computes the rules in the database; this module states the same rules
again, written from the docstrings of rules.py (the specification), not from its SQL: plain
loops over plain lists, slow and obvious. tests/rules/test_differential.py checks on random
histories that both always agree.

Each rule is a function of a `History` (one user's profile and rows) and `now`, and returns
a dict whose keys are the ids the rule selects (recruiter ids for the recruiter rules,
interaction ids for feedback_owed and unanswered_pitches, role ids for double_submissions
and unauthorised_submissions, follow-up ids for the follow-up rules), so that
`set(rule(history, now))` is what the rule selects, and whose values are the figures that
rules.py annotates on each row (an empty dict when there are none). with_health gives every
recruiter's figures; submission_clashes(history, role) gives a set of role ids.

Conventions, the same everywhere:
- Times are instants: every comparison and difference is made in UTC (`_utc`), so "N days"
  is N x 24 hours. Only the rules that speak of the user's local days (feedback_owed,
  double_submissions, unauthorised_submissions, due_today_follow_ups) convert to the user's
  time zone, with zoneinfo.
- Only interactions up to `now` count (occurred_at <= now); so do acceptances and a paused
  search (updates_owed). A role's stage is its current stage: a role is open while it is
  submitted, interviewing or at offer, whenever it got there.
- "for N days or more" is `<= now - N days`; "for longer than N days" is `> N days`; the
  rolling window of N days ending at `now` is (now - N days, now]: a touch exactly N days old
  has left it, as a contact exactly 90 days old makes a recruiter dormant.

Articles (docs/design.md): 000 recruiters are sales people and go quiet; 001 agency and
in-house recruiters behave differently; 002 communication is a two-way street; 003 double
submissions and working with several recruiters; 004 invest / maintain / dormant.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The stored values of the models' choices (recruiters/models.py).
AGENCY, IN_HOUSE, RETAINED, CONTRACT = "agency", "in_house", "retained", "contract"
INVEST, MAINTAIN, DORMANT = "invest", "maintain", "dormant"
PITCHED, SUBMITTED, INTERVIEWING, OFFER = "pitched", "submitted", "interviewing", "offer"
ACCEPTED, REJECTED, WITHDRAWN, CLOSED = "accepted", "rejected", "withdrawn", "closed"
OPEN_ROLE_STAGES = (SUBMITTED, INTERVIEWING, OFFER)  # a role at these stages is an open thread
PUT_FORWARD_STAGES = (*OPEN_ROLE_STAGES, ACCEPTED)  # its recruiter holds your CV
INBOUND, OUTBOUND = "inbound", "outbound"  # inbound: from the recruiter; outbound: from me
INTERVIEW, INTERVIEW_FEEDBACK = "interview", "interview_feedback"
ROLE_PITCH, STATUS_UPDATE = "role_pitch", "status_update"
OUTREACH, SUBMISSION = "outreach", "submission"
FEEDBACK_VALUE = "feedback"
FOLLOW_UP_OPEN, FOLLOW_UP_SNOOZED = "open", "snoozed"
FOLLOW_UP_DONE, FOLLOW_UP_DISMISSED, FOLLOW_UP_WITHDRAWN = "done", "dismissed", "withdrawn"

DOUBLE_SUBMISSION_DAYS = 183  # "within 6 months"


# Plain data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefProfile:
    """The user's settings that the rules read (defaults as in DESIGN.md)."""

    time_zone: str = "UTC"
    silence_days_agency: int = 7
    silence_days_in_house: int = 10
    silence_days_retained: int = 14
    silence_days_contract: int = 7
    dormant_after_days: int = 90
    one_sided_window_days: int = 90
    feedback_business_days: int = 3
    pitch_answer_days: int = 2
    check_in_days: int = 30
    search_paused_at: datetime | None = None


@dataclass(frozen=True)
class RefRecruiter:
    id: int
    kind: str = AGENCY
    tier: str = MAINTAIN
    silence_threshold_days: int | None = None


@dataclass(frozen=True)
class RefRole:
    id: int
    recruiter_id: int | None
    employer_id: int | None
    stage: str
    stage_changed_at: datetime
    submitted_on: date | None = None
    submission_authorised: bool = False  # right to represent: I agreed they may submit me


@dataclass(frozen=True)
class RefInteraction:
    id: int
    recruiter_id: int
    occurred_at: datetime
    direction: str
    kind: str
    value: str = ""
    expects_reply: bool = False


@dataclass(frozen=True)
class RefFollowUp:
    id: int
    state: str
    due_at: datetime
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class History:
    """One user's data: the profile and every row they own (any objects with the same
    attributes will do)."""

    profile: RefProfile
    recruiters: tuple = ()
    roles: tuple = ()
    interactions: tuple = ()
    follow_ups: tuple = ()


# Small helpers --------------------------------------------------------------------------------


def _utc(moment):
    return None if moment is None else moment.astimezone(UTC)


def _days(n):
    return timedelta(days=n)


def _touches(history, recruiter, now, direction=None):
    """The interactions with `recruiter` up to `now` (of one direction, if given)."""
    return [
        i
        for i in history.interactions
        if i.recruiter_id == recruiter.id
        and _utc(i.occurred_at) <= now
        and (direction is None or i.direction == direction)
    ]


def _times(interactions):
    return [_utc(i.occurred_at) for i in interactions]


def _open_roles(history, recruiter):
    return [
        r for r in history.roles if r.recruiter_id == recruiter.id and r.stage in OPEN_ROLE_STAGES
    ]


def _unanswered_questions(history, recruiter, now):
    """Outbound interactions that asked something (expects_reply), with no inbound one from
    that recruiter strictly after them (article 002)."""
    touches = _touches(history, recruiter, now)
    return [
        question
        for question in touches
        if question.direction == OUTBOUND
        and question.expects_reply
        and not any(
            reply.direction == INBOUND and _utc(reply.occurred_at) > _utc(question.occurred_at)
            for reply in touches
        )
    ]


def silence_threshold(profile, recruiter):
    """Days of silence allowed: the recruiter's own override, else the profile's default for
    its kind (article 001: agency 7, in-house 10, retained 14, contract 7 by default)."""
    if recruiter.silence_threshold_days is not None:
        return recruiter.silence_threshold_days
    return {
        AGENCY: profile.silence_days_agency,
        IN_HOUSE: profile.silence_days_in_house,
        RETAINED: profile.silence_days_retained,
        CONTRACT: profile.silence_days_contract,
    }[recruiter.kind]


def with_health(history, now):
    """Every recruiter with the figures the recruiter rules read (rules.with_health).

    last/first contact (inbound, outbound, either way), open_role_count (roles submitted,
    interviewing or at offer), awaiting_reply_since (the first unanswered question), the
    touches and valuable touches each way in the rolling window, the silence threshold.
    """
    now = _utc(now)
    profile = history.profile
    window_start = now - _days(profile.one_sided_window_days)
    health = {}
    for recruiter in history.recruiters:
        inbound = _touches(history, recruiter, now, INBOUND)
        outbound = _touches(history, recruiter, now, OUTBOUND)
        every = inbound + outbound
        questions = _unanswered_questions(history, recruiter, now)
        inbound_in_window = [i for i in inbound if _utc(i.occurred_at) > window_start]
        outbound_in_window = [i for i in outbound if _utc(i.occurred_at) > window_start]
        health[recruiter.id] = {
            "last_inbound_at": max(_times(inbound), default=None),
            "last_outbound_at": max(_times(outbound), default=None),
            "last_contact_at": max(_times(every), default=None),
            "first_contact_at": min(_times(every), default=None),
            "awaiting_reply_since": min(_times(questions), default=None),
            "open_role_count": len(_open_roles(history, recruiter)),
            "inbound_in_window": len(inbound_in_window),
            "outbound_in_window": len(outbound_in_window),
            "value_received_in_window": len([i for i in inbound_in_window if i.value]),
            "value_given_in_window": len([i for i in outbound_in_window if i.value]),
            "silence_threshold": silence_threshold(profile, recruiter),
        }
    return health


# Recruiter rules ------------------------------------------------------------------------------


def silent_recruiters(history, now):
    """Silent recruiter (DESIGN.md; articles 000 and 002).

    A recruiter with an open thread and nothing inbound from them for longer than the
    silence threshold: now - silent_since > threshold days, where the thread and the moment
    you have been waiting since (silent_since) are
    - a role with them submitted, interviewing or at offer: since their last inbound
      interaction, or the first contact if they never wrote (never contacted: not silent);
    - else an unanswered outbound question (awaiting_reply): since the first one.
    No open thread: not silent. Figures: silent_since, and chasers_since, the number of
    outbound touches strictly after silent_since (up to now).
    """
    now = _utc(now)
    silent = {}
    for recruiter in history.recruiters:
        inbound = _times(_touches(history, recruiter, now, INBOUND))
        every = _times(_touches(history, recruiter, now))
        questions = _times(_unanswered_questions(history, recruiter, now))
        if _open_roles(history, recruiter):
            if inbound:
                silent_since = max(inbound)
            elif every:
                silent_since = min(every)
            else:
                continue
        elif questions:
            silent_since = min(questions)
        else:
            continue
        if now - silent_since > _days(silence_threshold(history.profile, recruiter)):
            outbound = _times(_touches(history, recruiter, now, OUTBOUND))
            silent[recruiter.id] = {
                "silent_since": silent_since,
                "chasers_since": len([t for t in outbound if t > silent_since]),
            }
    return silent


def dormant_recruiters(history, now):
    """Dormant recruiter (DESIGN.md; article 004): no contact either way for
    `dormant_after_days` days or more (default 90). Never contacted: not dormant.
    Figures: last_contact_at."""
    now = _utc(now)
    dormant = {}
    for recruiter in history.recruiters:
        every = _times(_touches(history, recruiter, now))
        if every and max(every) <= now - _days(history.profile.dormant_after_days):
            dormant[recruiter.id] = {"last_contact_at": max(every)}
    return dormant


def check_in_due(history, now):
    """Check-in worth making (article 004: invest in the few relationships that matter): an
    "invest" recruiter with no contact either way for `check_in_days` days or more (default
    30). Never contacted: no check-in (as for dormant). Figures: last_contact_at."""
    now = _utc(now)
    due = {}
    for recruiter in history.recruiters:
        every = _times(_touches(history, recruiter, now))
        if (
            recruiter.tier == INVEST
            and every
            and max(every) <= now - _days(history.profile.check_in_days)
        ):
            due[recruiter.id] = {"last_contact_at": max(every)}
    return due


def gone_dormant(history, now):
    """Dormant, not tiered dormant, and no check-in due: the recruiters of
    dormant_recruiters less those tiered dormant and those of check_in_due (the dashboard
    lists a check-in once, as a check-in). Figures: last_contact_at."""
    tiers = {recruiter.id: recruiter.tier for recruiter in history.recruiters}
    check_ins = check_in_due(history, now)
    return {
        key: figures
        for key, figures in dormant_recruiters(history, now).items()
        if tiers[key] != DORMANT and key not in check_ins
    }


def awaiting_reply(history, now):
    """Awaiting reply (DESIGN.md; article 002): an outbound interaction that asked something,
    with no inbound interaction from that recruiter strictly after it.
    Figures: awaiting_reply_since, the first such question."""
    now = _utc(now)
    awaiting = {}
    for recruiter in history.recruiters:
        questions = _unanswered_questions(history, recruiter, now)
        if questions:
            awaiting[recruiter.id] = {"awaiting_reply_since": min(_times(questions))}
    return awaiting


def awaiting_reply_not_silent(history, now):
    """Awaiting reply and not silent: the recruiters of awaiting_reply less those of
    silent_recruiters (the dashboard lists a silent recruiter once, as silent).
    Figures: awaiting_reply_since."""
    silent = silent_recruiters(history, now)
    awaiting = awaiting_reply(history, now)
    return {key: figures for key, figures in awaiting.items() if key not in silent}


def one_sided(history, now):
    """One-sided relationship (DESIGN.md; articles 000 and 002) over the rolling window of
    `one_sided_window_days` (default 90) ending at `now`. Any of:

    - they ignore you: at least 3 outbound touches, and 3 x inbound <= outbound;
    - you ignore them: at least 3 inbound touches, and 3 x outbound <= inbound;
    - value one way: at least 2 interactions carrying value one way and none the other way.

    Figures: the three flags.
    """
    now = _utc(now)
    window_start = now - _days(history.profile.one_sided_window_days)
    flagged = {}
    for recruiter in history.recruiters:
        touches = [
            i for i in _touches(history, recruiter, now) if _utc(i.occurred_at) > window_start
        ]
        inbound = [i for i in touches if i.direction == INBOUND]
        outbound = [i for i in touches if i.direction == OUTBOUND]
        received = [i for i in inbound if i.value]
        given = [i for i in outbound if i.value]
        flags = {
            "they_ignore_you": len(outbound) >= 3 and 3 * len(inbound) <= len(outbound),
            "you_ignore_them": len(inbound) >= 3 and 3 * len(outbound) <= len(inbound),
            "value_one_way": (len(received) >= 2 and not given)
            or (len(given) >= 2 and not received),
        }
        if any(flags.values()):
            flagged[recruiter.id] = flags
    return flagged


def updates_owed(history, now):
    """You owe an update (DESIGN.md; article 002: tell recruiters about other interviews,
    offers and acceptances instead of going dark).

    A recruiter holding an open role (submitted, interviewing or offer) is owed one when,
    strictly after your last outbound "status update" to them (or ever, if none) and up to
    `now`, you accepted an offer (a role moved to "accepted") that they do not present, you
    paused your search, or you had an interview with another recruiter within the rolling
    window. Figures: last_update_at; accepted_elsewhere_at and interview_elsewhere_at, the
    earliest such event since that update (or None); paused_owed.
    """
    now = _utc(now)
    profile = history.profile
    window_start = now - _days(profile.one_sided_window_days)
    owed = {}
    for recruiter in history.recruiters:
        if not _open_roles(history, recruiter):
            continue
        updates = [
            i for i in _touches(history, recruiter, now, OUTBOUND) if i.kind == STATUS_UPDATE
        ]
        last_update = max(_times(updates), default=None)

        def untold(moment, last_update=last_update):
            return moment <= now and (last_update is None or moment > last_update)

        accepted = [
            _utc(role.stage_changed_at)
            for role in history.roles
            if role.stage == ACCEPTED
            and role.recruiter_id != recruiter.id
            and untold(_utc(role.stage_changed_at))
        ]
        interviews = [
            _utc(i.occurred_at)
            for i in history.interactions
            if i.kind == INTERVIEW
            and i.recruiter_id != recruiter.id
            and _utc(i.occurred_at) > window_start
            and untold(_utc(i.occurred_at))
        ]
        paused_at = _utc(profile.search_paused_at)
        paused_owed = paused_at is not None and untold(paused_at)
        if accepted or interviews or paused_owed:
            owed[recruiter.id] = {
                "last_update_at": last_update,
                "accepted_elsewhere_at": min(accepted, default=None),
                "interview_elsewhere_at": min(interviews, default=None),
                "paused_owed": paused_owed,
            }
    return owed


# Interaction rules ----------------------------------------------------------------------------


def nth_business_day_after(day, n):
    """The n-th Monday-to-Friday day after `day`, counted one day at a time."""
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if day.isoweekday() <= 5:
            counted += 1
    return day


def feedback_owed(history, now):
    """Feedback owed (DESIGN.md; article 002: recruiters must give feedback after every
    interview).

    An interaction of kind "interview" (up to now), with nothing after it (up to now) from
    that recruiter that is inbound and either of kind "interview feedback" or carrying the
    value "feedback", once `feedback_business_days` (default 3) business days have passed in
    full in the user's time zone: from the start of the local day after the n-th business
    day after the interview's local date (Monday's interview: Friday 00:00). No holidays.
    Figures: owed_from, that local midnight.
    """
    now = _utc(now)
    zone = ZoneInfo(history.profile.time_zone)
    owed = {}
    for interview in history.interactions:
        at = _utc(interview.occurred_at)
        if interview.kind != INTERVIEW or at > now:
            continue
        feedback_after = [
            i
            for i in history.interactions
            if i.recruiter_id == interview.recruiter_id
            and i.direction == INBOUND
            and (i.kind == INTERVIEW_FEEDBACK or i.value == FEEDBACK_VALUE)
            and at < _utc(i.occurred_at) <= now
        ]
        if feedback_after:
            continue
        local_date = at.astimezone(zone).date()
        last_day = nth_business_day_after(local_date, history.profile.feedback_business_days)
        owed_from = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
        if now >= _utc(owed_from):
            owed[interview.id] = {"owed_from": _utc(owed_from)}
    return owed


def unanswered_pitches(history, now):
    """You owe an answer (DESIGN.md; article 002): an inbound "role pitch" at least
    `pitch_answer_days` (default 2) days old, with nothing outbound to that recruiter after
    it (up to now)."""
    now = _utc(now)
    unanswered = {}
    for pitch in history.interactions:
        at = _utc(pitch.occurred_at)
        if not (pitch.direction == INBOUND and pitch.kind == ROLE_PITCH):
            continue
        if at > now - _days(history.profile.pitch_answer_days):
            continue
        answered = any(
            i.recruiter_id == pitch.recruiter_id
            and i.direction == OUTBOUND
            and at < _utc(i.occurred_at) <= now
            for i in history.interactions
        )
        if not answered:
            unanswered[pitch.id] = {}
    return unanswered


# Role and follow-up rules ---------------------------------------------------------------------


def submission_clashes(history, role):
    """Other recruiters' submissions to `role`'s employer within 6 months of it, the warning
    when a second submission is logged (article 003): the ids of the roles with the same
    employer, a recruiter other than `role`'s, and submitted_on within 183 days of `role`'s,
    before or after. None for a role without employer, recruiter or submitted_on."""
    if role.submitted_on is None or role.employer_id is None or role.recruiter_id is None:
        return set()
    window = timedelta(days=DOUBLE_SUBMISSION_DAYS)
    return {
        other.id
        for other in history.roles
        if other.employer_id == role.employer_id
        and other.recruiter_id is not None
        and other.recruiter_id != role.recruiter_id
        and other.submitted_on is not None
        and abs(other.submitted_on - role.submitted_on) <= window
    }


def double_submissions(history, now):
    """Double submission (DESIGN.md; article 003: work with several recruiters, ethically).

    A role with submitted_on, an employer and a recruiter, submitted within the last 183 days
    (today - 183 <= submitted_on <= today, today in the user's time zone), when a role of
    another recruiter was submitted to the same employer within 183 days of it, before or
    after (submission_clashes). Figures: clash_count, the number of such other roles, and
    authorised_clash_count, how many of those other roles' submissions you authorised.
    """
    today = _utc(now).astimezone(ZoneInfo(history.profile.time_zone)).date()
    window = timedelta(days=DOUBLE_SUBMISSION_DAYS)
    doubles = {}
    for role in history.roles:
        if role.submitted_on is None or not (today - window <= role.submitted_on <= today):
            continue
        clashes = submission_clashes(history, role)
        if clashes:
            authorised = [r for r in history.roles if r.id in clashes and r.submission_authorised]
            doubles[role.id] = {
                "clash_count": len(clashes),
                "authorised_clash_count": len(authorised),
            }
    return doubles


def unauthorised_submissions(history, now):
    """Submitted without your authorisation (DESIGN.md: "whether I authorised the submission
    (right to represent)"; article 003: several recruiters, "as long as they're not obnoxious
    or unethical about it").

    A role with a recruiter and a submitted_on no later than today (the user's local date at
    `now`), whose submission_authorised is False, at any stage and however long ago. A
    submission dated tomorrow or later, locally, does not count yet; a role without a
    recruiter (a direct application) never does. No figures.
    """
    today = _utc(now).astimezone(ZoneInfo(history.profile.time_zone)).date()
    return {
        role.id: {}
        for role in history.roles
        if role.recruiter_id is not None
        and role.submitted_on is not None
        and role.submitted_on <= today
        and not role.submission_authorised
    }


def _effective_due(follow_up):
    """A pending follow-up's due time: the end of its snooze while snoozed, else its due."""
    if follow_up.state == FOLLOW_UP_SNOOZED:
        return _utc(follow_up.snoozed_until)
    return _utc(follow_up.due_at)


def overdue_follow_ups(history, now):
    """Overdue follow-up (DESIGN.md): an open follow-up past its due time, a snoozed one past
    the end of its snooze (strictly before `now`). Done and dismissed ones never are.
    Figures: current_due_at."""
    now = _utc(now)
    return {
        f.id: {"current_due_at": _effective_due(f)}
        for f in history.follow_ups
        if f.state in (FOLLOW_UP_OPEN, FOLLOW_UP_SNOOZED) and _effective_due(f) < now
    }


def due_today_follow_ups(history, now):
    """Follow-ups (open, or snoozed by their snooze's end) due from `now` included to the end
    of the user's local day. Figures: current_due_at."""
    now = _utc(now)
    zone = ZoneInfo(history.profile.time_zone)
    today = now.astimezone(zone).date()
    return {
        f.id: {"current_due_at": _effective_due(f)}
        for f in history.follow_ups
        if f.state in (FOLLOW_UP_OPEN, FOLLOW_UP_SNOOZED)
        and _effective_due(f) >= now
        and _effective_due(f).astimezone(zone).date() == today
    }


# Confidential search --------------------------------------------------------------------------


def aware_of_search(history, now):
    """Who knows you are looking (article 003: "unless you're searching confidentially,
    there's not really much downside to marketing yourself to lots of different recruiting
    firms").

    A recruiter who, up to `now` (at `now` included), has
    - an interaction of kind "submission" with you, either direction;
    - an outbound interaction of kind "outreach" or "status update" from you;
    - a role they present whose submitted_on is set (from the local midnight, in the user's
      zone, that starts that day), whatever its stage; or whose stage is submitted,
      interviewing, offer or accepted (from its stage_changed_at).
    Figures: aware_since, the earliest of those moments.
    """
    now = _utc(now)
    zone = ZoneInfo(history.profile.time_zone)
    aware = {}
    for recruiter in history.recruiters:
        moments = [
            _utc(i.occurred_at)
            for i in _touches(history, recruiter, now)
            if i.kind == SUBMISSION
            or (i.direction == OUTBOUND and i.kind in (OUTREACH, STATUS_UPDATE))
        ]
        for role in history.roles:
            if role.recruiter_id != recruiter.id:
                continue
            if role.submitted_on is not None:
                moments.append(_utc(datetime.combine(role.submitted_on, time(0), tzinfo=zone)))
            if role.stage in PUT_FORWARD_STAGES:
                moments.append(_utc(role.stage_changed_at))
        moments = [moment for moment in moments if moment <= now]
        if moments:
            aware[recruiter.id] = {"aware_since": min(moments)}
    return aware


RULES = (
    "silent_recruiters",
    "dormant_recruiters",
    "check_in_due",
    "gone_dormant",
    "awaiting_reply",
    "awaiting_reply_not_silent",
    "one_sided",
    "updates_owed",
    "feedback_owed",
    "unanswered_pitches",
    "double_submissions",
    "unauthorised_submissions",
    "overdue_follow_ups",
    "due_today_follow_ups",
    "aware_of_search",
)
