"""Targeted probes: the query strings that once answered 500."""

import pytest
from django.urls import reverse

from tests.factories import make_recruiter


@pytest.mark.parametrize("query", ["%00", "Dana%00", "%00%ED%A0%80"])
def test_a_search_with_a_nul_is_a_clear_400(client_in, user, query):
    make_recruiter(user, name="Dana Reyes")
    response = client_in.get(f"{reverse('recruiter_list')}?q={query}")
    assert response.status_code == 400
    assert "A search cannot hold a NUL character (U+0000)" in response.content.decode()


def test_a_lone_surrogate_in_a_search_is_read_as_a_replacement_character(client_in, user):
    make_recruiter(user, name="Dana Reyes")
    response = client_in.get(f"{reverse('recruiter_list')}?q=%ED%A0%80")
    assert response.status_code == 200
    assert "Dana Reyes" not in response.content.decode()
