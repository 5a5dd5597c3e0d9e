"""The settings page: the thresholds of the rules, validated, and pausing the search."""

import pytest
from django.urls import reverse

from recruiters.forms import ProfileForm
from recruiters.models import PROFILE_THRESHOLDS
from tests.test_forms import settings_data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("silence_days_agency", "0"),
        ("silence_days_in_house", "366"),
        ("dormant_after_days", "-5"),
        ("one_sided_window_days", "400"),
        ("feedback_business_days", "21"),
        ("pitch_answer_days", "ten"),
        ("check_in_days", ""),
    ],
)
def test_a_threshold_out_of_range_is_refused_and_nothing_changes(client_in, user, field, value):
    before = ProfileForm(instance=user.profile).initial

    response = client_in.post(reverse("settings"), settings_data(user.profile, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    user.profile.refresh_from_db()
    assert ProfileForm(instance=user.profile).initial == before


def test_thresholds_are_saved_and_used_by_the_rules(client_in, user):
    data = settings_data(user.profile, silence_days_agency="3", one_sided_window_days="30")
    assert client_in.post(reverse("settings"), data).status_code == 302
    user.profile.refresh_from_db()
    assert (user.profile.silence_days_agency, user.profile.one_sided_window_days) == (3, 30)


def test_pausing_the_search_records_when_and_unpausing_clears_it(client_in, user):
    client_in.post(reverse("settings"), settings_data(user.profile, search_paused="on"))
    user.profile.refresh_from_db()
    paused_at = user.profile.search_paused_at
    assert paused_at is not None

    client_in.post(reverse("settings"), settings_data(user.profile, search_paused="on"))
    user.profile.refresh_from_db()
    assert user.profile.search_paused_at == paused_at  # saving again keeps the first moment

    data = settings_data(user.profile)
    data.pop("search_paused", None)
    client_in.post(reverse("settings"), data)
    user.profile.refresh_from_db()
    assert user.profile.search_paused_at is None


def test_the_page_shows_every_threshold_with_its_current_value(client_in, user):
    html = client_in.get(reverse("settings")).content.decode()
    for field in ProfileForm.THRESHOLD_LIMITS:
        assert f'name="{field}"' in html
    assert 'name="silence_days_retained" value="14"' in html


def test_the_settings_page_limits_every_threshold_of_the_profile():
    assert set(ProfileForm.THRESHOLD_LIMITS) == set(PROFILE_THRESHOLDS)
