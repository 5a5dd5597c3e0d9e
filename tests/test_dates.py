"""recruiters.dates: what the template filter `date` shows, in the current time zone, for
every format that the sentences (recruiters.why) and the templates' `when` ask for."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, timezone
from hypothesis import given
from hypothesis import strategies as st

from recruiters import dates

ZONES = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kathmandu"]


def formats_in_use():
    """Every format given to `when` in a template or to `_when` in recruiters/why.py."""
    root = Path(settings.BASE_DIR)
    sources = [*(root / "templates").rglob("*.html"), root / "recruiters" / "why.py"]
    found = set()
    for source in sources:
        text = source.read_text()
        found |= set(re.findall(r"""\|when:["']([^"']+)["']""", text))
        found |= set(re.findall(r"""_when\([^,]+, ["']([^"']+)["']\)""", text))
    return sorted(found)


FORMATS = formats_in_use()
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))


def test_the_formats_in_use_are_found():
    assert {"D j M, H:i", "D j M Y, H:i", "j M", "j M Y", "c", "j M Y, H:i", "H:i"} <= set(FORMATS)


@given(moments, st.sampled_from(ZONES), st.sampled_from(FORMATS))
def test_a_moment_as_the_date_filter_shows_it_in_the_current_zone(moment, zone, format):
    moment = moment.replace(tzinfo=UTC)
    with timezone.override(zone):
        expected = formats.date_format(timezone.localtime(moment), format)
        assert dates.local(moment, format) == expected


@given(st.dates(min_value=date(1990, 1, 1)), st.sampled_from(["j M", "j M Y", "c"]))
def test_a_day_as_the_date_filter_shows_it(day, format):
    assert dates.local(day, format) == formats.date_format(day, format)


@given(
    st.one_of(st.none(), st.just(""), moments.map(lambda m: m.replace(tzinfo=UTC))),
    st.sampled_from(["", "|timezone:'America/Los_Angeles'"]),
)
def test_the_when_filter_shows_what_the_date_filter_shows(value, in_zone):
    """In the current time zone, or in the one a `timezone` filter before it names."""
    context = Context({"value": value})
    when = Template("{% load callback tz %}{{ value" + in_zone + '|when:"D j M, H:i" }}')
    date = Template("{% load tz %}{{ value" + in_zone + '|date:"D j M, H:i" }}')
    with timezone.override("Asia/Tokyo"):
        assert when.render(context) == date.render(context)


def test_a_letter_it_does_not_know_is_refused_rather_than_shown_as_it_is():
    with pytest.raises(ValueError, match="No date letter F"):
        dates.local(date(2026, 12, 2), "j F")
