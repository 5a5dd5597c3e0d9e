from django import template

from recruiters import dates
from recruiters import why as explanations

register = template.Library()

# Which of a double submission's clashing submissions you authorised, in one sentence.
register.filter("authorised_words", explanations.authorised_words)


@register.filter(expects_localtime=True)
def when(value, format):
    """`{{ value|date:format }}` for a row's date, in a tenth of its time (recruiters.dates).
    As `date` does, it is given a datetime in the current time zone, or in the one that
    `|timezone:zone` put it in, and gives "" for no date."""
    return "" if value in (None, "") else dates.wall_clock(value, format)


@register.simple_tag(takes_context=True)
def why(context, kind, row):
    """Why `row` is in the dashboard's section of `kind`: the digest's words (recruiters/why.py)."""
    return explanations.sentence(kind, row, now=context["now"], profile=context["profile"])


@register.filter
def duration_words(delta):
    """A timedelta as a person would say it: "45 minutes", "5 hours", "3 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        count, unit = round(minutes / (24 * 60)), "day"
    elif minutes >= 60:
        count, unit = round(minutes / 60), "hour"
    else:
        count, unit = minutes, "minute"
    return f"{count} {unit}{'' if count == 1 else 's'}"
