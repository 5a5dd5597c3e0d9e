"""What the parsers produce (one record per person, message or event), and the small
normalisations they share: names, e-mail addresses, LinkedIn URLs, dates."""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from recruiters import bounds

NAME_MAX = 200
PHONE_MAX = 40
URL_MAX = 200
EMAIL_MAX = 254


@dataclass
class Contact:
    """A person from a contacts file (LinkedIn connections, vCard, Google, any CSV)."""

    line: int
    name: str = ""
    company: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    notes: str = ""
    connected_on: str = ""  # ISO date, LinkedIn only
    problem: str = ""  # why this record cannot be imported (a vCard that cannot be read)
    warnings: list = field(default_factory=list)  # what was read with a caveat


@dataclass
class Person:
    """A participant of a LinkedIn conversation: a profile URL (newer exports) and a name."""

    name: str
    url: str = ""

    @property
    def key(self):
        return self.url or name_key(self.name)


@dataclass
class Message:
    line: int
    conversation: str
    sender: Person
    recipients: list
    sent_at: datetime
    content: str
    sponsored: str = ""  # why this looks like a sponsored message or an advert, else ""


@dataclass
class Interview:
    """A VEVENT of an interview invitation."""

    line: int
    uid: str
    title: str
    starts_at: datetime
    location: str = ""
    description: str = ""
    organizer: tuple = ("", "")  # (email, name)
    attendees: list = field(default_factory=list)  # [(email, name)]
    cancelled: bool = False
    warnings: list = field(default_factory=list)


def squash(value):
    """`value` on one line, with single spaces."""
    return " ".join(str(value or "").split())


def name_key(name):
    return squash(name).casefold()


def join_name(*parts):
    return squash(" ".join(part for part in parts if part))


def truncate(value, limit):
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


def clean_email(value):
    """(address, valid): the address trimmed of "mailto:", spaces and angle brackets."""
    value = squash(value).removeprefix("mailto:").removeprefix("MAILTO:").strip("<>").strip()
    if not value:
        return "", True
    try:
        _email_validator(value)
    except ValidationError:
        return value, False
    return value, len(value) <= EMAIL_MAX


def is_linkedin(url):
    return "linkedin.com/" in url.lower()


def clean_url(value):
    """A valid http(s) URL of at most 200 characters, or ""; LinkedIn's normalised."""
    value = squash(value).replace(" ", "")
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    if is_linkedin(value):
        value = normalise_linkedin_url(value)
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value if len(value) <= URL_MAX else ""


@functools.lru_cache(maxsize=100_000)
def normalise_linkedin_url(value):
    """One spelling per LinkedIn profile: https, www.linkedin.com, lower case, no query,
    no trailing slash. "linkedin.com/in/Ann-Lee/?trk=x" -> "https://www.linkedin.com/in/ann-lee"."""
    value = squash(value)
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return value
    path = re.sub(r"/+", "/", parts.path).rstrip("/").lower()
    return f"https://www.linkedin.com{path}"


def clean_phone(value):
    value = squash(value).removeprefix("tel:")
    return value if len(value) <= PHONE_MAX else ""


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def parse_day(value):
    """A date in one of the forms LinkedIn has used: "24 Nov 2026", "13-Feb-26",
    "2026-02-13", "Nov 24, 2026". None if it is none of these, or out of range (bounds)."""
    value = squash(value).replace(",", " ")
    if not value:
        return None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(\d{1,2})[ \-/]([A-Za-z]+)\.?[ \-/](\d{2}|\d{4})", value):
        day, month, year = int(match[1]), MONTHS.get(match[2].lower()), int(match[3])
    elif match := re.fullmatch(r"([A-Za-z]+)\.? +(\d{1,2}) +(\d{4})", value):
        month, day, year = MONTHS.get(match[1].lower()), int(match[2]), int(match[3])
    else:
        return None
    if month is None:
        return None
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if bounds.in_range(found) else None
