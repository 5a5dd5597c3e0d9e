"""LinkedIn's data export: Connections.csv and messages.csv.

Connections.csv starts with a `Notes:` line and a quoted paragraph (sometimes wrapped over
several lines, sometimes padded with commas) before its header, so the header row is found
by its content, never by skipping a fixed number of lines. Older exports have no URL column;
dates come as "24 Nov 2026", "13-Feb-26" or ISO.

messages.csv has one row per message: CONVERSATION ID, CONVERSATION TITLE, FROM,
SENDER PROFILE URL, TO, RECIPIENT PROFILE URLS, DATE ("2026-08-01 02:00:00 UTC"), SUBJECT,
CONTENT, FOLDER; newer exports add columns (ATTACHMENTS, IS MESSAGE DRAFT), older ones lack
the URL columns. Drafts are left out here; sponsored messages and adverts are marked
(`Message.sponsored`, see `sponsored`) for the plan to leave out and list.
"""

import html
import re
from datetime import UTC, datetime

from recruiters import bounds
from recruiters.imports.files import BadFile, cell, find_header
from recruiters.imports.records import (
    Contact,
    Message,
    Person,
    join_name,
    normalise_linkedin_url,
    parse_day,
    squash,
)

CONNECTION_COLUMNS = [
    "first name",
    "last name",
    "url",
    "email address",
    "company",
    "position",
    "connected on",
]
CONNECTION_REQUIRED = ["first name", "last name", "company", "position"]

MESSAGE_COLUMNS = [
    "conversation id",
    "conversation title",
    "from",
    "sender profile url",
    "to",
    "recipient profile urls",
    "date",
    "subject",
    "content",
    "folder",
]
MESSAGE_REQUIRED = ["conversation id", "from", "date", "content"]

# Who sends sponsored messages and adverts, as the FROM column names them (case-insensitive).
SPONSORED_SENDERS = {"linkedin member", "sponsored", "linkedin", "linkedin sponsored"}
# A mail merge's unfilled field: "Hi %FIRSTNAME%, ...", "{{firstName}}".
PLACEHOLDER = re.compile(r"%[A-Z][A-Z_]*%|\{\{\s*\w+\s*\}\}")


def title(column):
    """How LinkedIn spells a column: "first name" -> "First Name"."""
    return " ".join(word.capitalize() if word != "url" else "URL" for word in column.split())


def parse_connections(text):
    """[Contact] of each connection in a Connections.csv text."""
    table = find_header(text, CONNECTION_COLUMNS)
    if table is None:
        if find_header(text, MESSAGE_COLUMNS, minimum=3):
            raise BadFile(
                "This looks like LinkedIn's messages.csv; choose “LinkedIn messages” to import it."
            )
        raise BadFile(
            "The file has no 'First Name' column; is it LinkedIn's Connections.csv? "
            "(Its header is First Name, Last Name, URL, Email Address, Company, Position, "
            "Connected On.)"
        )
    columns = table.columns()
    for column in CONNECTION_REQUIRED:
        if column not in columns:
            raise BadFile(
                f"The file has no '{title(column)}' column; is it LinkedIn's Connections.csv?",
                line=table.header_line,
            )
    index = {name: columns.get(name) for name in CONNECTION_COLUMNS}
    contacts = []
    for line, cells in table.records():
        connected = cell(cells, index["connected on"])
        day = parse_day(connected)
        contacts.append(
            Contact(
                line=line,
                name=join_name(cell(cells, index["first name"]), cell(cells, index["last name"])),
                company=squash(cell(cells, index["company"])),
                position=squash(cell(cells, index["position"])),
                email=cell(cells, index["email address"]),
                linkedin_url=cell(cells, index["url"]),
                connected_on=day.isoformat() if day else "",
            )
        )
    return contacts


def parse_messages(text):
    """[Message] of each message in a messages.csv text, in the file's order."""
    table = find_header(text, MESSAGE_COLUMNS, minimum=3)
    if table is None:
        if find_header(text, CONNECTION_COLUMNS):
            raise BadFile(
                "This looks like LinkedIn's Connections.csv; choose “LinkedIn connections” "
                "to import it."
            )
        raise BadFile("The file has no 'CONVERSATION ID' column; is it LinkedIn's messages.csv?")
    columns = table.columns()
    for column in MESSAGE_REQUIRED:
        if column not in columns:
            raise BadFile(
                f"The file has no '{column.upper()}' column; is it LinkedIn's messages.csv?",
                line=table.header_line,
            )
    index = {name: columns.get(name) for name in [*MESSAGE_COLUMNS, "is message draft"]}
    messages = []
    for line, cells in table.records():
        if cell(cells, index["is message draft"]).lower() in ("yes", "true"):
            continue
        raw_date = cell(cells, index["date"])
        sent_at = parse_message_date(raw_date)
        if sent_at is None:
            raise BadFile(
                f"The date “{raw_date}” is not one LinkedIn writes (like 2026-08-01 02:00:00 UTC).",
                line=line,
            )
        if not bounds.in_range(sent_at):
            raise BadFile(f"The date “{raw_date}” is not {bounds.MOMENTS}.", line=line)
        recipient_urls = split_urls(cell(cells, index["recipient profile urls"]))
        recipient_names = split_names(cell(cells, index["to"]))
        sender = Person(
            squash(cell(cells, index["from"])),
            normalise_linkedin_url(cell(cells, index["sender profile url"])),
        )
        content = message_text(cell(cells, index["content"]), cell(cells, index["subject"]))
        marks = {name: squash(cell(cells, index[name])) for name in SPONSORED_MARKS}
        messages.append(
            Message(
                line=line,
                conversation=cell(cells, index["conversation id"]),
                sender=sender,
                recipients=pair_recipients(recipient_names, recipient_urls),
                sent_at=sent_at,
                content=content,
                sponsored=sponsored(
                    sender, content, marks, has_urls=index["sender profile url"] is not None
                ),
            )
        )
    return messages


SPONSORED_MARKS = ("folder", "subject", "conversation title")


def sponsored(sender, content, marks, *, has_urls):
    """Why a message looks like a sponsored message or an advert, else "": a folder,
    subject or title that says "sponsored", a sender such as "LinkedIn Member", a mail
    merge's unfilled placeholder, or (in exports with the column) no sender profile URL,
    which people always have."""
    for name, value in marks.items():
        if "sponsored" in value.casefold():
            return f"its {name} is “{value[:60]}”"
    if sender.name.casefold() in SPONSORED_SENDERS:
        return f"sent by “{sender.name}”"
    if match := PLACEHOLDER.search(content):
        return f"it has a mail merge's placeholder ({match[0]})"
    if has_urls and not sender.url:
        return "its sender has no profile URL"
    return ""


def parse_message_date(value):
    """ "2026-08-01 02:00:00 UTC" (also without " UTC", or ISO with T and Z) as UTC."""
    value = squash(value).removesuffix(" UTC").removesuffix("Z").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def split_urls(value):
    return [
        url for url in (normalise_linkedin_url(part) for part in re.split(r"[\s,;]+", value)) if url
    ]


def split_names(value):
    return [squash(part) for part in re.split(r"[,;]", value) if squash(part)]


def pair_recipients(names, urls):
    """Recipients as Persons: names and URLs pair up when there are as many of each."""
    if urls and len(urls) == len(names):
        return [Person(name, url) for name, url in zip(names, urls, strict=True)]
    if urls:
        return [Person("", url) for url in urls]
    return [Person(name) for name in names]


def message_text(content, subject):
    """The message as plain text: LinkedIn's HTML tags dropped, then every character
    reference decoded once (html.unescape: named, decimal and hex), whitespace tidied."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", content, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
    lines = [squash(line) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    subject = squash(subject)
    if subject and subject not in text:
        text = f"{subject}: {text}" if text else subject
    return text
