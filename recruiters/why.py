"""Why a row is in a section of the dashboard or the digest: one sentence, the same words in
both (the dashboard's one-sided rows show badges instead of the last sentence).

Plain functions rather than a template: a page or a digest explains up to a hundred rows,
and a sweep sends thousands of digests. Dates and times are in the current time zone: the
user's (the dashboard's middleware and render.compose set it).
"""

from django.template.defaultfilters import pluralize
from django.utils.timesince import timesince

from recruiters.dates import local as _when


def authorised_words(role):
    """Which of the clashing submissions of `role` (a row of rules.double_submissions) you
    authorised (right to represent), in one sentence: the dashboard's and the digest's."""
    mine, others = role.submission_authorised, role.authorised_clash_count
    if role.clash_count == 1:
        if mine and others:
            return "You authorised both."
        if mine:
            return "You authorised this one, not the other."
        if others:
            return "You did not authorise this one; you authorised the other."
        return "You authorised neither."
    this_one = "authorised" if mine else "did not authorise"
    return (
        f"You {this_one} this one; of the {role.clash_count} others you authorised "
        f"{others or 'none'}."
    )


def _follow_up(o, now, profile):
    notes = f"{o.notes} " if o.notes else ""
    if o.current_due_at < now:
        due = (
            f"Due {_when(o.current_due_at, 'D j M, H:i')}, {timesince(o.current_due_at, now)} ago."
        )
    else:
        due = f"Due {_when(o.current_due_at, 'H:i')} today."
    return notes + due


def _silent(o, now, profile):
    since = _when(o.silent_since, "j M")
    if o.chasers_since:
        told = (
            f"{o.chasers_since} message{pluralize(o.chasers_since)} to {o.name} since {since}, "
            "none back"
        )
    else:
        told = f"Nothing from {o.name} since {since}"
    threshold = f"threshold {o.silence_threshold} day{pluralize(o.silence_threshold)}."
    if o.open_role_count:
        thread = f"{o.open_role_count} open role{pluralize(o.open_role_count)} with them."
    else:
        thread = f"Your question of {_when(o.awaiting_reply_since, 'j M')} is unanswered."
    return f"{told} ({timesince(o.silent_since, now)}); {threshold} {thread}"


def _awaiting(o, now, profile):
    asked = o.awaiting_reply_since
    return f"You asked on {_when(asked, 'j M')} ({timesince(asked, now)} ago); no reply yet."


def _one_sided(o, now, profile):
    verdicts = [
        words
        for flag, words in (
            (o.they_ignore_you, "They ignore you."),
            (o.you_ignore_them, "You ignore them."),
            (o.value_one_way, "Value flows one way."),
        )
        if flag
    ]
    return " ".join(
        [
            f"Last {profile.one_sided_window_days} days: {o.outbound_in_window} from you, "
            f"{o.inbound_in_window} from them; value {o.value_given_in_window} given, "
            f"{o.value_received_in_window} received.",
            *verdicts,
        ]
    )


def _double_submission(o, now, profile):
    return (
        f"For {o.title} on {_when(o.submitted_on, 'j M Y')}; {o.clash_count} other "
        f"recruiter{pluralize(o.clash_count)} submitted you there within six months of it. "
        f"{authorised_words(o)} Make sure only one recruiter represents you."
    )


def _unauthorised(o, now, profile):
    return (
        f"For {o.title} ({o.get_stage_display().lower()}) on {_when(o.submitted_on, 'j M Y')}. "
        "You did not authorise this submission: a recruiter should put you forward only "
        "where you said yes. If you did agree, mark it authorised on your dashboard."
    )


def _check_in(o, now, profile):
    last = o.last_contact_at
    return (
        f"An “invest” relationship with no contact since {_when(last, 'j M')} "
        f"({timesince(last, now)}); you check in every {profile.check_in_days} days."
    )


def _dormant(o, now, profile):
    last = o.last_contact_at
    return (
        f"No contact either way since {_when(last, 'j M Y')} ({timesince(last, now)}): "
        f"{profile.dormant_after_days} days make a relationship dormant. Check in, or tier "
        "it dormant."
    )


SENTENCES = {
    "follow_up": _follow_up,
    "silent": _silent,
    "awaiting": _awaiting,
    "one-sided": _one_sided,
    "role": _double_submission,
    "unauthorised": _unauthorised,
    "check-in": _check_in,
    "dormant": _dormant,
}


def sentence(kind, row, *, now, profile):
    """Why `row` is in the section of `kind` (a render.Item's kind) for `profile` at `now`."""
    return " ".join(SENTENCES[kind](row, now, profile).split())
