"""While the database cannot be reached (a PostgreSQL primary failing over, docs/deploy.md "Primary
failover"), every request answers a clear 503 with Retry-After instead of a traceback or a bare 500:
a short page for browsers, the API's JSON error body under /api/.

Django turns an exception into a 500 response at the layer where it was raised (the session and
user are read inside the middleware, long before the view), so no outer middleware sees the
exception itself. `got_request_exception`, which Django sends for every such exception, marks the
request; DatabaseUnavailableMiddleware, outside every middleware that reads the database, then
answers 503 in place of that 500 (the traceback is still logged, as for any 500). DRF views catch
their own exceptions first: lms_site/api_errors.py maps the same errors to the same 503.

OperationalError and InterfaceError are what the drivers raise when the server is down, refuses,
restarts or is read-only; a request that met one may be retried as it is."""

import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse

UNAVAILABLE = (OperationalError, InterfaceError)
#: What the 503 suggests: about the time a standby takes to be promoted and DATABASE_URL repointed.
RETRY_AFTER_SECONDS = 30
MESSAGE = "The database is unavailable for a moment (maintenance or a failover). Please try again shortly."


@receiver(got_request_exception)
def _note_database_down(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], UNAVAILABLE):
        request.database_unavailable = True


def unavailable_response(request):
    if request.path.startswith("/api/"):
        from lms_site.api_errors import error_body

        response = JsonResponse(error_body(status_code=503, code="database_unavailable", message=MESSAGE), status=503)
    else:
        # No request context: its processors (the user, messages) would read the database again.
        response = SimpleTemplateResponse("database_unavailable.html", {"message": MESSAGE}, status=503).render()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False):
            return unavailable_response(request)
        return response
