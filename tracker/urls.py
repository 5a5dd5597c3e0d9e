from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("recruiters.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("recruiters.urls")),
]

# 503 with Retry-After when the database or the task queue is down, else our 500 page.
handler500 = "recruiters.outages.server_error"
