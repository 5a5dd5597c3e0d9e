"""Any CSV file (a spreadsheet of recruiters): its first row is the header, and the user
says which column holds what. The columns are guessed from their names to begin with."""

from recruiters.imports.files import BadFile, cell, first_row_table, header_key
from recruiters.imports.records import Contact, join_name

FIELDS = [
    ("name", "Name"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("position", "Position"),
    ("linkedin_url", "LinkedIn URL"),
    ("notes", "Notes"),
]
FIELD_NAMES = [name for name, _ in FIELDS]

# Header names (compared lower case, spaces squashed) that say what a column holds.
GUESSES = {
    "name": ["name", "full name", "contact", "contact name", "recruiter", "person"],
    "first_name": ["first name", "first", "given name", "forename", "firstname"],
    "last_name": ["last name", "last", "surname", "family name", "lastname"],
    "email": ["email", "e-mail", "email address", "e-mail address", "mail", "work email"],
    "phone": ["phone", "telephone", "mobile", "cell", "phone number", "tel", "mobile phone"],
    "company": ["company", "firm", "agency", "organisation", "organization", "employer"],
    "position": ["position", "title", "job title", "role", "job"],
    "linkedin_url": ["linkedin", "linkedin url", "linkedin profile", "profile", "profile url"],
    "notes": ["notes", "note", "comments", "comment", "remarks"],
}


def read(text):
    """(header, [[line, cells]]) of a CSV text, JSON-ready: kept in the plan until the
    columns are chosen."""
    table = first_row_table(text)
    header = [name.strip() for name in table.header]
    if len(header) < 2 and not any(header):
        raise BadFile("The first row of the file should name its columns.", line=1)
    records = [[line, cells] for line, cells in table.records()]
    return header, records


def guess_mapping(header):
    """For each column, the field its name suggests ("" to ignore it); each field once."""
    mapping, taken = [], set()
    for name in header:
        key = header_key(name)
        field = next(
            (field for field, names in GUESSES.items() if field not in taken and key in names),
            "",
        )
        if not field and "linkedin" in key and "linkedin_url" not in taken:
            field = "linkedin_url"
        taken.add(field)
        mapping.append(field)
    return mapping


def known_fields(mapping, width):
    """The mapping as a list of fields, one per column: "" for any other value posted."""
    mapping = [(field if field in FIELD_NAMES else "") for field in mapping][:width]
    return mapping + [""] * (width - len(mapping))


def check_mapping(mapping):
    """BadFile if the mapping (of known_fields) chooses a field twice or gives no names."""
    chosen = [field for field in mapping if field]
    twice = sorted({field for field in chosen if chosen.count(field) > 1})
    if twice:
        labels = ", ".join(dict(FIELDS)[field] for field in twice)
        raise BadFile(f"Choose one column only for: {labels}.")
    if not ({"name", "first_name", "last_name"} & set(chosen)):
        raise BadFile("Choose the column that holds the name (or the first and last names).")


def contacts(records, mapping):
    """[Contact] of each record, read through the mapping."""
    found = []
    for line, cells in records:
        values = dict.fromkeys(FIELD_NAMES, "")
        for index, field in enumerate(mapping):
            if field:
                values[field] = cell(cells, index)
        found.append(
            Contact(
                line=line,
                name=values["name"] or join_name(values["first_name"], values["last_name"]),
                company=values["company"],
                position=values["position"],
                email=values["email"],
                phone=values["phone"],
                linkedin_url=values["linkedin_url"],
                notes=values["notes"],
            )
        )
    return found
