"""The OpenAPI schema at /api/v1/schema/ and the interactive docs at /api/v1/docs/, which must
work offline: every asset comes from this server."""

import re
from urllib.parse import urlparse

import pytest
from drf_spectacular.validation import validate_schema

from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("/api/v1/auth/register", "post"),
    ("/api/v1/auth/token", "post"),
    ("/api/v1/courses", "get"),
    ("/api/v1/courses/{code}", "get"),
    ("/api/v1/courses/{code}/resources", "get"),
    ("/api/v1/courses/{code}/resources/{id}/file", "get"),
    ("/api/v1/courses/{code}/announcements", "get"),
    ("/api/v1/enrollments/{code}", "post"),
    ("/api/v1/enrollments/{code}", "delete"),
    ("/api/v1/events", "get"),
    ("/api/v1/courses/{code}/lessons", "get"),
    ("/api/v1/courses/{code}/lessons/{id}/video", "get"),
    ("/api/v1/courses/{code}/lessons/{id}/file", "get"),
    ("/api/v1/progress/{lesson_id}", "put"),
    ("/api/v1/users/{user_id}/progress", "get"),
    ("/api/v1/courses/{code}/discussions", "get"),
    ("/api/v1/courses/{code}/discussions", "post"),
    ("/api/v1/courses/{code}/discussions/{id}", "get"),
    ("/api/v1/courses/{code}/discussions/{id}", "post"),
    ("/api/v1/admin/reports/course-completion", "get"),
}


def served_schema() -> dict:
    response = client_for().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3_served_to_anyone():
    schema = served_schema()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_lists_every_endpoint():
    schema = served_schema()
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations >= EXPECTED_OPERATIONS


def test_every_operation_documents_the_json_error_body():
    schema = served_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "404", "429"):
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_token_and_session_are_the_documented_schemes():
    schemes = served_schema()["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_the_docs_page_loads_nothing_from_elsewhere():
    response = client_for().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    # The app's own static files, and the page's start-up script from the page itself (no inline
    # script: the Content-Security-Policy forbids it).
    assert all(urlparse(url).netloc == "" and url.startswith(("/static/", "/api/v1/docs/")) for url in assets), assets
    assert "/api/v1/docs/?script=" in assets
    assert "<script>" not in html
    assert not re.search(r"https?://(?!testserver)", html), re.findall(r"https?://[^\s\"']+", html)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_every_operation_offline(browser, daphne):
    """A real Chromium opens the docs from the real server; any request to another host fails the
    test (and is aborted, as it would be offline)."""
    context = browser.new_context(base_url=daphne.url)
    foreign = []

    def only_local(route):
        if urlparse(route.request.url).hostname != "127.0.0.1":
            foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_local)
    page = context.new_page()
    try:
        page.goto("/api/v1/docs/")
        page.wait_for_selector(".opblock", timeout=15000)
        shown = page.locator(".opblock").count()
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert paths.count("/api/v1/events") == 1
    finally:
        context.close()
    assert foreign == []
    assert shown >= len(EXPECTED_OPERATIONS)
