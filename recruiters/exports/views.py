"""Export pages. Thin: parse the request, call recruiters.exports, answer.

The calendar feed is the one page that needs no login: its unguessable token is the key.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from recruiters.exports import account_json, calendar_feed, csv_tables, restore
from recruiters.exports.account_json import SECTION_OF

# A multipart body carries a little more than the file: its headers and the CSRF token.
UPLOAD_OVERHEAD = 64 * 1024


def page_context(user, *, make_feed=True, **extra):
    """What the export page shows. `make_feed`: give the user a feed address if they have
    none yet (the page does; a refused restore changes nothing, so it does not)."""
    counts = restore.account_counts(user)
    feed = calendar_feed.feed_for(user) if make_feed else calendar_feed.existing_feed(user)
    return {
        "tables": [
            (table, counts[SECTION_OF[table.model]]) for table in csv_tables.TABLES.values()
        ],
        "account_empty": not any(counts.values()),
        "feed_url": feed and calendar_feed.feed_url(feed),
        "webcal_url": feed and calendar_feed.webcal_url(feed),
        "max_megabytes": restore.MAX_MEGABYTES,
        "time_zone": user.profile.time_zone,
        **extra,
    }


@never_cache
def export_page(request):
    return render(request, "exports/export.html", page_context(request.user))


def _filename(request, stem, extension):
    today = timezone.localdate(timezone=request.user.profile.zone)
    return f'attachment; filename="callback-{stem}-{today:%Y-%m-%d}.{extension}"'


@never_cache
@require_safe
def csv_download(request, table):
    if table not in csv_tables.TABLES:
        raise Http404("No such table.")
    rows = csv_tables.stream(csv_tables.TABLES[table], request.user)
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(request, table, "csv")
    return response


@never_cache
@require_safe
def json_download(request):
    data = account_json.export_account(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = _filename(request, "account", "json")
    return response


@csrf_exempt
@require_POST
def restore_upload(request):
    """Restore a JSON export; a body declared over the limit is refused before it is read.

    CSRF protection reads the whole body (it looks for the token among the fields), so it
    is applied after the size check, by `_restore_upload`: a refusal changes nothing.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > restore.MAX_BYTES + UPLOAD_OVERHEAD:
        error = restore.FileTooLarge(restore.too_large_message(declared))
        return _restore_failed(request, error, status=413)
    return _restore_upload(request)


@csrf_protect
def _restore_upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        error = restore.RestoreError("Choose the .json file that Callback exported.")
        return _restore_failed(request, error, status=422)
    try:
        restored = restore.restore_upload(request.user, upload)
    except restore.RestoreError as error:
        return _restore_failed(request, error, status=_status(error))
    counts = restore.describe_counts(restored.counts)
    messages.success(request, f"Restored {upload.name}: your settings, {counts}.")
    return redirect("home")


def _status(error):
    if isinstance(error, restore.AccountNotEmpty):
        return 409
    if isinstance(error, restore.FileTooLarge):
        return 413
    return 422


def _restore_failed(request, error, *, status):
    context = page_context(request.user, make_feed=False, restore_error=error)
    return render(request, "exports/export.html", context, status=status)


@login_not_required
@never_cache
@require_safe
def calendar_feed_view(request, token):
    feed = calendar_feed.feed_by_token(token)
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    body = calendar_feed.render_feed(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="callback-follow-ups.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def regenerate_calendar_token(request):
    """A new feed address; the old one stops working. htmx gets the feed section back."""
    calendar_feed.regenerate_token(request.user)
    if request.htmx:
        context = page_context(request.user, feed_regenerated=True)
        return render(request, "exports/export.html#calendar", context)
    messages.success(request, "Your calendar feed has a new address. The old one no longer works.")
    return redirect(reverse("export") + "#calendar")
