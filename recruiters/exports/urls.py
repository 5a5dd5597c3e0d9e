"""Taking data out: CSV per table, the whole account as JSON, the iCalendar feed."""

from django.urls import path, re_path

from recruiters.exports import views

urlpatterns = [
    path("", views.export_page, name="export"),
    path("account.json", views.json_download, name="export_json"),
    path("restore/", views.restore_upload, name="export_restore"),
    path(
        "calendar/regenerate/", views.regenerate_calendar_token, name="export_calendar_regenerate"
    ),
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$",
        views.calendar_feed_view,
        name="export_calendar_feed",
    ),
    re_path(r"^(?P<table>[a-z-]{1,30})\.csv$", views.csv_download, name="export_csv"),
]
