"""One JSON error body for the whole API, whatever raised the error:

    {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}

`fields` maps an input field to its messages and is present on validation errors only. DRF's own
exceptions, Django's ValidationError, PermissionDenied, Http404 and RequestDataTooBig all arrive
here, and so does anything unexpected: a client always gets JSON, never an HTML page.
"""

import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from lms_site import database_down

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class SecondFactorRequired(exceptions.APIException):
    """The account has two-factor authentication and the request has not proven the second factor."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "This account uses two-factor authentication: the second factor is required."
    default_code = "second_factor_required"


class DatabaseUnavailable(exceptions.APIException):
    """The database cannot be reached (a failover): retry later. lms_site/database_down.py."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = database_down.MESSAGE
    default_code = "database_unavailable"
    wait = database_down.RETRY_AFTER_SECONDS


class PaymentsUnavailable(exceptions.APIException):
    """Stripe did not answer or refused the call: nothing was charged; retry later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The payment service is unavailable for a moment: nothing was charged."
    default_code = "payments_unavailable"
    wait = 30


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    """DRF's nested error detail, flattened to {"field": ["message", ...]} (nested fields joined
    with dots, list items by index)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            flat.setdefault(prefix or "non_field_errors", []).extend(_messages(value))

    walk("", detail)
    return flat


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code if not isinstance(exc, exceptions.ValidationError) else "invalid"


def error_body(*, status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, RequestDataTooBig):
        return too_large()
    if isinstance(exc, database_down.UNAVAILABLE):
        logger.warning("The database is unavailable: %s", exc)
        return DatabaseUnavailable()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    return None


def api_exception_handler(exc: Exception, context: dict) -> Response:
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        # A bug. Logged with its traceback and reported as Django reports any 500 (so the test
        # client re-raises it), but the client still receives the JSON error body.
        request = context.get("request")
        logger.error("Unhandled error in the API", exc_info=exc)
        signals.got_request_exception.send(sender=None, request=getattr(request, "_request", request))
        set_rollback()
        return Response(
            error_body(status_code=500, code="server_error", message="Something went wrong on our side."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait))
    detail = api_exc.detail
    fields = _fields(detail) if isinstance(detail, dict) else {}
    named = [name for name in fields if name != "non_field_errors"]
    if isinstance(api_exc, exceptions.ValidationError) and named:
        message = "Some fields are invalid: " + ", ".join(named) + "."
    else:
        message = " ".join(_messages(detail)) or api_exc.default_detail
    body = error_body(status_code=api_exc.status_code, code=_code(api_exc), message=message, fields=fields)
    set_rollback()
    return Response(body, status=api_exc.status_code, headers=headers)


@csrf_exempt  # like every API view: otherwise a POST to a wrong path gets the CSRF failure page
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any path under /api/v1/ that matches no endpoint: JSON, like every other API error."""
    return JsonResponse(
        error_body(status_code=404, code="not_found", message=f"No endpoint at {request.path}."), status=404
    )


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB.")


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Every operation may answer with these; documenting them all keeps the schema simple and true.
ERROR_RESPONSES = {
    "400": "Invalid input: `fields` says which and why.",
    "401": "Not authenticated: send `Authorization: Token <token>` (or a session cookie).",
    "403": "Authenticated, but not allowed.",
    "404": "Not found, or not visible to you.",
    "409": "Conflicts with the current state.",
    "413": "The request body is too large.",
    "429": "Too many requests: wait `Retry-After` seconds.",
    "500": "A server error (a bug).",
    "503": "The database or the payment service is unavailable for a moment: retry after `Retry-After` seconds.",
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the JSON error body documented on every operation, so a
    client (and schemathesis) knows the shape of each error it may receive."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_RESPONSES.items():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=description)
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses
