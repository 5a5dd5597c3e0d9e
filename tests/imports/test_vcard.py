"""vCard files: 3.0 and 4.0 (and phones' 2.1), many cards, folded lines, grouped properties."""

import pytest
from django.urls import reverse

from recruiters.imports import plan, vcard
from recruiters.imports.files import BadFile
from recruiters.imports.records import Contact
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


# vobject underneath: 2.1's quirks, character sets, values that cannot be stored ----------

WINDOWS_1252 = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;;\r\n"
    "FN;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller\r\n"
    "ORG;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:Personalberatung K=F6ln\r\n"
    "TITLE;CHARSET=windows-1252;ENCODING=QUOTED-PRINTABLE:Senior Recruiter =96 IT, EMEA\r\n"
    "TEL;CELL:+49 151 0000000\r\n"
    "TEL;WORK;VOICE:+49 221 1234567\r\n"
    "EMAIL;INTERNET;PREF:juergen@koeln.example\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=windows-1252:Getroffen im Caf=E9, sehr =\r\n"
    "hilfsbereit. =80-Gehalt besprochen.\r\n"
    "END:VCARD\r\n"
)


def card(*lines, version="3.0"):
    return (
        "BEGIN:VCARD\r\n"
        + f"VERSION:{version}\r\n"
        + "".join(f"{line}\r\n" for line in lines)
        + ("END:VCARD\r\n")
    )


def test_21_card_in_windows_1252_quoted_printable():
    (contact,) = vcard.parse(WINDOWS_1252)
    assert contact.problem == ""
    assert contact.name == "Jürgen Müller"
    assert contact.company == "Personalberatung Köln"
    assert contact.position == "Senior Recruiter – IT, EMEA"  # 0x96 is an en dash in 1252
    assert contact.phone == "+49 221 1234567"  # the work number (bare parameters)
    assert contact.email == "juergen@koeln.example"
    # a soft line break joined, an unescaped comma kept (vobject's components drop the rest)
    assert contact.notes == "Getroffen im Café, sehr hilfsbereit. €-Gehalt besprochen."
    assert contact.warnings == []


@pytest.mark.django_db
def test_21_card_in_windows_1252_imported(client_in, user):
    job = preview_job(post_upload(client_in, "vcard", "phone.vcf", WINDOWS_1252.encode("ascii")))
    (row,) = job.plan["rows"]
    assert (row["action"], row["name"], row["company"]) == (
        "create",
        "Jürgen Müller",
        "Personalberatung Köln",
    )
    confirm(client_in, job)
    recruiter = Recruiter.objects.get(owner=user)
    assert recruiter.firm.name == "Personalberatung Köln"
    assert "Getroffen im Café, sehr hilfsbereit." in recruiter.notes


@pytest.mark.parametrize(
    "charset",
    [
        "unicode_escape",
        "raw_unicode_escape",
        "utf-7",
        "UTF7",
        "unicode-1-1-utf-7",
        "base64",
        "hex",
        "rot13",
        "uu",
        "zlib",
        "bz2",
        "quopri",
        "idna",
        "punycode",
        "undefined",
        "klingon",
    ],
)
def test_a_charset_that_is_not_a_character_set_is_refused(charset):
    (contact,) = vcard.parse(
        card(f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:Dana\\x00=5Cud800", "TITLE:Recruiter")
    )
    assert contact.problem.startswith(f"line 3, FN: CHARSET “{charset}” is not a character set")
    assert contact.name == ""


@pytest.mark.parametrize(
    ("charset", "codec"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        ("windows-1252", "cp1252"),
        ("ISO-8859-15", "iso8859-15"),
        ("latin1", "iso8859-1"),
        ("us-ascii", "ascii"),
        ("Shift_JIS", "shift_jis"),
        ("koi8-r", "koi8-r"),
        ("GB18030", "gb18030"),
        ("utf-16le", "utf-16-le"),
    ],
)
def test_character_sets_honoured(charset, codec):
    assert vcard.charset_codec(charset) == codec


def test_a_shift_jis_card():
    name = "山田太郎".encode("shift_jis")
    quoted = "".join(f"={byte:02X}" for byte in name)
    (contact,) = vcard.parse(
        card(f"FN;CHARSET=Shift_JIS;ENCODING=QUOTED-PRINTABLE:{quoted}", version="2.1")
    )
    assert (contact.name, contact.problem) == ("山田太郎", "")


@pytest.mark.django_db
def test_unicode_escape_card_refused_in_the_preview(client_in, user):
    content = card(
        "FN;CHARSET=unicode_escape;ENCODING=QUOTED-PRINTABLE:Dana=5Cx00Reyes",
        "TITLE:Recruiter",
        "EMAIL:dana@northwind.example",
    )
    job = preview_job(post_upload(client_in, "vcard", "evil.vcf", content))
    (row,) = job.plan["rows"]
    assert (row["action"], row["code"], row["tickable"]) == ("skip", "unreadable", False)
    assert row["reason"] == (
        "cannot be read (line 3, FN: CHARSET “unicode_escape” is not a character set "
        "(such as UTF-8, Windows-1252, ISO-8859-1 or Shift_JIS))"
    )
    assert "\x00" not in str(job.plan)
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "CHARSET “unicode_escape” is not a character set" in page


def test_utf_7_card_refused():
    (contact,) = vcard.parse(
        card("FN;CHARSET=utf-7;ENCODING=QUOTED-PRINTABLE:+ADw-script+AD4-", "TITLE:Recruiter")
    )
    assert "CHARSET “utf-7” is not a character set" in contact.problem
    assert "<script>" not in str(contact)


@pytest.mark.parametrize(
    ("line", "name", "problem"),
    [
        ("NOTE;ENCODING=QUOTED-PRINTABLE:before=00after", "NOTE", "a NUL character (U+0000)"),
        (
            "NOTE;CHARSET=utf-16-le;ENCODING=QUOTED-PRINTABLE:a=00=00=00",
            "NOTE",
            "a NUL character (U+0000)",
        ),
        ("NOTE:lone \ud800 surrogate", "NOTE", "a lone surrogate (U+D800)"),
        ("FN:Dana \udfff Reyes", "FN", "a lone surrogate (U+DFFF)"),
    ],
)
def test_a_value_with_nul_or_a_lone_surrogate_is_refused(line, name, problem):
    (contact,) = vcard.parse(card("N:Reyes;Dana;;;", "TITLE:Recruiter", line))
    assert contact.problem == f"line 5, {name}: the value has {problem}, which cannot be stored"
    assert "\x00" not in str(contact)
    assert "\ud800" not in contact.name + contact.notes


@pytest.mark.django_db
def test_a_nul_card_never_reaches_the_database(client_in, user):
    content = card("FN:Dana Reyes", "TITLE:Recruiter", "NOTE;ENCODING=QUOTED-PRINTABLE:x=00y")
    job = preview_job(post_upload(client_in, "vcard", "nul.vcf", content))
    (row,) = job.plan["rows"]
    assert (row["name"], row["code"], row["tickable"], row["notes"]) == (
        "Dana Reyes",
        "unreadable",
        False,
        "",
    )
    assert "line 5, NOTE: the value has a NUL character (U+0000)" in row["reason"]
    confirm(client_in, job, rows=[0])
    assert not Recruiter.objects.exists()


def test_a_value_not_valid_in_its_charset_is_read_as_windows_1252():
    (contact,) = vcard.parse(
        card("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Zo=EB M=FCller", version="2.1")
    )
    assert (contact.name, contact.problem) == ("Zoë Müller", "")
    assert contact.warnings == ["line 3: FN is not valid UTF-8: read as Windows-1252"]


def test_folded_lines():
    content = (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "FN:Dana\r\n"
        "  Reyes\r\n"
        "TITLE:Senior Techni\r\n"
        " cal Recruiter\r\n"
        "EMAIL;TYPE=WORK:dana@north\r\n"
        "\twind.example\r\n"
        "NOTE:first line\\nsecond \r\n"
        " line\\, folded \r\n"
        " twice\r\n"
        "END:VCARD\r\n"
    )
    (contact,) = vcard.parse(content)
    assert contact.name == "Dana Reyes"
    assert contact.position == "Senior Technical Recruiter"
    assert contact.email == "dana@northwind.example"
    assert contact.notes == "first line\nsecond line, folded twice"


def test_line_numbers_with_blank_lines_and_folds():
    content = (
        "\n\n"  # lines 1-2
        + card("FN:Ann", "NOTE:a\r\n b")  # lines 3-8
        + "\n"  # line 9
        + card("FN:Ben")  # lines 10-13
        + card("FN:Cy")  # lines 14-17
    )
    assert [contact.line for contact in vcard.parse(content)] == [3, 10, 14]
    with pytest.raises(BadFile) as problem:
        vcard.parse(content + "\n\nFN:stray\n")
    assert problem.value.line == 20


def test_grouped_url_and_label():
    (contact,) = vcard.parse(
        card(
            "FN:Dana Reyes",
            "item1.URL;type=pref:https://dana.example/blog",
            "item1.X-ABLabel:Blog",
            "ITEM2.URL:https://lnkd.in/dana",
            "item2.X-ABLabel:LinkedIn",
            "item3.X-ABLabel:LinkedIn",
        )
    )
    # The label of the URL's own group tells: item2's, not item1's nor the lone item3's.
    assert contact.linkedin_url == "https://lnkd.in/dana"


@pytest.mark.django_db
def test_three_cards_one_bad(client_in, user):
    content = (
        APPLE_30
        + card(
            "FN;CHARSET=unicode_escape;ENCODING=QUOTED-PRINTABLE:Evil=5Cx00",
            "TITLE:Recruiter",
        )
        + V40.replace("\n", "\r\n")
    )
    job = preview_job(post_upload(client_in, "vcard", "three.vcf", content))
    rows = job.plan["rows"]
    assert [(row["line"], row["name"], row["action"], row["code"]) for row in rows] == [
        (1, "Dana Reyes", "create", ""),
        (18, "", "skip", "unreadable"),
        (23, "Sam Okafor", "create", ""),
    ]
    assert "line 20, FN: CHARSET “unicode_escape”" in rows[1]["reason"]
    assert job.plan["counts"]["skipped"] == {"cannot be read": 1}
    page = client_in.get(reverse("import_preview", args=[job.pk])).content.decode()
    assert "Skip: cannot be read (line 20, FN: CHARSET “unicode_escape”" in page

    confirm(client_in, job)
    assert sorted(Recruiter.objects.values_list("name", flat=True)) == ["Dana Reyes", "Sam Okafor"]


@pytest.mark.django_db
def test_the_plan_refuses_what_a_parser_let_through(user):
    """A backstop for every contacts file: no NUL or lone surrogate reaches the database."""
    contacts = [
        Contact(line=2, name="Dana\x00Reyes", position="Recruiter"),
        Contact(line=3, name="Sam Okafor", position="Recruiter", notes="\ud83d alone"),
        Contact(line=4, name="Ann Lee", position="Recruiter"),
    ]
    the_plan = plan.plan_contacts(user, contacts, source="test")
    assert [(row["line"], row["code"], row["name"]) for row in the_plan["rows"]] == [
        (2, "unreadable", ""),
        (3, "unreadable", ""),
        (4, "", "Ann Lee"),
    ]
    assert the_plan["rows"][0]["reason"] == "cannot be read (the name has a NUL character (U+0000))"
    assert (
        the_plan["rows"][1]["reason"] == "cannot be read (the notes has a lone surrogate (U+D83D))"
    )
    assert "\x00" not in str(the_plan) and "\ud83d" not in str(the_plan)


def test_more_21_quirks():
    """An empty CHARSET= (UTF-8 then), a bare QUOTED-PRINTABLE parameter with a soft line
    break, bare TEL types."""
    (contact,) = vcard.parse(
        "BEGIN:VCARD\n"
        "VERSION:2.1\n"
        "N;CHARSET=;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\n"
        "TITLE;QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Recruteur =E0 Paris, =\n"
        "=E9quipe tech\n"
        "TEL;HOME:+33 6 00 00 00 00\n"
        "TEL;WORK;VOICE:+33 1 23 45 67 89\n"
        "END:VCARD\n"
    )
    assert (contact.name, contact.position, contact.phone, contact.problem) == (
        "Zoë Müller",
        "Recruteur à Paris, équipe tech",
        "+33 1 23 45 67 89",
        "",
    )
