import re

from django import template

from recruiters import paths

register = template.Library()

SAFE_SCHEMES = {"http", "https", "mailto"}

# What a browser's URL parser does before it reads the scheme (WHATWG URL): it trims C0
# controls and spaces from both ends and drops every tab and newline, so " java\tscript:"
# runs as javascript:. Judge the URL the browser will see, not the one stored.
_TRIMMED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


@register.filter
def safe_href(url):
    """The stored URL if a browser would open it as http, https or mailto; else "".

    The forms allow only web addresses, but a row written another way (an import, a
    restore, the admin, the database) could hold javascript: or data:. A template shows a
    value whose safe_href is "" as plain text, never as a link. Relative and
    scheme-relative addresses ("//host") are refused too: no stored URL should be one.
    """
    cleaned = _DROPPED.sub("", _TRIMMED.sub("", str(url or "")))
    scheme = _SCHEME.match(cleaned)
    if scheme is None or scheme.group(1).lower() not in SAFE_SCHEMES:
        return ""
    return cleaned


@register.simple_tag
def path(name, *args):
    """`{% url %}` for a row's link: `{% path "recruiter_detail" recruiter.pk %}` gives the
    same path, without asking the URL resolver again for each row (recruiters.paths)."""
    return paths.path(name, *args)
