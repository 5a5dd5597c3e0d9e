"""A stored URL becomes a link only with an http, https or mailto scheme, as the browser
would read it (recruiters/templatetags/links.py). The rows here are written straight
through the ORM, as an import, a restore or the admin could: the forms never see them."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from recruiters.models import Firm, Recruiter
from recruiters.templatetags.links import safe_href
from tests.factories import make_firm, make_recruiter

DANGEROUS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01\x1fjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav\r\nascript:alert(1)",
    "javascript\t:alert(1)",
    "\u00a0javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    " VBScript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "evil.example/path",
    "",
]

SAFE = [
    ("https://northwind.example/jobs?team=data", "https://northwind.example/jobs?team=data"),
    ("http://northwind.example/", "http://northwind.example/"),
    ("  HTTPS://www.linkedin.com/in/dana ", "HTTPS://www.linkedin.com/in/dana"),
    ("mailto:dana@northwind.example", "mailto:dana@northwind.example"),
    ("https://north\twind.example/", "https://northwind.example/"),
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_safe_href_refuses_every_other_scheme(url):
    assert safe_href(url) == ""


@pytest.mark.parametrize(("url", "href"), SAFE)
def test_safe_href_keeps_web_and_mail_addresses_as_the_browser_reads_them(url, href):
    assert safe_href(url) == href


def test_safe_href_of_nothing():
    assert safe_href(None) == ""


class Hrefs(HTMLParser):
    """Every href on a page, with the entities decoded as the browser decodes them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def scheme_as_browser_reads(href):
    """What a browser takes as the scheme of `href` (WHATWG URL's clean-up), or ""."""
    cleaned = re.sub(r"[\t\n\r]", "", href.strip("".join(map(chr, range(0x21)))))
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return found.group(1).lower() if found else ""


def hrefs_of(response):
    parser = Hrefs()
    parser.feed(response.content.decode())
    return parser.hrefs


PAGES = [
    ("home", None),
    ("recruiter_list", None),
    ("recruiter_detail", "recruiter"),
    ("recruiter_edit", "recruiter"),
    ("firm_list", None),
    ("firm_detail", "firm"),
    ("firm_edit", "firm"),
    ("role_board", None),
    ("who_knows", None),
    ("export", None),
    ("digest_preview", None),
    ("digest_preview_email", None),
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_no_page_links_a_stored_url_of_another_scheme(client_in, user, url):
    firm = make_firm(user, name="Northwind Talent")
    Firm.objects.filter(pk=firm.pk).update(website=url)
    recruiter = make_recruiter(user, name="Dana Reyes", firm=firm)
    Recruiter.objects.filter(pk=recruiter.pk).update(linkedin_url=url)
    rows = {"firm": firm, "recruiter": recruiter}
    for name, row in PAGES:
        response = client_in.get(reverse(name, args=[rows[row].pk] if row else []))
        assert response.status_code == 200, name
        schemes = {scheme_as_browser_reads(href) for href in hrefs_of(response)}
        # tel: and webcal: are the app's own, around a phone number and the feed's address.
        assert schemes <= {"", "http", "https", "mailto", "tel", "webcal"}, (name, schemes)
    # The address is still shown, as text, where it was a link.
    for name, row in [("firm_detail", "firm"), ("recruiter_detail", "recruiter")]:
        page = html.unescape(client_in.get(reverse(name, args=[rows[row].pk])).content.decode())
        assert url.strip() in page, name


def test_web_addresses_are_still_links(client_in, user):
    firm = make_firm(user, name="Northwind Talent", website="https://northwind.example/")
    recruiter = make_recruiter(
        user, name="Dana Reyes", firm=firm, linkedin_url="https://www.linkedin.com/in/dana"
    )
    assert "https://northwind.example/" in hrefs_of(
        client_in.get(reverse("firm_detail", args=[firm.pk]))
    )
    assert "https://www.linkedin.com/in/dana" in hrefs_of(
        client_in.get(reverse("recruiter_detail", args=[recruiter.pk]))
    )
