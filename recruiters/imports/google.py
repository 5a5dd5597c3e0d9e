"""Google Contacts CSV export (contacts.google.com, Export, "Google CSV").

Current exports: First Name, Middle Name, Last Name, ..., Organization Name, Organization
Title, E-mail 1 - Label, E-mail 1 - Value, Phone 1 - Value, Website 1 - Value, Notes.
Older ones: Name, Given Name, Additional Name, Family Name, ..., Organization 1 - Name,
Organization 1 - Title. A cell holding several values joins them with " ::: ".
"""

import re

from recruiters.imports.files import BadFile, cell, find_header
from recruiters.imports.records import Contact, clean_email, is_linkedin, join_name

NAME_COLUMNS = ["name", "first name", "given name"]
KNOWN_COLUMNS = [
    *NAME_COLUMNS,
    "middle name",
    "last name",
    "additional name",
    "family name",
    "organization name",
    "organization title",
    "organization 1 - name",
    "organization 1 - title",
    "e-mail 1 - value",
    "e-mail 1 - label",
    "e-mail 1 - type",
    "phone 1 - value",
    "notes",
    "labels",
    "group membership",
]
SEPARATOR = " ::: "


def parse(text):
    """[Contact] of each contact in a Google Contacts CSV text."""
    table = find_header(text, KNOWN_COLUMNS)
    if table is None or not any(name in table.columns() for name in NAME_COLUMNS):
        raise BadFile(
            "The file has no 'Name' or 'First Name' column; is it a Google Contacts CSV export?",
            line=table.header_line if table else None,
        )
    columns = table.columns()

    def first(cells, *names):
        for name in names:
            if value := cell(cells, columns.get(name)):
                return value
        return ""

    def numbered(cells, what):
        """Every value of "E-mail 1 - Value", "E-mail 2 - Value", ..., split at " ::: "."""
        values = []
        for name, index in columns.items():
            if re.fullmatch(rf"{what} \d+ - value", name):
                values += [v.strip() for v in cell(cells, index).split(SEPARATOR.strip())]
        return [value for value in values if value]

    contacts = []
    for line, cells in table.records():
        name = first(cells, "name") or join_name(
            first(cells, "name prefix"),
            first(cells, "first name", "given name"),
            first(cells, "middle name", "additional name"),
            first(cells, "last name", "family name"),
            first(cells, "name suffix"),
        )
        emails = numbered(cells, "e-mail")
        websites = numbered(cells, "website")
        contacts.append(
            Contact(
                line=line,
                name=name,
                company=first(cells, "organization name", "organization 1 - name")
                .split(SEPARATOR.strip())[0]
                .strip(),
                position=first(cells, "organization title", "organization 1 - title")
                .split(SEPARATOR.strip())[0]
                .strip(),
                email=next((email for email in emails if clean_email(email)[1]), "")
                or (emails[0] if emails else ""),
                phone=next(iter(numbered(cells, "phone")), ""),
                linkedin_url=next((url for url in websites if is_linkedin(url)), ""),
                notes=first(cells, "notes"),
            )
        )
    return contacts
