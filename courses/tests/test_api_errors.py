"""Every API error is JSON of one shape, whatever raised it, including paths that match nothing."""

from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from rest_framework.test import APIRequestFactory

from lms_site.api_errors import api_exception_handler
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/courses/", "/api/v1/courses/CS101/nope", "/api/v1/", "/api/v1/courses/A%0AB/x"],
)
def test_unknown_api_paths_are_json_404s(dave, path):
    error = error_of(client_for(dave).get(path))
    assert error == {"status": 404, "code": "not_found", "message": f"No endpoint at {unquote(path)}."}


def test_a_write_to_an_unknown_path_is_a_json_404_not_a_csrf_page(carol):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(carol)
    error = error_of(browser.put("/api/v1/progress/-1", data="{}", content_type="application/json"))
    assert error["status"] == 404


def handled(exc):
    request = APIRequestFactory().get("/api/v1/courses")
    return api_exception_handler(exc, {"request": request, "view": None})


def test_django_validation_errors_become_400_with_fields():
    response = handled(ValidationError({"title": ["Too long."], "body": ["Empty."]}))
    assert response.status_code == 400
    assert response.data == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "Some fields are invalid: title, body.",
            "fields": {"title": ["Too long."], "body": ["Empty."]},
        }
    }


def test_a_plain_django_validation_error_keeps_its_message():
    response = handled(ValidationError("This lesson is not available yet."))
    assert response.status_code == 400
    assert response.data["error"]["message"] == "This lesson is not available yet."
    assert "fields" not in response.data["error"]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (PermissionDenied("Only the course's instructor."), 403, "permission_denied"),
        (Http404("Not a member of this course."), 404, "not_found"),
        (RequestDataTooBig("big"), 413, "payload_too_large"),
    ],
)
def test_django_exceptions_map_to_their_status(exc, status, code):
    response = handled(exc)
    assert response.status_code == status and response.data["error"]["code"] == code


def test_a_bug_is_a_json_500_and_is_logged(caplog):
    response = handled(ZeroDivisionError("boom"))
    assert response.status_code == 500
    assert response.data == {
        "error": {"status": 500, "code": "server_error", "message": "Something went wrong on our side."}
    }
    assert "boom" not in str(response.data)
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)
