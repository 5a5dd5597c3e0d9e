"""vCard files (.vcf) as phones and mail clients export them: versions 2.1, 3.0 and 4.0, one
or many cards, folded lines, grouped properties such as `item1.URL` with its
`item1.X-ABLabel:LinkedIn`, escaped values (`http\\://...` from Apple Contacts)."""

from recruiters.imports import contentlines
from recruiters.imports.files import BadFile
from recruiters.imports.records import Contact, is_linkedin, join_name

PREFERRED = ("pref", "work")


def parse(text):
    """[Contact] of each card in a vCard text; BadFile on a malformed file."""
    if "BEGIN:VCARD" not in text.upper():
        raise BadFile("This file has no vCard in it (no BEGIN:VCARD line); is it a .vcf file?")
    return [card(line, props) for line, props in contentlines.components(text, "vCard", "VCARD")]


def card(line, props):
    by_name = {}
    for prop in props:
        by_name.setdefault(prop.name, []).append(prop)
    labels = {prop.group: prop.text.lower() for prop in by_name.get("X-ABLABEL", []) if prop.group}
    return Contact(
        line=line,
        name=card_name(by_name),
        company=first_text(by_name, "ORG", structured=True),
        position=first_text(by_name, "TITLE") or first_text(by_name, "ROLE"),
        email=preferred(by_name.get("EMAIL", [])),
        phone=preferred(by_name.get("TEL", [])),
        linkedin_url=linkedin(by_name, labels),
        notes="\n".join(prop.text for prop in by_name.get("NOTE", []) if prop.text),
    )


def card_name(by_name):
    if full := first_text(by_name, "FN"):
        return full
    if names := by_name.get("N"):
        family, given, additional, prefix, suffix = (names[0].parts() + [""] * 5)[:5]
        return join_name(prefix, given, additional, family, suffix)
    return ""


def first_text(by_name, name, *, structured=False):
    for prop in by_name.get(name, []):
        value = next((part for part in prop.parts() if part), "") if structured else prop.text
        if value:
            return value
    return ""


def preferred(props):
    """The value marked preferred (TYPE=pref, PREF=1) or work, else the first."""
    ranked = sorted(
        (prop for prop in props if prop.text),
        key=lambda prop: (
            not ("pref" in prop.types() or prop.param("PREF") == "1"),
            "work" not in prop.types(),
        ),
    )
    return ranked[0].text.removeprefix("tel:").removeprefix("mailto:") if ranked else ""


def linkedin(by_name, labels):
    """The LinkedIn profile among the card's URLs and social profiles."""
    candidates = by_name.get("URL", []) + by_name.get("X-SOCIALPROFILE", [])
    for prop in candidates:
        value = prop.text
        labelled = labels.get(prop.group, "") if prop.group else ""
        if is_linkedin(value) or "linkedin" in labelled or "linkedin" in prop.types():
            if value.startswith("x-apple:"):
                value = value.removeprefix("x-apple:")
            if value and "/" not in value:  # a bare user name from X-SOCIALPROFILE
                value = f"https://www.linkedin.com/in/{value}"
            return value
    return ""
