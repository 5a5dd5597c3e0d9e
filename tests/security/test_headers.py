"""The response headers: a strict Content-Security-Policy, Permissions-Policy, and no caching
of anything that shows a user's data (recruiters/security_headers.py, tracker/settings.py)."""

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from recruiters.exports import calendar_feed
from tests.factories import make_firm, make_follow_up, make_interaction, make_recruiter, make_role
from tests.imports.conftest import FIXTURES, post_upload, preview_job

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def test_pages_send_the_strict_policy(client_in, client, db):
    for response in (client_in.get(reverse("home")), client.get(reverse("login"))):
        assert policy(response) == STRICT_POLICY


def test_pages_send_the_other_security_headers(client_in):
    response = client_in.get(reverse("home"))
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


# What each URL argument is, for the walk over every URL below; a new kind of argument
# fails the test until it is added here.
PK_ROWS = {
    "recruiter": "recruiter",
    "log_interaction": "recruiter",
    "interaction": "interaction",
    "firm": "firm",
    "role": "role",
    "follow_up": "follow_up",
    "import": "import_job",
}
OTHER_ARGUMENTS = {
    "action": "done",
    "table": "recruiters",
    "token": "not-a-token",
    "uidb64": "MQ",
}


def every_url(rows, resolver=None, namespace=""):
    """(name, URL) for each named URL pattern outside the admin, its arguments filled in."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own pages; the admin index is checked on its own
            yield from every_url(rows, pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            kwargs = {
                argument: argument_for(pattern.name, argument, rows)
                for argument in pattern.pattern.regex.groupindex
            }
            yield pattern.name, reverse(pattern.name, kwargs=kwargs)


def argument_for(name, argument, rows):
    if argument == "pk":
        row = next((row for prefix, row in PK_ROWS.items() if name.startswith(prefix)), None)
        assert row, f"Which row does {name}'s pk name? Add it to PK_ROWS."
        return rows[row].pk
    if name == "export_calendar_feed":
        return rows["feed"].token
    assert argument in OTHER_ARGUMENTS, f"Add a value for {name}'s {argument} argument."
    return OTHER_ARGUMENTS[argument]


@pytest.fixture
def rows(client_in, user):
    firm = make_firm(user, name="Northwind Talent")
    recruiter = make_recruiter(user, name="Dana Reyes", firm=firm)
    upload = post_upload(
        client_in,
        "linkedin_connections",
        "Connections.csv",
        (FIXTURES / "Connections.csv").read_bytes(),
    )
    return {
        "firm": firm,
        "recruiter": recruiter,
        "role": make_role(user, title="Staff Engineer", recruiter=recruiter, employer=firm),
        "interaction": make_interaction(recruiter, summary="Intro call"),
        "follow_up": make_follow_up(user, recruiter=recruiter, title="Send CV"),
        "import_job": preview_job(upload),
        "feed": calendar_feed.feed_for(user),
    }


def test_no_response_is_stored_by_the_browser_or_a_proxy(client_in, rows):
    """Every URL, as GET from a logged-in user: whatever it answers (a page, a download, a
    redirect, a refusal), no browser cache or shared proxy keeps it."""
    answered = {}
    for name, url in every_url(rows):
        response = client_in.get(url)
        answered[name] = response.status_code
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, (name, url, response["Cache-Control"])
    pages = ["home", "recruiter_detail", "firm_detail", "import_preview", "export_json"]
    assert all(answered[name] == 200 for name in pages), answered
    assert "no-store" in client_in.get("/admin/")["Cache-Control"]


def test_the_calendar_feed_is_not_stored_either(client, rows):
    response = client.get(reverse("export_calendar_feed", args=[rows["feed"].token]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_static_files_keep_their_caching(client_in):
    response = client_in.get("/static/css/callback.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert re.search(r"max-age=\d+", response["Cache-Control"])
    response.close()


# Templates: nothing the policy would refuse ----------------------------------------------

INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "an on...= event handler"),
    (re.compile(r"\shx-on", re.I), "an hx-on attribute (htmx evaluates it)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize(
    "template",
    # E-mails are not pages: mail clients need their inline styles.
    sorted(p for p in TEMPLATES.rglob("*.html") if not {"email", "emails"} & set(p.parts)),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_have_nothing_the_policy_refuses(template):
    text = template.read_text()
    found = [what for pattern, what in INLINE_CODE if pattern.search(text)]
    assert not found, f"{template.relative_to(TEMPLATES)} has {', '.join(found)}"
