"""The quick "log an interaction" form on a recruiter's page, with and without htmx."""

from django.urls import reverse
from django.utils import timezone

from recruiters.models import Interaction
from tests.factories import make_interaction, make_recruiter, make_role


def payload(**overrides):
    data = {
        "direction": "inbound",
        "kind": "role_pitch",
        "channel": "linkedin",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Pitched a staff role at Acme",
        "value": "role_lead",
    }
    return {**data, **overrides}


def test_htmx_post_returns_the_partial_with_the_new_entry(client_in, user, htmx_headers):
    recruiter = make_recruiter(user, name="Dana Reyes")
    make_interaction(
        recruiter, summary="An older note", occurred_at=timezone.now() - timezone.timedelta(days=3)
    )

    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]), payload(), headers=htmx_headers
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the partial, not the page
    assert html.lstrip().startswith('<section class="card" id="quick-log">')
    assert html.index("Pitched a staff role at Acme") < html.index("An older note")
    assert 'name="summary"' in html and "Pitched a staff role at Acme</textarea>" not in html
    # An encrypted summary cannot be searched in SQL (docs/encryption.md): compare in Python.
    (logged,) = [
        i for i in Interaction.objects.all() if i.summary == "Pitched a staff role at Acme"
    ]
    assert (logged.owner, logged.recruiter, logged.value) == (user, recruiter, "role_lead")


def test_plain_post_redirects_to_the_recruiter_page(client_in, user):
    recruiter = make_recruiter(user)

    response = client_in.post(reverse("log_interaction", args=[recruiter.pk]), payload())

    assert response.status_code == 302
    assert response["Location"] == recruiter.get_absolute_url()
    page = client_in.get(response["Location"]).content.decode()
    assert "Pitched a staff role at Acme" in page
    assert "Interaction logged." in page


def test_htmx_post_with_errors_returns_the_form_with_errors_and_saves_nothing(
    client_in, user, htmx_headers
):
    recruiter = make_recruiter(user)
    future = (timezone.localtime() + timezone.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]),
        payload(occurred_at=future, summary="Kept text"),
        headers=htmx_headers,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "An interaction cannot be in the future." in html
    assert "Kept text</textarea>" in html
    assert not Interaction.objects.exists()


def test_plain_post_with_errors_rerenders_the_page_with_422(client_in, user):
    recruiter = make_recruiter(user)

    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]), payload(direction="sideways")
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Interaction.objects.exists()


def test_role_choices_are_the_recruiters_own_roles(client_in, user):
    recruiter = make_recruiter(user)
    own = make_role(user, title="Their role", recruiter=recruiter)
    make_role(user, title="Someone else's pitch", recruiter=make_recruiter(user))

    page = client_in.get(recruiter.get_absolute_url()).content.decode()

    assert f'value="{own.pk}"' in page
    assert "Someone else&#x27;s pitch" not in page


def test_get_is_not_allowed(client_in, user):
    recruiter = make_recruiter(user)
    assert client_in.get(reverse("log_interaction", args=[recruiter.pk])).status_code == 405


def test_htmx_log_also_refreshes_the_health_card(client_in, user, htmx_headers):
    recruiter = make_recruiter(user)

    response = client_in.post(
        reverse("log_interaction", args=[recruiter.pk]),
        payload(direction="outbound", kind="check_in", value="referral"),
        headers=htmx_headers,
    )

    html = response.content.decode()
    assert '<section class="card health" id="health" hx-swap-oob="true">' in html
    assert "1 given, 0 received" in html
