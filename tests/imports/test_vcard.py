"""vCard files: 3.0 and 4.0 (and phones' 2.1), many cards, folded lines, grouped properties."""

import pytest

from recruiters.imports import vcard
from recruiters.imports.files import BadFile
from recruiters.models import Recruiter
from tests.imports.conftest import confirm, counts, post_upload, preview_job, upload_error

APPLE_30 = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//macOS 15.1//EN\r\n"
    "N:Reyes;Dana;;;\r\n"
    "FN:Dana Reyes\r\n"
    "ORG:Northwind Talent;Tech Hiring\r\n"
    "TITLE:Senior Technical Recruiter\r\n"
    "EMAIL;type=INTERNET;type=HOME:dana.home@example.com\r\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:dana@northwind.example\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900123\r\n"
    "item1.URL;type=pref:https\\://www.linkedin.com/in/dana-\r\n"
    " reyes/\r\n"
    "item1.X-ABLabel:LinkedIn\r\n"
    "item2.URL:https\\://northwind.example\r\n"
    "item2.X-ABLabel:_$!<HomePage>!$_\r\n"
    "NOTE:Met at the PyCon job fair\\, very responsive.\\nPrefers calls.\r\n"
    "END:VCARD\r\n"
)
V40 = (
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Sam Okafor\n"
    "N:Okafor;Sam;;;\n"
    "ORG:Bluefin Search\\, LLP\n"
    "TITLE:Talent Partner\n"
    'EMAIL;TYPE="work,internet";PREF=1:sam@bluefin.example\n'
    "TEL;VALUE=uri;TYPE=work:tel:+1-555-555-0100\n"
    "X-SOCIALPROFILE;TYPE=linkedin:https://linkedin.com/in/sam-okafor\n"
    "END:VCARD\n"
)
PHONE_21 = (
    "BEGIN:VCARD\n"
    "VERSION:2.1\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB;;;\n"
    "TEL;CELL:+49 151 000000\n"
    "TITLE:Headhunter\n"
    "END:VCARD\n"
)
FRIEND = "BEGIN:VCARD\nVERSION:3.0\nFN:Old Friend\nTITLE:Chef\nEND:VCARD\n"
ONLY_NAME = "BEGIN:VCARD\nVERSION:3.0\nFN:Just A Name\nEND:VCARD\n"


def test_apple_contacts_30_card():
    (contact,) = vcard.parse(APPLE_30.replace("\r\n", "\n"))
    assert contact.line == 1
    assert contact.name == "Dana Reyes"
    assert contact.company == "Northwind Talent"
    assert contact.position == "Senior Technical Recruiter"
    assert contact.email == "dana@northwind.example"
    assert contact.phone == "+44 7700 900123"
    assert contact.linkedin_url == "https://www.linkedin.com/in/dana-reyes/"
    assert contact.notes == "Met at the PyCon job fair, very responsive.\nPrefers calls."


def test_40_card_and_21_card():
    sam, zoe = vcard.parse(V40 + PHONE_21)
    assert (sam.name, sam.company, sam.email, sam.phone) == (
        "Sam Okafor",
        "Bluefin Search, LLP",
        "sam@bluefin.example",
        "+1-555-555-0100",
    )
    assert sam.linkedin_url == "https://linkedin.com/in/sam-okafor"
    assert zoe.line == 11
    assert (zoe.name, zoe.position, zoe.phone) == ("Zoë Müller", "Headhunter", "+49 151 000000")


@pytest.mark.django_db
def test_import_many_cards(client_in, user):
    content = (APPLE_30 + V40.replace("\n", "\r\n") + FRIEND + ONLY_NAME).encode()
    job = preview_job(post_upload(client_in, "vcard", "contacts.vcf", content))
    assert [(row["name"], row["action"], row["code"]) for row in job.plan["rows"]] == [
        ("Dana Reyes", "create", ""),
        ("Sam Okafor", "create", ""),
        ("Old Friend", "skip", "not_recruiter"),
        ("Just A Name", "skip", "only_name"),
    ]
    confirm(client_in, job)
    dana = Recruiter.objects.get(owner=user, name="Dana Reyes")
    assert dana.linkedin_url == "https://www.linkedin.com/in/dana-reyes"
    assert dana.firm.name == "Northwind Talent"
    assert "Met at the PyCon job fair" in dana.notes
    assert Recruiter.objects.get(name="Sam Okafor").kind == Recruiter.Kind.AGENCY

    again = preview_job(post_upload(client_in, "vcard", "contacts.vcf", content))
    assert again.plan["counts"]["create"] == 0


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("BEGIN:VCARD\nVERSION:3.0\nFN:Dana\n", "Line 1: BEGIN:VCARD on line 1 has no END:VCARD."),
        (
            "BEGIN:VCARD\nFN:Dana\nBEGIN:VCARD\nFN:Sam\nEND:VCARD\n",
            "Line 3: A new VCARD begins before the one from line 1 has ended "
            "(END:VCARD is missing).",
        ),
        (
            "BEGIN:VCARD\nFN:Dana\nthis is not a property\nEND:VCARD\n",
            "Line 3: “this is not a property” is not a vCard line (NAME:value).",
        ),
        (
            "FN:Dana\nBEGIN:VCARD\nEND:VCARD\n",
            "Line 1: “FN:Dana” is outside any BEGIN:VCARD ... END:VCARD.",
        ),
        (
            "Name,Email\nDana,d@example.com\n",
            "This file has no vCard in it (no BEGIN:VCARD line); is it a .vcf file?",
        ),
        (
            "BEGIN:VCARD\nFN:Dana\nEND:VCARD\nEND:VCARD\n",
            "Line 4: END:VCARD here, where nothing was expected.",
        ),
        (
            "BEGIN:VCARD\nFN:Dana\nEND:VCARD\nNOTE:stray\n",
            "Line 4: “NOTE:stray” is outside any BEGIN:VCARD ... END:VCARD.",
        ),
    ],
)
@pytest.mark.django_db
def test_malformed_vcards_change_nothing(client_in, content, error):
    before = counts()
    assert upload_error(post_upload(client_in, "vcard", "bad.vcf", content)).startswith(error)
    assert counts() == before


def test_a_malformed_vcard_names_its_line():
    with pytest.raises(BadFile) as problem:
        vcard.parse("BEGIN:VCARD\nFN:Dana\n;broken:x\nEND:VCARD\n")
    assert problem.value.line == 3
