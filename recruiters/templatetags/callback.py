from django import template

from recruiters.digests import why

register = template.Library()

# Which of a double submission's clashing submissions you authorised, in one sentence.
register.filter("authorised_words", why.authorised_words)


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
