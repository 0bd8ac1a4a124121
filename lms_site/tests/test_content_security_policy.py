"""A Content-Security-Policy on every response: no inline script, nothing from other sites, and
the pages, the live socket, the admin and the API docs still work under it in a real Chromium."""

import pytest
from playwright.sync_api import expect

from lms_site.testing.browser import admin_login_page, login_page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/courses/", "/accounts/login/", "/api/v1/docs/", "/admin/login/"])
def test_every_response_forbids_inline_script_and_foreign_sources(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == (
        "http://testserver/static/ http://testserver/api/v1/docs/ http://testserver/admin/jsi18n/"
    )
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def watch_for_violations(page) -> list[str]:
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_pages_the_socket_the_admin_and_the_api_docs_work_under_the_policy(browser, daphne, alice, carol_in_cs101):
    student = login_page(browser, daphne, carol_in_cs101.student)
    violations = watch_for_violations(student)
    for path in ("/dashboard/", "/courses/CS101/", "/notifications/", "/api/v1/docs/"):
        student.goto(path)
        student.wait_for_load_state("networkidle")
    student.goto("/dashboard/")
    expect(student.locator("#live-status")).to_have_attribute("data-state", "live")  # connect-src allows ws
    instructor = admin_login_page(browser, daphne, alice)
    violations += watch_for_violations(instructor)
    instructor.goto("/admin/courses/course/add/")
    instructor.wait_for_load_state("networkidle")
    instructor.goto("/admin/courses/lesson/add/?kind=text")  # date widgets: the admin's jsi18n script
    instructor.wait_for_load_state("networkidle")
    expect(instructor.locator(".datetimeshortcuts").first).to_be_visible()  # they ran, translated
    assert violations == []
    student.context.close()
    instructor.context.close()
