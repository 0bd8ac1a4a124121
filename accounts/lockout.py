"""What a locked-out caller is told, on every way in (django-axes counts the failures).

The log-in page and the admin's log-in get a page saying when to try again (axes' middleware calls
`lockout_response`, settings.AXES_LOCKOUT_CALLABLE); the API's token endpoint raises `LockedOut`,
a 429 in the API's JSON error body with `Retry-After`.
"""

import math
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions, status


def time_left(request, credentials: dict | None = None) -> timedelta:
    """How long until the newest counted failure of this account or address leaves the window."""
    counted = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    newest_each = (qs.order_by("-attempt_time").values_list("attempt_time", flat=True)[:1] for qs in counted)
    times = [moment for newest in newest_each for moment in newest]
    cool_off = get_cool_off(request) or timedelta(0)
    if not times:
        return cool_off
    newest = max(times)
    return max(newest + cool_off - timezone.now(), timedelta(seconds=1))


def message(left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed log-ins for this account or from your address. Try again in {minutes} {unit}, "
        "or ask a site administrator to unlock it."
    )


def lockout_response(request, original_response=None, credentials: dict | None = None):
    left = time_left(request, credentials)
    response = render(
        request, "registration/locked_out.html", {"message": message(left)}, status=status.HTTP_429_TOO_MANY_REQUESTS
    )
    response["Retry-After"] = str(math.ceil(left.total_seconds()))
    return response


class LockedOut(exceptions.APIException):
    """A 429 like a throttle's (`wait` becomes `Retry-After`), with its own code and message."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, request, credentials: dict | None = None):
        left = time_left(request, credentials)
        self.wait = math.ceil(left.total_seconds())
        super().__init__(message(left), self.default_code)
