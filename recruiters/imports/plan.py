"""From parsed records to a plan: what will happen to each row, shown before anything is written.

A plan is plain JSON (stored in ImportJob.plan):

    {"type": "contacts" | "messages" | "interviews", "rows": [row, ...], "counts": {...}}

Each row keeps the record it came from (so that apply.py can match it again at apply time),
its line in the file, and the action: "create", "merge" (into an existing recruiter) or
"skip" with a reason. `tickable` rows get a checkbox in the preview, `ticked` by default for
create and merge; a ticked skipped row (a non-recruiter, a row with only a name, an invalid
e-mail address) is imported after all.

Matching an imported person to a recruiter: by LinkedIn URL, then e-mail address (case does
not matter), then name and firm (both case-insensitive). Firms are matched by name, case-
insensitively, or created. A participant of a LinkedIn conversation is matched by profile URL,
else by a name only one recruiter has, but never by name to a recruiter whose LinkedIn URL
is not the participant's: that is someone else of the same name.
"""

import hashlib
from collections import Counter, defaultdict
from datetime import datetime

from recruiters.bounds import unstorable
from recruiters.imports.files import BadFile
from recruiters.imports.records import (
    NAME_MAX,
    Contact,
    clean_email,
    clean_phone,
    clean_url,
    is_linkedin,
    name_key,
    normalise_linkedin_url,
    squash,
    truncate,
)
from recruiters.models import Firm, Interaction, Recruiter, Role

# A position containing any of these (case-insensitive) is a recruiter's. Tune freely: the
# preview lets the user tick anyone this misses and untick anyone it wrongly catches.
RECRUITER_WORDS = [
    "recruit",  # recruiter, recruiting, recruitment
    "talent acquisition",
    "talent partner",
    "talent advisor",
    "talent scout",
    "head of talent",
    "sourcer",  # also "resourcer"
    "sourcing",
    "headhunt",
    "head hunter",
    "staffing",
    "executive search",
    "search consultant",
]
# Words in a company's name that make its recruiters agency recruiters.
AGENCY_WORDS = ["recruit", "staffing", "talent", "search", "resourcing", "headhunt", "personnel"]

SUMMARY_MAX = 2000
SKIP_REASONS = {
    "no_name": "no name",
    "duplicate": "duplicate",
    "not_recruiter": "not a recruiter",
    "invalid_email": "invalid e-mail",
    "only_name": "only a name",
    "unchanged": "already in Callback",
    "imported": "already imported",
    "no_recruiter": "no such recruiter",
    "cancelled": "cancelled",
    "unreadable": "cannot be read",
}
LEFT_OUT_LISTED = 1000  # messages left out that a preview lists one by one; the rest counted


def looks_like_recruiter(position):
    position = position.casefold()
    return any(word in position for word in RECRUITER_WORDS)


def recruiter_kind(company, position):
    """A guess at the recruiter's kind from the words of the position and the company."""
    position, company = position.casefold(), company.casefold()
    both = f"{position} {company}"
    if "retained" in both or "executive search" in both:
        return Recruiter.Kind.RETAINED
    if "contract" in both or "staffing" in both:
        return Recruiter.Kind.CONTRACT
    if any(word in position for word in ("talent acquisition", "in-house", "internal", "campus")):
        return Recruiter.Kind.IN_HOUSE
    if any(word in company for word in AGENCY_WORDS) or any(
        word in position for word in ("consultant", "headhunt", "agency")
    ):
        return Recruiter.Kind.AGENCY
    return Recruiter.Kind.IN_HOUSE if company else Recruiter.Kind.AGENCY


FIRM_KIND = {
    Recruiter.Kind.AGENCY: Firm.Kind.AGENCY,
    Recruiter.Kind.IN_HOUSE: Firm.Kind.EMPLOYER,
    Recruiter.Kind.RETAINED: Firm.Kind.RETAINED,
    Recruiter.Kind.CONTRACT: Firm.Kind.STAFFING,
}


def url_key(url):
    return normalise_linkedin_url(url).lower() if is_linkedin(url) else url.lower().rstrip("/")


def firm_key(name):
    return name_key(name)


class Index:
    """The owner's recruiters and firms, by every key an imported row can match on.

    Rows created or merged during an import are added as they go (`add`), so later rows of
    the same file match them.
    """

    def __init__(self, owner):
        self.owner = owner
        self.by_url, self.by_email, self.by_name_firm = {}, {}, {}
        self.by_name = defaultdict(list)
        self.firms = {firm_key(firm.name): firm for firm in Firm.objects.owned_by(owner)}
        for recruiter in Recruiter.objects.owned_by(owner).select_related("firm"):
            self.add(recruiter)

    def add(self, recruiter):
        if recruiter.linkedin_url:
            self.by_url.setdefault(url_key(recruiter.linkedin_url), recruiter)
        if recruiter.email:
            self.by_email.setdefault(recruiter.email.casefold(), recruiter)
        firm = firm_key(recruiter.firm.name) if recruiter.firm else ""
        self.by_name_firm.setdefault((name_key(recruiter.name), firm), recruiter)
        if recruiter not in self.by_name[name_key(recruiter.name)]:
            self.by_name[name_key(recruiter.name)].append(recruiter)

    def match(self, *, linkedin_url="", email="", name="", company=""):
        """(recruiter, how) for the first key that matches, else (None, "")."""
        if linkedin_url and (found := self.by_url.get(url_key(linkedin_url))):
            return found, "LinkedIn URL"
        if email and (found := self.by_email.get(email.casefold())):
            return found, "e-mail"
        if name and (found := self.by_name_firm.get((name_key(name), firm_key(company)))):
            return found, "name and firm" if company else "name"
        return None, ""

    def person(self, person):
        """The recruiter who is this conversation participant, or None (see `identify`)."""
        return self.identify(person)[0]

    def identify(self, person):
        """(recruiter, by, namesake) for a conversation participant: the recruiter with the
        participant's profile URL (by "url"), else the only recruiter with their name (by
        "name"); but a recruiter whose LinkedIn URL differs from the participant's is
        someone else of the same name: (None, "", that recruiter)."""
        if person.url and (found := self.by_url.get(url_key(person.url))):
            return found, "url", None
        found = self.person_named(person.name) if person.name else None
        if found is None:
            return None, "", None
        if person.url and found.linkedin_url and url_key(found.linkedin_url) != url_key(person.url):
            return None, "", found
        return found, "name", None

    def person_named(self, name):
        namesakes = self.by_name.get(name_key(name), [])
        return namesakes[0] if len(namesakes) == 1 else None

    def email_owner(self, email):
        return self.by_email.get(email.casefold()) if email else None

    def url_owner(self, url):
        return self.by_url.get(url_key(url)) if url else None

    def firm(self, company):
        return self.firms.get(firm_key(company)) if company else None


def fill_in(recruiter, fields, index):
    """{field: value} that a merge would fill into `recruiter`: only its blank fields, and
    never an e-mail address or LinkedIn URL that another recruiter already has."""
    changes = {}
    email, url = fields.get("email", ""), fields.get("linkedin_url", "")
    if email and not recruiter.email and index.email_owner(email) in (None, recruiter):
        changes["email"] = email
    if url and not recruiter.linkedin_url and index.url_owner(url) in (None, recruiter):
        changes["linkedin_url"] = url
    if fields.get("phone") and not recruiter.phone:
        changes["phone"] = fields["phone"]
    if fields.get("company") and recruiter.firm is None:
        changes["firm"] = fields["company"]
    return changes


CHANGE_LABELS = {
    "email": "e-mail",
    "linkedin_url": "LinkedIn URL",
    "phone": "phone",
    "firm": "firm",
}


# Contacts ---------------------------------------------------------------------------------


def contact_fields(contact):
    """The record's fields as they would be stored, and warnings about what was left out."""
    warnings = list(contact.warnings)
    email, email_ok = clean_email(contact.email)
    url = clean_url(contact.linkedin_url)
    if contact.linkedin_url.strip() and not url:
        warnings.append(f"LinkedIn URL “{squash(contact.linkedin_url)}” is not valid: left out")
    phone = clean_phone(contact.phone)
    if contact.phone.strip() and not phone:
        warnings.append("phone number too long: left out")
    fields = {
        "line": contact.line,
        "name": truncate(squash(contact.name), NAME_MAX),
        "company": truncate(squash(contact.company), NAME_MAX),
        "position": squash(contact.position),
        "email": email if email_ok else "",
        "bad_email": "" if email_ok else email,
        "phone": phone,
        "linkedin_url": url,
        "connected_on": contact.connected_on,
        "notes": contact.notes.strip(),
        "kind": recruiter_kind(contact.company, contact.position),
    }
    return fields, warnings


def identity_keys(fields):
    keys = []
    if fields["linkedin_url"]:
        keys.append(("url", url_key(fields["linkedin_url"])))
    if fields["email"]:
        keys.append(("email", fields["email"].casefold()))
    keys.append(("name", name_key(fields["name"]), firm_key(fields["company"])))
    return keys


def plan_contacts(owner, contacts, *, recruiters_only=False, source=""):
    """The plan for a contacts file. `recruiters_only` (LinkedIn connections): a row whose
    position has none of RECRUITER_WORDS is skipped unless it is already a recruiter.
    Elsewhere a row is skipped as "not a recruiter" only if it has a position that is not
    a recruiter's."""
    index = Index(owner)
    seen = {}
    rows = []
    for contact in contacts:
        if problem := contact.problem or unstorable_field(contact):
            contact = Contact(line=contact.line, name=contact.name if contact.problem else "")
        fields, warnings = contact_fields(contact)
        row = {**fields, "source": source, "warnings": warnings, "match": None, "changes": []}
        rows.append(row)
        if problem:
            skip(row, "unreadable", f"cannot be read ({problem})", tickable=False)
            continue
        if not fields["name"]:
            skip(row, "no_name", "no name", tickable=False)
            continue
        keys = identity_keys(fields)
        first = next((seen[key] for key in keys if key in seen), None)
        for key in keys:
            seen.setdefault(key, fields["line"])
        if first is not None:
            skip(row, "duplicate", f"same person as line {first}", tickable=False)
            continue
        recruiter, how = index.match(**match_keys(fields))
        if recruiter is not None:
            changes = fill_in(recruiter, fields, index)
            row["match"] = {"id": recruiter.pk, "name": recruiter.name, "by": how}
            row["changes"] = [CHANGE_LABELS[name] for name in changes]
            if not changes:
                skip(row, "unchanged", f"already in Callback as {recruiter.name}", tickable=False)
            elif fields["bad_email"]:
                skip(row, "invalid_email", f"invalid e-mail “{fields['bad_email']}”")
            else:
                row.update(action="merge", reason="", code="", tickable=True, ticked=True)
            continue
        if not is_recruiter(fields, recruiters_only):
            position = fields["position"]
            skip(row, "not_recruiter", f"not a recruiter ({position or 'no position'})")
        elif fields["bad_email"]:
            skip(row, "invalid_email", f"invalid e-mail “{fields['bad_email']}”")
        elif not any(fields[name] for name in ("company", "position", "email", "phone")) and (
            not fields["linkedin_url"]
        ):
            skip(row, "only_name", "only a name: nothing to tell who this is")
        else:
            row.update(action="create", reason="", code="", tickable=True, ticked=True)
    return {"type": "contacts", "rows": rows, "counts": contact_counts(rows, index)}


def unstorable_field(contact):
    """What of `contact` no database column could hold (a parser's miss), else ""."""
    texts = [getattr(contact, name) for name in CONTACT_TEXTS]
    if not unstorable("".join(texts)):
        return ""
    for name, value in zip(CONTACT_TEXTS, texts, strict=True):
        if problem := unstorable(value):
            return f"the {name.replace('_', ' ')} has {problem}"
    return ""


CONTACT_TEXTS = ("name", "company", "position", "email", "phone", "linkedin_url", "notes")


def match_keys(fields):
    return {
        "linkedin_url": fields["linkedin_url"],
        "email": fields["email"],
        "name": fields["name"],
        "company": fields["company"],
    }


def is_recruiter(fields, recruiters_only):
    if recruiters_only:
        return looks_like_recruiter(fields["position"])
    return not fields["position"] or looks_like_recruiter(fields["position"])


def skip(row, code, reason, *, tickable=True):
    row.update(action="skip", code=code, reason=reason, tickable=tickable, ticked=False)


def contact_counts(rows, index):
    counts = Counter(row["action"] for row in rows)
    skipped = Counter(row["code"] for row in rows if row["action"] == "skip")
    new_firms = {
        firm_key(row["company"])
        for row in rows
        if row["ticked"]
        and row["company"]
        and not index.firm(row["company"])
        and not (row["match"] and "firm" not in row["changes"])
    }
    return {
        "rows": len(rows),
        "create": counts["create"],
        "merge": counts["merge"],
        "skip": counts["skip"],
        "firms": len(new_firms),
        "skipped": {SKIP_REASONS[code]: n for code, n in sorted(skipped.items())},
    }


# Messages ---------------------------------------------------------------------------------


def summary_hash(summary):
    return hashlib.sha1(summary.encode(), usedforsecurity=False).hexdigest()


def dedupe_key(recruiter_id, occurred_at, direction, summary):
    """What makes an imported interaction the same as one already there."""
    return (recruiter_id, occurred_at.isoformat(), direction, summary_hash(summary))


def existing_keys(owner, recruiter_ids, **filters):
    interactions = Interaction.objects.owned_by(owner).filter(
        recruiter_id__in=recruiter_ids, **filters
    )
    return {
        dedupe_key(recruiter_id, occurred_at, direction, summary)
        for recruiter_id, occurred_at, direction, summary in interactions.values_list(
            "recruiter_id", "occurred_at", "direction", "summary"
        )
    }


def who_am_i(me, conversations, index):
    """The identity key of the user in the conversations: given (URL or name), else the one
    participant of every conversation who is not a recruiter, else the other side of the
    two-person conversations with recruiters."""
    if me:
        me = squash(me)
        key = normalise_linkedin_url(me) if is_linkedin(me) or "://" in me else None
        key = key.lower() if key else "name:" + name_key(me)
        if not any(
            key in {person_key(person) for person in people} for people in conversations.values()
        ):
            raise BadFile(
                f"“{me}” is not in any conversation of this file: enter your LinkedIn profile "
                "URL as the file has it (or your name, for older exports without URLs)."
            )
        return key
    participants = [
        {person_key(person): person for person in people} for people in conversations.values()
    ]
    common = set.intersection(*(set(people) for people in participants))
    candidates = {key for key in common if index.person(participants[0][key]) is None}
    if len(candidates) == 1:
        return candidates.pop()
    others = Counter()
    for people in participants:
        recruiters = [key for key, person in people.items() if index.person(person)]
        if len(people) == 2 and len(recruiters) == 1:
            (other,) = set(people) - set(recruiters)
            if not candidates or other in candidates:
                others[other] += 1
    ranked = others.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    raise BadFile(
        "Could not tell which participant of these conversations is you: enter your "
        "LinkedIn profile URL (or your name as LinkedIn shows it) and upload again."
    )


def person_key(person):
    return person.url.lower() if person.url else "name:" + name_key(person.name)


def plan_messages(owner, messages, *, me=""):
    """The plan for a messages.csv: one row per message with a recruiter you have.

    Sponsored messages and adverts are left out first (they say who sent them only to sell
    something), then every message with nobody who is one of your recruiters; the plan's
    `left_out` lists them, each with its reason."""
    index = Index(owner)
    left_out = [
        left_out_row(message, "", "sponsored", f"sponsored message: {message.sponsored}")
        for message in messages
        if message.sponsored
    ]
    messages = [message for message in messages if not message.sponsored]
    conversations = defaultdict(list)
    for message in messages:
        conversations[message.conversation].append(message.sender)
        conversations[message.conversation].extend(message.recipients)
    if not conversations:
        if left_out:
            raise BadFile(
                f"The {len(left_out)} messages in this file are all sponsored messages or "
                "adverts: there is nothing to import."
            )
        raise BadFile("The file has no messages in it.")
    my_key = who_am_i(me, conversations, index)

    rows, ignored = [], 0
    for message in sorted(messages, key=lambda message: (message.sent_at, message.line)):
        if person_key(message.sender) == my_key:
            direction = Interaction.Direction.OUTBOUND
            people = message.recipients
        else:
            direction = Interaction.Direction.INBOUND
            people = [message.sender]
        matches = [(person, *index.identify(person)) for person in people]
        recruiters = {}
        for person, recruiter, by, _ in matches:
            if recruiter is not None and recruiter.pk not in recruiters:
                recruiters[recruiter.pk] = (recruiter, by == "name" and bool(person.url))
        if not recruiters:
            ignored += 1
            left_out.append(left_out_row(message, direction, *not_recruiters_reason(matches)))
        summary = truncate(message.content, SUMMARY_MAX) or "(no text)"
        for recruiter, by_name_only in recruiters.values():
            rows.append(
                {
                    "line": message.line,
                    "conversation": message.conversation,
                    "recruiter_id": recruiter.pk,
                    "recruiter_name": recruiter.name,
                    "occurred_at": message.sent_at.isoformat(),
                    "direction": direction,
                    "summary": summary,
                    "expects_reply": direction == Interaction.Direction.OUTBOUND and "?" in summary,
                    "warnings": [
                        f"matched by name only: {recruiter.name} has no LinkedIn URL in Callback"
                    ]
                    if by_name_only
                    else [],
                }
            )
    if not rows:
        raise BadFile(
            f"None of the {len(conversations)} conversations in this file is with a recruiter "
            "you have in Callback. Import your LinkedIn connections first, then your messages."
        )
    mark_kinds(rows)
    mark_duplicates(owner, rows, channel=Interaction.Channel.LINKEDIN)
    counts = Counter(row["action"] for row in rows)
    return {
        "type": "messages",
        "rows": rows,
        "counts": {
            "rows": len(rows),
            "create": counts["create"],
            "skip": counts["skip"],
            "ignored": ignored,
            "conversations": len({row["conversation"] for row in rows}),
            "recruiters": len({row["recruiter_id"] for row in rows}),
        },
        "left_out": left_out_summary(left_out),
    }


LEFT_OUT_REASONS = {
    "sponsored": "sponsored messages and adverts",
    "not_recruiter": "with people who are not your recruiters",
    "namesake": "with namesakes of your recruiters (another LinkedIn profile)",
}


def not_recruiters_reason(matches):
    """(code, reason) for a message with none of your recruiters in it."""
    for person, _, _, namesake in matches:
        if namesake is not None:
            return "namesake", (
                f"not your recruiter {namesake.name}: {person.name} is another LinkedIn "
                f"profile ({person.url.removeprefix('https://www.')})"
            )
    names = ", ".join(person.name or person.url for person, *_ in matches) or "nobody"
    return "not_recruiter", f"{names}: not one of your recruiters"


def left_out_row(message, direction, code, reason):
    if direction == Interaction.Direction.OUTBOUND:
        who = "to " + (", ".join(p.name or p.url for p in message.recipients) or "nobody")
    else:
        who = message.sender.name or message.sender.url or "(no sender)"
    return {
        "line": message.line,
        "occurred_at": message.sent_at.isoformat(),
        "who": truncate(who, 120),
        "summary": truncate(message.content, 120),
        "code": code,
        "reason": reason,
    }


def left_out_summary(left_out):
    """The messages left out, in the file's order: counted by reason, the first
    LEFT_OUT_LISTED of them listed."""
    left_out.sort(key=lambda row: row["line"])
    counts = Counter(row["code"] for row in left_out)
    return {
        "total": len(left_out),
        "reasons": {LEFT_OUT_REASONS[code]: n for code, n in sorted(counts.items())},
        "rows": left_out[:LEFT_OUT_LISTED],
    }


def mark_kinds(rows):
    """The first message of a conversation with a recruiter is outreach, later ones check-ins."""
    started = set()
    for row in rows:
        thread = (row["conversation"], row["recruiter_id"])
        row["kind"] = Interaction.Kind.CHECK_IN if thread in started else Interaction.Kind.OUTREACH
        started.add(thread)


def mark_duplicates(owner, rows, **filters):
    """Skip rows already in the database, or twice in the file; tick the others."""
    existing = existing_keys(owner, {row["recruiter_id"] for row in rows}, **filters)
    seen = {}
    for row in rows:
        occurred_at = datetime.fromisoformat(row["occurred_at"])
        key = dedupe_key(row["recruiter_id"], occurred_at, row["direction"], row["summary"])
        if key in existing:
            skip(row, "imported", "already imported", tickable=False)
        elif key in seen:
            skip(row, "duplicate", f"same message as line {seen[key]}", tickable=False)
        else:
            row.update(action="create", code="", reason="", tickable=True, ticked=True)
        seen.setdefault(key, row["line"])


# Interviews -------------------------------------------------------------------------------


def plan_interviews(owner, interviews):
    """The plan for an .ics file: each interview event on the recruiter who sent it (by the
    organizer's or an attendee's e-mail address, else name) and the role its title names."""
    index = Index(owner)
    mine = {address.casefold() for address in (owner.email, owner.username) if address}
    roles = list(Role.objects.owned_by(owner).select_related("employer", "recruiter"))
    rows = []
    for event in interviews:
        people = [
            (email, name)
            for email, name in [event.organizer, *event.attendees]
            if email.casefold() not in mine
        ]
        recruiter = next(
            (found for email, _ in people if (found := index.email_owner(email))), None
        ) or next(
            (found for _, name in people if name and (found := index.person_named(name))), None
        )
        role = match_role(event.title, roles, recruiter)
        rows.append(
            {
                "line": event.line,
                "title": event.title,
                "occurred_at": event.starts_at.isoformat(),
                "direction": Interaction.Direction.INBOUND,
                "recruiter_id": recruiter.pk if recruiter else None,
                "recruiter_name": recruiter.name if recruiter else "",
                "role_id": role.pk if role else None,
                "role_title": str(role) if role else "",
                "channel": guess_channel(event),
                "summary": interview_summary(event),
                "addresses": [email for email, _ in people if email],
                "warnings": list(event.warnings),
                "cancelled": event.cancelled,
            }
        )
    found = [row for row in rows if row["recruiter_id"] and not row["cancelled"]]
    mark_duplicates(owner, found, kind=Interaction.Kind.INTERVIEW)
    for row in rows:
        if row["cancelled"]:
            skip(row, "cancelled", "the event is cancelled", tickable=False)
        elif not row["recruiter_id"]:
            addresses = ", ".join(row["addresses"]) or "no address in the event"
            skip(row, "no_recruiter", f"no recruiter in Callback with {addresses}", tickable=False)
    counts = Counter(row["action"] for row in rows)
    return {
        "type": "interviews",
        "rows": rows,
        "counts": {"rows": len(rows), "create": counts["create"], "skip": counts["skip"]},
    }


def match_role(title, roles, recruiter):
    """The role whose title the event's title contains (the recruiter's own roles first, the
    one whose employer is also named next); None if none or several equally."""
    title = title.casefold()
    scored = []
    for role in roles:
        if role.title.casefold() not in title:
            continue
        score = 2 if recruiter and role.recruiter_id == recruiter.pk else 0
        if role.employer and role.employer.name.casefold() in title:
            score += 1
        scored.append((score, role))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


VIDEO_WORDS = ("zoom.us", "meet.google", "teams.microsoft", "teams.live", "webex", "whereby")


def guess_channel(event):
    text = f"{event.location} {event.description}".casefold()
    if any(word in text for word in VIDEO_WORDS):
        return Interaction.Channel.VIDEO
    if "phone" in text or "call you" in text or "dial" in text:
        return Interaction.Channel.CALL
    if event.location.strip():
        return Interaction.Channel.IN_PERSON
    return Interaction.Channel.VIDEO


def interview_summary(event):
    summary = event.title or "Interview"
    if "interview" not in summary.casefold():
        summary = f"Interview: {summary}"
    if event.location and not event.location.startswith("http"):
        summary += f" ({event.location})"
    return truncate(summary, SUMMARY_MAX)
