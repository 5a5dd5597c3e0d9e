"""Helpers of the import tests: files to upload, and uploading them through the pages."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recruiters.models import Firm, ImportJob, Interaction, Recruiter, Role

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upload_file(name, content):
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content)


def post_upload(client, kind, name, content, **extra):
    """POST the upload form; the response (a redirect to the preview when all is well)."""
    data = {"kind": kind, "file": upload_file(name, content), **extra}
    return client.post(reverse("import_start"), data)


def counts():
    """How many rows each table a failed import must leave alone has."""
    return {
        model.__name__: model.objects.count()
        for model in (Firm, Recruiter, Role, Interaction, ImportJob)
    }


def preview_job(response):
    """The ImportJob a successful upload redirected to."""
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(response.url.rstrip("/").split("/")[-1])
    return ImportJob.objects.get(pk=pk)


def upload_error(response):
    """The error shown on the upload form."""
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file")
    assert errors, "expected an error on the file field"
    return errors[0]


def tick_all_offered(job):
    """The row numbers the preview ticks by default."""
    return [number for number, row in enumerate(job.plan["rows"]) if row["ticked"]]


def confirm(client, job, rows=None):
    rows = tick_all_offered(job) if rows is None else rows
    return client.post(reverse("import_confirm", args=[job.pk]), {"rows": ",".join(map(str, rows))})


@pytest.fixture
def connections_csv():
    return (FIXTURES / "Connections.csv").read_bytes()
