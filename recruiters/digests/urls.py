from django.urls import path

from recruiters.digests import views

urlpatterns = [
    path("preview/", views.preview, name="digest_preview"),
    path("preview/email/", views.preview_email, name="digest_preview_email"),
    path("test/", views.send_test, name="digest_send_test"),
    path("settings/", views.digest_settings, name="digest_settings"),
    path(
        "follow-up/<str:action>/<str:token>/",
        views.follow_up_link,
        name="digest_follow_up",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="digest_unsubscribe"),
]
