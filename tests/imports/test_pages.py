"""The import pages: upload, preview, confirm (inline or as a Celery task), progress, discard."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from recruiters.imports import services, tasks, urls
from recruiters.models import ImportJob, Recruiter
from tests.factories import make_user
from tests.imports.conftest import confirm, post_upload, preview_job

pytestmark = pytest.mark.django_db


def connections(n, *, first_line=""):
    """A Connections.csv of `n` recruiters."""
    rows = [
        f"Person{i},Surname{i},https://www.linkedin.com/in/person-{i},,Firm {i % 7},Recruiter,"
        "24 Nov 2026"
        for i in range(n)
    ]
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    return "\n".join([header, *rows]) + "\n"


def test_upload_page(client_in):
    response = client_in.get(reverse("import_start"))
    content = response.content.decode()
    assert response.status_code == 200
    for kind in services.KINDS.values():
        assert kind.label in content
    assert 'enctype="multipart/form-data"' in content


def test_upload_page_lists_only_my_recent_imports(client_in, user, other_user):
    ImportJob.objects.create(owner=user, kind="vcard", filename="mine.vcf")
    ImportJob.objects.create(owner=other_user, kind="vcard", filename="theirs.vcf")
    content = client_in.get(reverse("import_start")).content.decode()
    assert "mine.vcf" in content
    assert "theirs.vcf" not in content


def test_a_small_import_is_applied_at_once(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(3)))
    response = confirm(client_in, job)
    assert response.url == reverse("recruiter_list")
    page = client_in.get(response.url).content.decode()
    assert "Imported c.csv: 3 recruiters added, 3 new firms." in page
    assert "Person2 Surname2" in page


def test_a_large_import_fails_clearly_when_the_task_queue_is_down(
    client_in, user, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(args, **options):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.apply_import, "apply_async", broker_down)
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(600)))

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client_in, job)

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    page = client_in.get(response.url).content.decode()
    assert "task queue is not reachable right now, so nothing was imported" in page
    assert Recruiter.objects.count() == 0


def test_a_large_import_runs_as_a_task_with_progress(
    client_in, user, monkeypatch, django_capture_on_commit_callbacks, htmx_headers
):
    queued = []
    monkeypatch.setattr(
        tasks.apply_import, "apply_async", lambda args, **options: queued.append(*args)
    )
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(600)))

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client_in, job)

    progress_url = reverse("import_progress", args=[job.pk])
    assert response.url == progress_url
    assert queued == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.total, job.processed) == ("queued", 600, 0)
    assert Recruiter.objects.count() == 0

    page = client_in.get(progress_url).content.decode()
    assert "Waiting for a worker to start" in page
    assert 'hx-trigger="every 1s"' in page
    ImportJob.objects.filter(pk=job.pk).update(state="running", processed=150)
    partial = client_in.get(progress_url, headers=htmx_headers)
    assert partial.status_code == 200
    assert "150 of 600 rows (25%)" in partial.content.decode()
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(state="queued", processed=0)

    tasks.apply_import(job.pk)

    job.refresh_from_db()
    assert (job.state, job.processed) == ("done", 600)
    assert Recruiter.objects.filter(owner=user).count() == 600
    partial = client_in.get(progress_url, headers=htmx_headers)
    assert partial.status_code == 286, "stops htmx polling"
    assert "hx-trigger" not in partial.content.decode()
    assert "600 recruiters added, 7 new firms." in partial.content.decode()

    tasks.apply_import(job.pk)  # delivered twice: applied once
    assert Recruiter.objects.count() == 600


def test_a_job_left_running_by_a_dead_worker_is_applied_when_its_task_comes_back(
    client_in, user, monkeypatch
):
    monkeypatch.setattr(tasks.apply_import, "apply_async", lambda args, **options: None)
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(600)))
    confirm(client_in, job)
    recently = timezone.now() - tasks.LEASE + timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(state="running", processed=500, updated_at=recently)

    tasks.apply_import(job.pk)  # the worker may still be alive: leave it alone
    job.refresh_from_db()
    assert (job.state, Recruiter.objects.count()) == ("running", 0)

    long_ago = timezone.now() - tasks.LEASE - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    tasks.apply_import(job.pk)  # redelivered after the worker died mid-import

    job.refresh_from_db()
    assert (job.state, job.processed) == ("done", 600)
    assert Recruiter.objects.filter(owner=user).count() == 600


def test_a_failed_task_writes_nothing_and_says_why(client_in, user, monkeypatch):
    monkeypatch.setattr(tasks.apply_import, "apply_async", lambda args, **options: None)
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(600)))
    confirm(client_in, job)
    job.refresh_from_db()
    job.plan["rows"][550]["name"] = "x" * 300  # longer than a name may be
    job.plan["rows"][550]["line"] = 552
    ImportJob.objects.filter(pk=job.pk).update(plan=job.plan)

    tasks.apply_import(job.pk)

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error.startswith("Line 552: This row cannot be imported (name: ")
    assert job.error.endswith("Nothing was imported.")
    assert Recruiter.objects.count() == 0
    page = client_in.get(reverse("import_progress", args=[job.pk])).content.decode()
    assert "Line 552: This row cannot be imported" in page


def test_preview_of_a_confirmed_job_goes_to_its_progress(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(2)))
    confirm(client_in, job)
    response = client_in.get(reverse("import_preview", args=[job.pk]))
    assert response.url == reverse("import_progress", args=[job.pk])
    page = client_in.get(response.url).content.decode()
    assert "2 recruiters added" in page


def test_discard(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(2)))
    response = client_in.post(reverse("import_discard", args=[job.pk]))
    assert response.url == reverse("import_start")
    assert not ImportJob.objects.exists()
    assert Recruiter.objects.count() == 0


def test_more_ticked_rows_than_django_accepts_fields(client_in, user):
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(1200)))
    rows = list(range(1200))
    # The page's script sends one "rows" field; 1200 "row" fields would be refused (400).
    assert (
        client_in.post(reverse("import_confirm", args=[job.pk]), {"row": rows}).status_code == 400
    )
    response = client_in.post(
        reverse("import_confirm", args=[job.pk]), {"rows": ",".join(map(str, rows))}
    )
    assert response.status_code == 302


# Isolation: another user's job id is a 404 on every URL that takes one ----------------------

URLS_WITH_AN_ID = [
    ("import_preview", "get"),
    ("import_columns", "post"),
    ("import_confirm", "post"),
    ("import_progress", "get"),
    ("import_discard", "post"),
]


def test_every_import_url_with_an_id_is_covered():
    names = {
        pattern.name
        for pattern in urls.urlpatterns
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    }
    assert names == {name for name, _ in URLS_WITH_AN_ID}


@pytest.fixture
def their_job(other_user):
    client = Client()
    client.force_login(other_user)
    response = post_upload(
        client, "csv", "theirs.csv", "Name,Company\nZebulon Otherworld,Othercorp\n"
    )
    return preview_job(response)


@pytest.mark.parametrize(("name", "method"), URLS_WITH_AN_ID)
def test_another_users_job_is_not_found(client_in, their_job, htmx_headers, name, method):
    url = reverse(name, args=[their_job.pk])
    data = {"rows": "0", "column-0": "name"}
    before = list(ImportJob.objects.values())

    assert getattr(client_in, method)(url, data).status_code == 404
    assert getattr(client_in, method)(url, data, headers=htmx_headers).status_code == 404
    other = "post" if method == "get" else "get"
    assert getattr(client_in, other)(url, data).status_code in (404, 405)

    assert list(ImportJob.objects.values()) == before
    assert Recruiter.objects.count() == 0


@pytest.mark.parametrize(("name", "method"), URLS_WITH_AN_ID)
def test_the_same_request_on_my_own_job_works(client_in, user, name, method):
    job = preview_job(
        post_upload(client_in, "csv", "mine.csv", "Name,Company\nDana Reyes,Northwind\n")
    )
    response = getattr(client_in, method)(
        reverse(name, args=[job.pk]), {"rows": "0", "column-0": "name"}
    )
    assert response.status_code in (200, 302)


def test_a_job_is_only_ever_listed_for_its_owner(client_in, their_job):
    make_user()
    content = client_in.get(reverse("import_start")).content.decode()
    assert "theirs.csv" not in content


@pytest.mark.parametrize("rows", ["²", "0,²", "١", "-1", "1e3", "٣,0"])
def test_ticked_numbers_that_are_not_ascii_digits_are_ignored(client_in, user, rows):
    """ "²".isdigit() is true but int("²") fails: such a number ticks nothing."""
    job = preview_job(post_upload(client_in, "linkedin_connections", "c.csv", connections(2)))
    response = client_in.post(reverse("import_confirm", args=[job.pk]), {"rows": rows})
    assert response.status_code == 302
    ticked = "0" in rows.split(",")
    assert Recruiter.objects.count() == (1 if ticked else 0)
    if not ticked:
        assert response.url == reverse("import_preview", args=[job.pk])
