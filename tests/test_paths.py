"""recruiters.paths: the same path as `reverse`, for every shape the templates ask for."""

import pytest
from django.core import signing
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.urls import path as url_path
from hypothesis import given
from hypothesis import strategies as st

from recruiters import paths

ROWS = [
    ("recruiter_detail", 7),
    ("firm_detail", 12),
    ("follow_up_edit", 3),
    ("role_edit", 40),
    ("role_authorise", 40),
    ("interaction_edit", 9),
    ("follow_up_action", 3, "done"),
    ("follow_up_action", 1234567, "snooze"),
    ("recruiter_action", 7, "replied"),
    ("recruiter_action", 7, "tier"),
    ("role_board",),
    ("home",),
    ("recruiter_detail", paths.PLACEHOLDER),  # an id that is the placeholder is an id too
    # A word that holds the placeholder: asked of `reverse` itself.
    ("digest_follow_up", "done", f"x{paths.PLACEHOLDER}y"),
    # Tokens, as the digest's links carry them, and one the placeholder is in.
    ("digest_follow_up", "snooze", paths.Segment(signing.dumps({"f": 3}, salt="s"))),
    ("digest_unsubscribe", paths.Segment(signing.dumps({"u": 1}, salt="u"))),
    ("digest_unsubscribe", paths.Segment(f"a:{paths.PLACEHOLDER}:b")),
]

# A second URL conf for the override below: the same name, another path.
urlpatterns = [url_path("elsewhere/", lambda request: HttpResponse(), name="home")]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: "-".join(map(str, row)))
def test_the_same_path_as_reverse(row):
    name, *args = row
    assert paths.path(name, *args) == reverse(name, args=args)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: "-".join(map(str, row)))
def test_under_a_script_prefix_too(row):
    name, *args = row
    paths.path(name, *args)  # its pattern learnt without the prefix
    set_script_prefix("/callback/")
    try:
        found = paths.path(name, *args)
        assert found == reverse(name, args=args) and found.startswith("/callback/")
    finally:
        set_script_prefix("/")


def test_another_url_conf_is_read_afresh(settings):
    assert paths.path("home") == reverse("home")
    settings.ROOT_URLCONF = __name__
    assert paths.path("home") == "/elsewhere/"


def test_the_template_tag_gives_the_path_and_can_name_it():
    template = Template(
        "{% load links %}{% path 'follow_up_action' pk 'done' as done %}"
        "<a href=\"{% path 'recruiter_detail' pk %}\">{{ done }}</a>"
    )
    assert template.render(Context({"pk": 31})) == (
        f'<a href="{reverse("recruiter_detail", args=[31])}">'
        f"{reverse('follow_up_action', args=[31, 'done'])}</a>"
    )


@given(st.text(min_size=1))
def test_a_segment_of_any_text_is_what_reverse_makes_of_it(text):
    """Quoted where `reverse` quotes (a space, "é", "%"), refused where it refuses ("/")."""
    try:
        expected = reverse("digest_unsubscribe", args=[text])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            paths.path("digest_unsubscribe", paths.Segment(text))
    else:
        assert paths.path("digest_unsubscribe", paths.Segment(text)) == expected
