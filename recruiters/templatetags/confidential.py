"""Badges for what is tied to your current employer (recruiters.confidential.Ties).

`{% tie_badge row %}` shows "Tied to your employer (Acme)" on a tied firm, recruiter, role
or follow-up, and nothing otherwise; `{% tie_of row as tie %}` gives the Tie (or None) to a
template that says more. Both ask the request's Ties, so a page costs the same few queries
however many rows it flags.
"""

from django import template
from django.utils.html import format_html

from recruiters import confidential

register = template.Library()


def _tie(context, row):
    request = context.get("request")
    if row is None or request is None or not request.user.is_authenticated:
        return None
    return confidential.for_request(request).of(row)


@register.simple_tag(takes_context=True)
def tie_badge(context, row):
    # Markup here, not an included template: a page asks this of every row, and most
    # rows are not tied.
    tie = _tie(context, row)
    if tie is None:
        return ""
    return format_html(
        '<span class="badge tied" title="{}">{}<span class="visually-hidden">: {}</span></span>',
        tie.reason,
        tie.label,
        tie.reason,
    )


@register.simple_tag(takes_context=True)
def tie_of(context, row):
    return _tie(context, row)
