from django.urls import path

from recruiters.imports import views

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/columns/", views.import_columns, name="import_columns"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<int:pk>/discard/", views.import_discard, name="import_discard"),
]
