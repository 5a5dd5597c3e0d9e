"""No 500 on any input: random and hostile requests to every endpoint of the URL resolver.

Each endpoint (tests/fuzz/site.py finds them; a new URL pattern is fuzzed without editing
this file) gets GETs with random query strings and POSTs, plain and htmx, of the fields its
pages post, with random and hostile values: NUL, lone surrogates, "²", huge and negative
numbers, dates at the ends of the calendar in far time zones, long and oddly normalised
text, and hostile files for its file inputs. Every answer must be below 500, and an answer
to bad input (400 or 422, or a form with errors) must have written nothing. Each request
runs in a transaction rolled back after it, so the next one finds the same rows.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, path, reverse
from hypothesis import given, note
from hypothesis import strategies as st

import tracker.urls
from recruiters.exports.account_json import export_account
from tests.fuzz import site
from tests.fuzz.conftest import FUZZ

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "²",
    "١٢",
    "-1",
    "0",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "-9223372036854775809",
    "2147483648",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2201-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-12:00",
    "2200-12-31T23:59:59.999999-12:00",
    "Etc/GMT+12",
    "x" * 5000,
    "ﬁ\u0301İ\u212b",  # a ligature, a combining accent, dotted I, the Ångström sign
    "\u202eevil",
    "\r\n\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%(value)s {{ 7|add:7 }} %s",
    "https://evil.example/",
    "//evil.example",
    "true",
]
HOSTILE_NUMBERS = [0, 1, 2**31, 2**63, 10**20]

hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
hostile = st.one_of(
    hostile_text, st.sampled_from(HOSTILE_NUMBERS), st.none(), st.booleans(), st.just([])
)

VCARD = "BEGIN:VCARD\nVERSION:2.1\n{}\nEND:VCARD\n"
ICS = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:1\n{}\n"
    "ORGANIZER:mailto:dana4242@example.com\nSUMMARY:Interview\nEND:VEVENT\nEND:VCALENDAR\n"
)
HOSTILE_FILES = [
    VCARD.format("FN;ENCODING=QUOTED-PRINTABLE:Dana=00Reyes"),
    VCARD.format("FN;CHARSET=utf-7;ENCODING=QUOTED-PRINTABLE:+2AA-"),
    VCARD.format("FN;CHARSET=unicode_escape;ENCODING=QUOTED-PRINTABLE:=5Cud800"),
    VCARD.format("FN;CHARSET=base64:RGFuYQ==\nBDAY:99991231\nREV:00010101T000000Z"),
    ICS.format("DTSTART;TZID=Etc/GMT+12:99991231T235900"),
    ICS.format("DTSTART;TZID=Etc/GMT-14:00010101T000000"),
    ICS.format("DTSTART;TZID=Mars/Olympus:20260101T100000\nRRULE:FREQ=SECONDLY;COUNT=999999999"),
    "Na\x00me,Email\nDana,dana@example.com\n",
    "Name,Email\n" + "²,١\n" * 3,
    ",".join(f"c{i}" for i in range(3000)) + "\n1\n",
    "CONVERSATION ID,FROM,TO,DATE,CONTENT\nc1,Dana,Me,9999-12-31 23:59:59 UTC,hi\n",
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Dana,Reyes,,,,Recruiter,31 Dec 9999\n",
    '{"format": "callback-account-export", "version": 2, "profile": "\\ud800"}',
    '{"format": "callback-account-export", "version": 99999999999999999999}',
    "[" * 50_000,
]


def hostile_file_bytes(export):
    """A file's content: a hostile text above, random bytes, or a real export of the account
    with one value replaced by a hostile one (so that it reaches the row checks)."""
    return st.one_of(
        st.sampled_from(HOSTILE_FILES).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
        st.builds(mutated_export, st.just(export), st.randoms(use_true_random=False), hostile),
    )


def mutated_export(export, random, value):
    data = json.loads(json.dumps(export))
    places = [
        (row, key)
        for section in ("profile", "firms", "recruiters", "roles", "interactions", "follow_ups")
        for row in ([data[section]] if section == "profile" else data[section])
        for key in row
    ]
    row, key = random.choice(places)
    row[key] = value
    return json.dumps(data).encode("utf-8", "surrogatepass")


def encoded(pairs):
    """A query string or form body of (name, value) pairs, whatever the characters: a lone
    surrogate goes as the bytes a careless client would send (%ED%A0%80)."""
    return urlencode(
        [(name, "" if value is None else str(value)) for name, value in pairs],
        encoding="utf-8",
        errors="surrogatepass",
    )


# The site --------------------------------------------------------------------------------


@pytest.fixture
def fuzzed_site(db):
    """The seeded users, and what the pages offer each endpoint (read from the pages a
    logged-in user sees)."""
    user, empty, other = site.seed()
    client = Client()
    client.force_login(user)
    pages = []
    for endpoint in site.endpoints():
        url = plain_url(endpoint, {})
        if url is None:
            continue
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages.append((url, response.content.decode()))
    return Fuzzed(
        users={"me": user, "empty": empty, "other": other},
        offers=site.read_offers(pages),
        export=json.loads(json.dumps(export_account(user))),
        known=site.reset_link_values(user),
    )


@dataclass
class Fuzzed:
    users: dict
    offers: dict
    export: dict  # the seeded account's JSON export, which restores are made of
    known: dict  # path argument values no page links to (a password reset's)

    def __repr__(self):  # hypothesis shows the arguments of a failing draw
        return "<the seeded site>"


def plain_url(endpoint, values):
    """The endpoint's URL with `values` for its path arguments (the seeded ids and the
    values the pages link to by default); None if no URL can be made of them."""
    arguments = {
        name: values.get(name, site.OWN if kind == "int" else "x")
        for name, kind in site.parameters(endpoint).items()
    }
    try:
        return reverse(endpoint.name, kwargs=arguments) if endpoint.pattern.name else None
    except NoReverseMatch:
        return None


@st.composite
def requests(draw, endpoint, fuzzed):
    """(who, method, url, fields, files, headers) of one request to `endpoint`: who is "me"
    (the seeded account), "empty" (an empty account, which a restore goes into) or None."""
    offer = fuzzed.offers[endpoint.name]
    arguments = {}
    for name, kind in site.parameters(endpoint).items():
        known = sorted(offer.kwargs.get(name, ())) + (
            [fuzzed.known[name]] if name in fuzzed.known else []
        )
        if kind == "int":
            choices = st.sampled_from([site.OWN, site.OTHER, *HOSTILE_NUMBERS])
        else:
            choices = hostile_text
        if known:
            choices = st.one_of(st.sampled_from(known), choices)
        # reverse() writes a path as UTF-8, which a lone surrogate is not: as U+FFFD.
        arguments[name] = utf8(str(draw(choices)))
    url = plain_url(endpoint, arguments) or plain_url(endpoint, {})
    note(f"{endpoint.route} as {url}")

    # The query: the parameters of the links to it, and the fields of its forms (a search).
    parameters = {**offer.fields, **offer.query}
    query = [
        (name, draw(st.one_of(st.sampled_from(sorted(values) or [""]), hostile_text)))
        for name, values in sorted(parameters.items())
        if draw(st.booleans())
    ]
    query += draw(st.lists(st.tuples(hostile_text, hostile_text), max_size=2))
    if query:
        url += "?" + encoded(query)

    fields = [
        (name, draw(st.one_of(st.sampled_from(sorted(values) or [""]), hostile)))
        for name, values in sorted(offer.fields.items())
        if draw(st.integers(0, 4))  # mostly sent
    ]
    fields += draw(st.lists(st.tuples(hostile_text, hostile), max_size=2))

    who = draw(st.sampled_from(["me", "me", "me", "empty", None]))
    headers = {"HX-Request": "true"} if draw(st.booleans()) else {}
    method = draw(st.sampled_from(["GET", "POST"] + ["FILES"] * bool(offer.uploads)))
    files = {}
    if method == "FILES":
        for name in offer.uploads:
            content = draw(hostile_file_bytes(fuzzed.export))
            filename = draw(st.sampled_from(["a.vcf", "a.ics", "a.csv", "a.json", "\x00.txt"]))
            files[name] = (filename, content)
    return who, method, url, fields, files, headers


def send(client, method, url, fields, files, headers):
    if method == "GET":
        return client.get(url, headers=headers)
    if method == "POST":
        body = encoded(fields)
        return client.post(url, body, "application/x-www-form-urlencoded", headers=headers)
    # A multipart body carries text as UTF-8, which a lone surrogate is not: as U+FFFD.
    data = {utf8(name): utf8("" if value is None else str(value)) for name, value in fields}
    for name, (filename, content) in files.items():
        data[name] = SimpleUploadedFile(filename, content)
    return client.post(url, data, headers=headers)


def utf8(text):
    return text.encode("utf-8", "replace").decode()


def refused(response):
    """Whether the response says the input was bad: 400, 422, or a form with errors."""
    if response.status_code in (400, 422):
        return True
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return response.status_code == 200 and bool(getattr(form, "errors", None))


def answer(response):
    """The status, after reading a streamed body through (a CSV export fails as it goes)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


class RolledBack(Exception):
    pass


def fuzz(endpoint, fuzzed):
    @FUZZ
    @given(st.data())
    def run(data):
        who, method, url, fields, files, headers = data.draw(requests(endpoint, fuzzed))
        client = Client()
        try:
            with transaction.atomic():
                if who:
                    client.force_login(fuzzed.users[who])
                before = site.row_counts()
                response = send(client, method, url, fields, files, headers)
                status = answer(response)
                note(f"{method} {url} -> {status}")
                assert status < 500, f"{method} {url} answered {status}"
                if refused(response):
                    assert site.row_counts() == before, f"{method} {url} refused but wrote"
                raise RolledBack
        except RolledBack:
            pass

    run()


def test_no_request_to_any_endpoint_is_a_server_error(fuzzed_site):
    for endpoint in site.endpoints():
        fuzz(endpoint, fuzzed_site)


# The list of endpoints is the resolver's ------------------------------------------------


def probe(request, pk):  # pragma: no cover - only resolved, never called
    raise AssertionError


urlpatterns = [*tracker.urls.urlpatterns, path("probe/<int:pk>/", probe, name="fuzz_probe")]


def test_a_new_url_pattern_is_fuzzed_without_editing_the_test():
    found = {endpoint.name for endpoint in site.endpoints(get_resolver(__name__))}
    assert "fuzz_probe" in found
    assert found - {"fuzz_probe"} == {endpoint.name for endpoint in site.endpoints()}


def test_every_pattern_is_fuzzed_but_the_excluded_ones_with_a_reason():
    fuzzed = site.endpoints()
    routes = {endpoint.route for endpoint in fuzzed}
    left_out = {
        namespace
        for namespace, endpoint in site.walk(get_resolver().url_patterns)
        if endpoint.route not in routes
    }
    assert left_out == set(site.EXCLUDED_NAMESPACES)  # none stale, none unexplained
    for endpoint in fuzzed:  # each can be requested: named, and its URL made
        assert plain_url(endpoint, {}), endpoint.route
