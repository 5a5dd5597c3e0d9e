"""The project's URLs and handler500, plus two views that fail, for tests/test_outages.py."""

from celery import current_app
from django.urls import path

from recruiters.digests.tasks import send_test_digest
from recruiters.digests.views import PUBLISH_RETRY_POLICY
from tracker import urls


def fail(request):
    raise RuntimeError("a bug in a view")


def queue_without_a_fallback(request):
    """Hand a task to the broker at ?broker=URL and let its error escape, as a view that
    cannot do without the queue would."""
    with current_app.connection_for_write(request.GET["broker"]) as connection:
        send_test_digest.apply_async(
            (request.user.pk,), connection=connection, retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
    return None


urlpatterns = [
    path("outage-test/fail/", fail),
    path("outage-test/queue/", queue_without_a_fallback),
    *urls.urlpatterns,
]
handler500 = urls.handler500
