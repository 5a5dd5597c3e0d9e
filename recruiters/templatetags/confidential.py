"""Badges for what is tied to your current employer (recruiters.confidential.Ties).

`{% tie_badge row %}` shows "Tied to your employer (Acme)" on a tied firm, recruiter, role
or follow-up, and nothing otherwise; `{% tie_of row as tie %}` gives the Tie (or None) to a
template that says more. Both ask the request's Ties, so a page costs the same few queries
however many rows it flags.
"""

from django import template

from recruiters import confidential

register = template.Library()


def _tie(context, row):
    request = context.get("request")
    if row is None or request is None or not request.user.is_authenticated:
        return None
    return confidential.for_request(request).of(row)


@register.inclusion_tag("confidential/_tie_badge.html", takes_context=True)
def tie_badge(context, row):
    return {"tie": _tie(context, row)}


@register.simple_tag(takes_context=True)
def tie_of(context, row):
    return _tie(context, row)
