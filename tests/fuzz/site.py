"""The site as the fuzz test sees it: every URL pattern of the resolver, one row of each kind
to point them at, and the fields and links that the pages themselves offer.

Nothing here names an endpoint: a new URL pattern is found in the resolver, its ids are the
seeded rows', and its form fields and query parameters are read from the pages that post to
it or link to it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recruiters.models import Firm, FollowUp, ImportJob, Interaction, Recruiter, Role
from tests.factories import make_user

# Patterns not fuzzed, each with the reason. Everything else in the resolver is.
EXCLUDED_NAMESPACES = {"admin": "Django's own admin, for staff only (the fuzzed users are not)"}

# Every seeded row of the user has this id, whatever its model, so that any `<int:pk>` of
# any view, old or new, names one of the user's own rows; the other user's rows have OTHER.
OWN = 4242
OTHER = 4343
PASSWORD = "fuzz-test-password-1"


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the full pattern, includes joined, as the report shows it
    pattern: URLPattern
    prefix: str  # the path of the includes above it


def walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        else:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield (
                namespace,
                Endpoint(
                    name or prefix + str(entry.pattern), prefix + str(entry.pattern), entry, prefix
                ),
            )


def endpoints(resolver=None):
    """[Endpoint] of every pattern of the resolver (each name once) but the excluded ones."""
    found = {}
    for namespace, endpoint in walk((resolver or get_resolver()).url_patterns):
        if namespace not in EXCLUDED_NAMESPACES:
            found.setdefault(endpoint.name, endpoint)
    return list(found.values())


def parameters(endpoint):
    """The names of the path arguments of an endpoint, with "int" for an integer one."""
    pattern = endpoint.pattern.pattern
    converters = getattr(pattern, "converters", {})
    if converters:
        return {
            name: "int" if type(converter).__name__ == "IntConverter" else "str"
            for name, converter in converters.items()
        }
    return dict.fromkeys(pattern.regex.groupindex, "str")


# The seeded account -----------------------------------------------------------------------


def seed():
    """A user with one row of each kind (all with the id OWN), a user with an empty
    account (for the restore), and another user's rows (id OTHER)."""
    user = make_user("fuzz.me@example.com", password=PASSWORD)
    empty = make_user("fuzz.empty@example.com", password=PASSWORD)
    other = make_user("fuzz.other@example.com", password=PASSWORD)
    for owner, pk in ((user, OWN), (other, OTHER)):
        firm = Firm.objects.create(pk=pk, owner=owner, name=f"Acme {pk}", kind="employer")
        recruiter = Recruiter.objects.create(
            pk=pk, owner=owner, name=f"Dana {pk}", email=f"dana{pk}@example.com", firm=firm
        )
        Role.objects.create(
            pk=pk, owner=owner, title="Staff Engineer", recruiter=recruiter, employer=firm
        )
        Interaction.objects.create(pk=pk, owner=owner, recruiter=recruiter, summary="Hello")
        FollowUp.objects.create(
            pk=pk, owner=owner, title="Chase", recruiter=recruiter, due_at="2030-01-01T09:00Z"
        )
        ImportJob.objects.create(
            pk=pk,
            owner=owner,
            kind="csv",
            filename="people.csv",
            plan={
                "type": "contacts",
                "rows": [],
                "counts": {},
                "columns": {
                    "header": ["Name", "Email"],
                    "mapping": ["", ""],
                    "records": [[2, ["Ola Berg", "ola@example.com"]]],
                },
                "problem": "Choose the column that holds the name.",
            },
        )
    return user, empty, other


def reset_link_values(user):
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def row_counts():
    """{model: rows} of every model of the app but the kept state (written on reads)."""
    return {
        model.__name__: model._base_manager.count()
        for model in apps.get_app_config("recruiters").get_models()
        if not model.__name__.endswith("State")
    }


# What the pages offer ----------------------------------------------------------------------


@dataclass
class Offer:
    """What the pages offer an endpoint: form fields (name -> values seen), query
    parameters (the same), path arguments (the same), whether a form uploads a file."""

    fields: dict = field(default_factory=lambda: defaultdict(set))
    query: dict = field(default_factory=lambda: defaultdict(set))
    kwargs: dict = field(default_factory=lambda: defaultdict(set))
    uploads: set = field(default_factory=set)  # names of file inputs


class PageParser(HTMLParser):
    """The forms (action, fields) and links of a page."""

    def __init__(self):
        super().__init__()
        self.forms = []  # [(action, {name: set of values}, {file input names})]
        self.links = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = (attrs.get("action") or "", defaultdict(set), set())
            self.forms.append(self._form)
        for key in ("hx-post", "hx-get"):
            if attrs.get(key):
                self.forms.append((attrs[key], defaultdict(set), set()))
                if attrs.get("name"):
                    self.forms[-1][1][attrs["name"]].add(attrs.get("value") or "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        name = attrs.get("name")
        if self._form is None or not name:
            if tag == "option" and self._select is not None:
                self._select[1].add(attrs.get("value") or "")
            return
        if tag in ("input", "button", "textarea"):
            if attrs.get("type") == "file":
                self._form[2].add(name)
            else:
                self._form[1][name].add(attrs.get("value") or "")
        elif tag == "select":
            self._select = (name, self._form[1][name])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def endpoint_of(url, page_path):
    """(url name, kwargs, query pairs) of a link or form action on a page, or None."""
    absolute = urljoin(page_path, url)
    parts = urlsplit(absolute)
    if parts.netloc and parts.netloc not in ("testserver",):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    return name, match.kwargs, parse_qsl(parts.query, keep_blank_values=True)


def read_offers(pages):
    """{url name: Offer} from the pages [(path, html)]."""
    offers = defaultdict(Offer)
    for path, html in pages:
        parser = PageParser()
        parser.feed(html)
        for href in parser.links:
            if found := endpoint_of(href, path):
                name, kwargs, query = found
                for key, value in kwargs.items():
                    offers[name].kwargs[key].add(str(value))
                for key, value in query:
                    offers[name].query[key].add(value)
        for action, fields, uploads in parser.forms:
            if found := endpoint_of(action or path, path):
                name, kwargs, query = found
                offer = offers[name]
                for key, value in kwargs.items():
                    offer.kwargs[key].add(str(value))
                for key, value in query:
                    offer.query[key].add(value)
                for key, values in fields.items():
                    offer.fields[key] |= values
                offer.uploads |= uploads
    return offers
