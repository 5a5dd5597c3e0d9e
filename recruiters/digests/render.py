"""The digest e-mail: the dashboard's sections, as an HTML and a plain-text message.

The items are exactly the dashboard's: `recruiters.dashboard.build(profile, now)` (or
`build_many` for a batch of users, `compose_many`) makes the rule-made follow-ups current
and evaluates every rule of recruiters.rules; nothing here re-derives a rule, and each
item is explained in the dashboard's words (recruiters.why). Templates:
templates/emails/digest.html, digest.txt, digest_subject.txt.
Dates are shown in the user's time zone; links are absolute (settings.SITE_URL).

In a confidential search (Profile.confidential_search) nothing that shows before the
e-mail is opened names anyone: the subject, the preview text (the HTML's hidden preheader
and the text part's first line) and the From name are the neutral `NEUTRAL_SUMMARY` and
`NEUTRAL_FROM_NAME`; the names are in the body only.
"""

import re
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from recruiters import dashboard, paths, why
from recruiters.digests import conf, tokens
from recruiters.models import Profile

# (attribute of dashboard.Dashboard, heading, explanation, item kind), in the dashboard's
# order and with its words.
SECTIONS = [
    ("overdue", "Overdue", "Follow-ups past their due time.", "follow_up"),
    ("due_today", "Due today", "Follow-ups due before midnight, your time.", "follow_up"),
    (
        "you_owe",
        "You owe an update",
        "Answers to pitches, and updates to recruiters who still hold an active submission: "
        "communication is a two-way street.",
        "follow_up",
    ),
    (
        "feedback_owed",
        "Feedback owed to you",
        "Interviews with no feedback from the recruiter after the business days you allow.",
        "follow_up",
    ),
    (
        "silent",
        "Silent recruiters",
        "An open submission or question, and nothing back for longer than their threshold.",
        "silent",
    ),
    (
        "awaiting_reply",
        "Awaiting their reply",
        "You asked something; they have not answered yet.",
        "awaiting",
    ),
    (
        "one_sided",
        "One-sided relationships",
        "Over the rolling window, one side does the talking or the giving.",
        "one-sided",
    ),
    (
        "double_submissions",
        "Double submissions",
        "Two recruiters submitted you to the same employer within six months.",
        "role",
    ),
    (
        "unauthorised_submissions",
        "Submitted without your authorisation",
        "Recruiters who submitted you where you had not said they may. Each should put you "
        "forward only where you said yes.",
        "unauthorised",
    ),
    (
        "check_ins",
        "Worth a check-in",
        "Relationships you invest in that have gone quiet.",
        "check-in",
    ),
    ("dormant", "Gone dormant", "No contact either way for a long time.", "dormant"),
]
FOLLOW_UP_SECTIONS = ("overdue", "due_today", "you_owe", "feedback_owed")
# In a confidential search this section comes first, as on the dashboard: the loudest.
LOUDEST_WHEN_CONFIDENTIAL = "unauthorised_submissions"


def sections_in_order(profile):
    """SECTIONS in the order the digest of `profile` shows them."""
    if not profile.confidential_search:
        return SECTIONS
    return sorted(SECTIONS, key=lambda section: section[0] != LOUDEST_WHEN_CONFIDENTIAL)


# What a digest says before it is opened, in a confidential search: the subject, the
# preview text, the sender's name. Lock screens, shared inboxes and work devices show these.
NEUTRAL_SUMMARY = "Your Callback summary"
NEUTRAL_FROM_NAME = "Callback"
TEST_PREFIX = "[Test] "
# After the preheader: invisible characters that keep mail clients from filling the rest of
# the preview with the first words of the body (where the names are). In lines well under
# SMTP's 998 characters: one longer line would make Django send the whole HTML part
# quoted-printable (building the message took 3.7 times as long; bench/digests.py).
PREHEADER_FILL = mark_safe(("&#847;&zwnj;&nbsp;" * 15 + "\n") * 6)


class TemplateLookups:
    """Reads `{{ item.title }}` as a dict's key, at once. A template asks `item["title"]`
    first and falls back to the attribute after a TypeError: for the ~2,000 lookups of a
    digest's items and sections, that exception was 40% of rendering both parts."""

    def __getitem__(self, name):
        return getattr(self, name)


@dataclass
class Item(TemplateLookups):
    kind: str
    obj: object
    title: str
    url: str
    subtitle: str = ""
    done_url: str = ""
    snooze_url: str = ""
    why: str = ""


@dataclass
class Section(TemplateLookups):
    """One section of the digest: its first items, as many as the dashboard shows at first
    (dashboard.SECTION_LIMIT), and how many more there are."""

    name: str
    title: str
    explanation: str
    kind: str
    items: list
    total: int = 0

    @property
    def more(self):
        return self.total - len(self.items)


@dataclass
class Composed:
    """One digest, rendered: what the preview shows and what the e-mail carries."""

    subject: str
    text: str
    html: str
    board: dashboard.Dashboard
    unsubscribe_url: str
    sections: list = field(default_factory=list)
    preheader: str = ""  # the preview text that mail clients show beside the subject
    confidential: bool = False

    @property
    def needs_attention(self):
        return not self.board.is_empty


def _plural(count, singular, plural=None):
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def subject_parts(counts):
    """The subject's figures, e.g. ["3 follow-ups due", "2 recruiters silent"]."""
    follow_ups = sum(counts[name] for name in FOLLOW_UP_SECTIONS)
    parts = []
    if follow_ups:
        parts.append(_plural(follow_ups, "follow-up") + " due")
    if counts["silent"]:
        parts.append(_plural(counts["silent"], "recruiter") + " silent")
    if counts["awaiting_reply"]:
        parts.append(f"{counts['awaiting_reply']} awaiting a reply")
    if counts["one_sided"]:
        parts.append(_plural(counts["one_sided"], "one-sided relationship"))
    if counts["double_submissions"]:
        parts.append(_plural(counts["double_submissions"], "double submission"))
    if counts["unauthorised_submissions"]:
        parts.append(_plural(counts["unauthorised_submissions"], "submission") + " not authorised")
    if counts["check_ins"] + counts["dormant"]:
        parts.append(f"{counts['check_ins'] + counts['dormant']} to check in with")
    return parts


def _item(kind, obj, profile):
    if kind == "follow_up":
        return Item(
            kind,
            obj,
            obj.title,
            tokens.absolute(paths.path("follow_up_edit", obj.pk)),
            done_url=tokens.follow_up_url(obj, "done", profile),
            snooze_url=tokens.follow_up_url(obj, "snooze", profile),
        )
    if kind == "role":
        title = f"{obj.recruiter} submitted you to {obj.employer}"
        return Item(kind, obj, title, tokens.absolute(paths.path("role_edit", obj.pk)))
    if kind == "unauthorised":
        to = f" to {obj.employer}" if obj.employer_id else ""
        url = tokens.absolute(paths.path("home")) + f"#unauthorised-{obj.pk}"  # its one click
        return Item(kind, obj, f"{obj.recruiter} submitted you{to}", url)
    firm = str(obj.firm) if obj.firm_id else ""
    return Item(kind, obj, obj.name, tokens.absolute(obj.get_absolute_url()), subtitle=firm)


def schedule_words(profile):
    """How often the digest comes, in words: "daily at 08:00" or "every Monday at 08:00"."""
    hour = f"{profile.digest_hour:02d}:00"
    if profile.digest_frequency == Profile.DigestFrequency.DAILY:
        return f"daily at {hour}"
    if profile.digest_frequency == Profile.DigestFrequency.WEEKLY:
        return f"every {profile.get_digest_weekday_display()} at {hour}"
    return ""


def compose(profile, now=None, *, test=False, board=None):
    """Render the digest of `profile` at `now` from its dashboard: `board` if given (from
    `dashboard.build_many`, see compose_many), else built now."""
    now = now or timezone.now()
    board = board or dashboard.build(profile, now)
    sections = []
    for name, title, explanation, kind in sections_in_order(profile):
        objects = getattr(board, name)
        shown = [_item(kind, obj, profile) for obj in objects[: dashboard.SECTION_LIMIT]]
        sections.append(Section(name, title, explanation, kind, shown, total=objects.total))
    context = {
        "profile": profile,
        "user": profile.user,
        "board": board,
        "now": now,
        "sections": [section for section in sections if section.items],
        "parts": subject_parts(board.counts),
        "all_clear": board.is_empty,
        "test": test,
        "schedule": schedule_words(profile),
        "dashboard_url": tokens.absolute(reverse("home")),
        "settings_url": tokens.absolute(reverse("settings")),
        "unsubscribe_url": tokens.unsubscribe_url(profile.user),  # the footer's and the header's
        "snooze_days": conf.SNOOZE_DAYS,
        "confidential": profile.confidential_search,
        "neutral_summary": NEUTRAL_SUMMARY,
        "preheader_fill": PREHEADER_FILL,
    }
    with timezone.override(profile.zone):
        for section in context["sections"]:
            for item in section.items:
                item.why = why.sentence(item.kind, item.obj, now=now, profile=profile)
        # The headline is the subject (after "[Test] " for a test) and the preview text.
        headline = " ".join(render_to_string("emails/digest_subject.txt", context).split())
        subject = (TEST_PREFIX if test else "") + headline
        context["subject"] = subject
        context["preheader"] = headline
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip() + "\n"
    return Composed(
        subject[:200],
        text,
        html,
        board,
        context["unsubscribe_url"],
        sections,
        preheader=headline,
        confidential=profile.confidential_search,
    )


def compose_many(profiles, now):
    """{user id: Composed}: the digests of `profiles` at `now`, their dashboards read for
    all of them at once (dashboard.build_many: the same queries for a batch of any size)."""
    boards = dashboard.build_many(profiles, now)
    return {p.user_id: compose(p, now, board=boards[p.user_id]) for p in profiles}


def recipient(profile):
    """Where the digest of `profile` goes: its digest address, else the login's address."""
    user = profile.user
    return profile.digest_email or user.email or user.get_username()


def sender(profile):
    """The From of the digest: DEFAULT_FROM_EMAIL, under a neutral name in a confidential
    search (whatever name the setting gives)."""
    if not profile.confidential_search:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((NEUTRAL_FROM_NAME, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def _host(value):
    """The lower-case host of a website or e-mail domain, without "www." and a final dot."""
    value = value.strip().lower()
    if "//" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host.removeprefix("www.")


def employer_domain(profile):
    """The domain of the current employer's website ("acme.com"), or "" if none is known."""
    employer = profile.current_employer
    return _host(employer.website) if employer and employer.website else ""


def shares_employer_domain(address, domain):
    """True if e-mail `address` is at `domain` or at one of its subdomains."""
    if not domain or "@" not in address:
        return False
    host = _host(address.rpartition("@")[2])
    return host == domain or host.endswith("." + domain)


def domain_warning(profile, address=None):
    """A warning if the digest goes to an address at the current employer's domain, else ""."""
    address = recipient(profile) if address is None else address
    domain = employer_domain(profile)
    if not shares_employer_domain(address, domain):
        return ""
    return (
        f"Digests go to an address at {domain}, your current employer's domain: consider a "
        "personal address."
    )


def message_id(user_id, period):
    """A Message-ID fixed per user and period: if a digest is ever delivered twice (see
    docs/digests.md), both copies carry the same id and mail clients can tell."""
    host = urlsplit(settings.SITE_URL).hostname or "callback.local"
    return f"<digest.{user_id}.{period}@{host}>"


def email(profile, composed, *, period=None, connection=None):
    """The e-mail for `composed`: text and HTML parts, one-click unsubscribe (RFC 8058)."""
    headers = {
        "List-Unsubscribe": f"<{composed.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if period:
        headers["Message-ID"] = message_id(profile.user_id, period)
        headers["X-Callback-Digest"] = period
    message = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        from_email=sender(profile),
        to=[recipient(profile)],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(composed.html, "text/html")
    return message
