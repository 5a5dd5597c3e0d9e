"""recruiters.paths: the same path as `reverse`, for every shape the templates ask for."""

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import path as url_path
from django.urls import reverse, set_script_prefix

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
