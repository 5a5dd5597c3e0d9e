"""The pages a request gets when it fails: 503 when something Callback needs is down, 500
for anything else.

A database that cannot be reached (the DB-API's OperationalError and InterfaceError: a
refused or dropped connection, a server restarting) and a task queue that cannot take a
task are outages: the same request succeeds once they are back, so the answer is 503 with
Retry-After, which clients and crawlers honour. Views that can do without the queue (the
test digest, imports) catch its error themselves and still answer 200; this is for the rest.

This is Django's handler500, not a middleware's process_exception: the database is first
touched by middleware (the session, the logged-in user) or when ATOMIC_REQUESTS opens the
request's transaction, and an error there never reaches process_exception. Django calls
handler500 for every uncaught error, while that error is being handled.

Both pages render from their template alone, with no request context: no context
processor, no session, nothing that could need the database that is down. ATOMIC_REQUESTS
rolled the request's writes back, so the pages can say that nothing was half saved.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from kombu.exceptions import OperationalError as BrokerError

RETRY_AFTER_SECONDS = 30


def outage(error):
    """What is down, if `error` says a service is unreachable ("database", "task queue")."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return "database"
    if isinstance(error, BrokerError):
        return "task queue"
    return None


def server_error(request):
    """handler500: 503 with Retry-After for an outage, our 500 page for anything else.

    htmx swaps no 5xx answer into the page, so an htmx request is told to reload the page
    instead (HX-Refresh): the reload shows this page while the outage lasts, and the page
    as it now is once it is over.
    """
    down = outage(sys.exception())
    template = "503.html" if down else "500.html"
    context = {"down": down, "retry_after": RETRY_AFTER_SECONDS}
    response = HttpResponse(
        loader.get_template(template).render(context), status=503 if down else 500
    )
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        if request.headers.get("HX-Request") == "true":
            response["HX-Refresh"] = "true"
    return response
