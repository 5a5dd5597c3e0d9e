"""Stored XSS: script in every text a user can store never runs, on any page that shows it.

Every text field of every row the user owns (read from the models, so a new field is
covered) holds script payloads, written straight through the ORM as an import or an old row
could hold them. Then every page is opened in Chromium: the pages without an argument, read
from the URL resolver, and every page of one of the user's rows, from the isolation test's
CASES. No dialog may open, and the document may hold no element or attribute the payloads
would create. That second check holds whatever the Content-Security-Policy blocks, so it
proves the templates escape, not only that the browser refused to run what they let
through; the served HTML is checked for the raw payloads as well.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.test_isolation import CASES, one_of_each

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "'\"-alert(1)-\"'",
    "</textarea><script>alert(1)</script>",
]
URL_PAYLOAD = "javascript:alert(1)"

# What the payloads would create in the document, had a template let them through.
INJECTED = """() => {
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") && attribute.value.includes("alert(")) {
        found.push(`<${element.tagName} ${name}="${attribute.value}">`);
      }
      if (["href", "src", "action", "formaction"].includes(name)
          && /^\\s*javascript:/i.test(attribute.value)) {
        found.push(`<${element.tagName} ${name}="${attribute.value}">`);
      }
    }
  }
  for (const script of document.scripts) {
    if (script.textContent.includes("alert(")) found.push(`<script>${script.textContent}`);
  }
  return found;
}"""


def owner_field(model):
    for name in ("owner", "user"):
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if field.is_relation and field.related_model._meta.label == "auth.User":
            return name
    return None


def storable(field, value):
    """Whether the model would keep `value` in `field` outside forms: its own validators
    (a time zone's, say) pass. Form-level checks (URL, e-mail) are what the payloads skip."""
    for validator in field.validators:
        if isinstance(validator, (URLValidator, EmailValidator)):
            continue
        try:
            validator(value)
        except ValidationError:
            return False
    return True


def payload_for(field, index):
    if isinstance(field, models.URLField):
        return URL_PAYLOAD
    rotated = PAYLOADS[index % len(PAYLOADS) :] + PAYLOADS[: index % len(PAYLOADS)]
    return "".join(rotated)[: field.max_length]


def text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and field.editable
        and not field.choices
        and not field.unique
        and (field.max_length or 100) >= len(PAYLOADS[0])
    ]


def store_payloads(user):
    """Every text field of every row `user` owns holds payloads; the fields written."""
    written = []
    for model in apps.get_app_config("recruiters").get_models():
        owner = owner_field(model)
        if owner is None:
            continue
        values = {}
        for index, field in enumerate(text_fields(model)):
            value = payload_for(field, index)
            if storable(field, value):
                values[field.name] = value
        if values and model.objects.filter(**{owner: user}).update(**values):
            written += [f"{model.__name__}.{name}" for name in values]
    return written


def pages_without_arguments():
    """The names of every URL pattern that takes no argument."""

    def walk(patterns, namespace="", has_arguments=False):
        for pattern in patterns:
            arguments = has_arguments or bool(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, arguments)
            elif isinstance(pattern, URLPattern) and pattern.name and not arguments:
                yield namespace + pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def html_pages(client, rows):
    """(url, served HTML) of every page the user may GET that answers an HTML page."""
    urls = [reverse(name) for name in pages_without_arguments()]
    urls += [case.url(rows) for case in CASES if case.get]
    pages = {}
    for url in dict.fromkeys(urls):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages[url] = response.content.decode()
    return pages


@pytest.fixture
def rows(user):
    rows = one_of_each(
        user,
        firm={"name": "Firm"},
        recruiter={"name": "Recruiter"},
        role={"title": "Role"},
        interaction={"summary": "Interaction"},
        follow_up={"title": "Follow-up"},
        closed={"title": "Closed"},
    )
    written = store_payloads(user)
    for expected in ["Recruiter.name", "Recruiter.linkedin_url", "Interaction.summary"]:
        assert expected in written, f"no payload in {expected}: {written}"
    return rows


def test_no_stored_payload_runs_on_any_page(page, live_server, log_in, user, rows):
    client = Client()
    client.force_login(user)
    pages = html_pages(client, rows)
    assert len(pages) >= 15, f"too few pages found: {sorted(pages)}"

    raw = [(url, payload) for url, html in pages.items() for payload in PAYLOADS if payload in html]
    assert raw == [], "payloads served unescaped"

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
    log_in(page, user)
    injected = {}
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        if found := page.evaluate(INJECTED):
            injected[url] = found
    assert dialogs == []
    assert injected == {}
