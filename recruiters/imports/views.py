"""The import pages: upload, preview (with the columns of a generic CSV), confirm, progress.

Every view finds the job among the user's own (another user's job id is a 404).
"""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from recruiters.imports import apply, files, generic, services
from recruiters.imports.files import BadFile
from recruiters.imports.forms import UploadForm
from recruiters.models import ImportJob
from recruiters.selectors import owned_or_404

FINISHED = (ImportJob.State.DONE, ImportJob.State.FAILED)


@csrf_exempt
def import_start(request):
    """The upload page. An upload over the size limit is cut short as it arrives: the
    size handler goes in before anything reads the request (hence the CSRF check below)."""
    size_limit = files.SizeLimitHandler(request)
    if request.method == "POST":
        request.upload_handlers.insert(0, size_limit)
    return upload(request, size_limit)


@csrf_protect
def upload(request, size_limit):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and size_limit.too_big:
        form.is_valid()
        form.errors.pop("file", None)
        try:
            files.check_size(size_limit.too_big)
        except BadFile as problem:
            form.add_error("file", str(problem))
    elif form.is_valid():
        try:
            job = services.start_import(
                request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                me=form.cleaned_data["me"],
            )
        except BadFile as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("import_preview", job.pk)
    context = {
        "form": form,
        "kinds": services.KINDS,
        "jobs": ImportJob.objects.owned_by(request.user).defer("plan")[:10],
    }
    return render(request, "imports/start.html", context)


def preview_context(job):
    plan = job.plan
    rows = [
        (number, {**row, "when": datetime.fromisoformat(row["occurred_at"])})
        if "occurred_at" in row
        else (number, row)
        for number, row in enumerate(plan["rows"])
    ]
    context = {"job": job, "plan": plan, "rows": rows, "zone": job.owner.profile.time_zone}
    if left_out := plan.get("left_out"):
        context["left_out"] = {
            **left_out,
            "rows": [
                {**row, "when": datetime.fromisoformat(row["occurred_at"])}
                for row in left_out["rows"]
            ],
            "more": left_out["total"] - len(left_out["rows"]),
        }
    if columns := plan.get("columns"):
        samples = columns["records"][:3]
        context["columns"] = [
            {
                "index": index,
                "name": name or f"Column {index + 1}",
                "field": columns["mapping"][index] if index < len(columns["mapping"]) else "",
                "sample": next(
                    (cells[index] for _, cells in samples if index < len(cells) and cells[index]),
                    "",
                ),
            }
            for index, name in enumerate(columns["header"])
        ]
        context["fields"] = generic.FIELDS
    return context


def import_preview(request, pk):
    job = owned_or_404(ImportJob, request.user, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect("import_progress", job.pk)
    return render(request, "imports/preview.html", preview_context(job))


@require_POST
def import_columns(request, pk):
    """A generic CSV's columns chosen: the preview again (htmx: its body only)."""
    job = owned_or_404(ImportJob, request.user, pk)
    if job.state != ImportJob.State.PREVIEW or "columns" not in job.plan:
        return redirect("import_progress", job.pk)
    width = len(job.plan["columns"]["header"])
    services.choose_columns(job, [request.POST.get(f"column-{i}", "") for i in range(width)])
    if request.htmx:
        return render(request, "imports/preview.html#body", preview_context(job))
    return redirect("import_preview", job.pk)


def ticked_numbers(post):
    """The row numbers ticked: "rows" (a comma-separated list that the page's script sends,
    however many rows there are), else one "row" field per checkbox."""
    raw = post["rows"].split(",") if "rows" in post else post.getlist("row")
    return {int(value) for value in (v.strip() for v in raw) if is_row_number(value)}


def is_row_number(value):
    """ASCII digits only: "²".isdigit() is true, yet int() fails on it (and reads "١" as 1)."""
    return value.isascii() and value.isdigit() and len(value) < 9


@require_POST
def import_confirm(request, pk):
    job = owned_or_404(ImportJob, request.user, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect("import_progress", job.pk)
    try:
        job = services.confirm(job, ticked_numbers(request.POST))
    except BadFile as problem:
        messages.error(request, f"{problem} Nothing was imported.")
        return redirect("import_preview", job.pk)
    if job.state == ImportJob.State.DONE:
        messages.success(request, f"Imported {job.filename}: {apply.describe(job)}")
        return redirect("recruiter_list")
    return redirect("import_progress", job.pk)


def import_progress(request, pk):
    """A running import's progress; htmx polls the partial, which stops polling when done
    (HTTP 286, and the finished partial has no trigger)."""
    job = get_object_or_404(ImportJob.objects.owned_by(request.user).defer("plan"), pk=pk)
    if job.state == ImportJob.State.PREVIEW:
        return redirect("import_preview", job.pk)
    finished = job.state in FINISHED
    context = {"job": job, "finished": finished}
    if job.state == ImportJob.State.DONE:
        context["result"] = apply.describe(job)
    if request.htmx:
        return render(
            request, "imports/progress.html#progress", context, status=286 if finished else 200
        )
    return render(request, "imports/progress.html", context)


@require_POST
def import_discard(request, pk):
    job = owned_or_404(ImportJob, request.user, pk)
    if services.discard(job):
        messages.success(request, f"Discarded the import of {job.filename}.")
    return redirect("import_start")
