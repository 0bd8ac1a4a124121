"""The account pages in a real Chromium: axe-core finds nothing, errors included."""

import pytest

from lms_site.testing.browser import login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def violations_of(axe, page):
    found = axe(page)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in found]


@pytest.mark.parametrize(
    "path",
    ["/accounts/password/reset/", "/accounts/password/reset/sent/", "/accounts/password/reset/x/bad-token/"],
)
def test_anonymous_account_pages_have_no_violations(browser, daphne, axe, path):
    page = browser.new_context(base_url=daphne.url).new_page()
    page.goto(path)
    assert violations_of(axe, page) == []
    page.context.close()


def test_signup_errors_have_no_violations_and_point_at_their_fields(browser, daphne, axe, carol):
    page = browser.new_context(base_url=daphne.url).new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Email").fill("new@example.edu")
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "not-the-same-phrase-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_selector("#id_username_error")
    assert "id_username_error" in page.get_attribute("#id_username", "aria-describedby")
    assert "id_password2_error" in page.get_attribute("#id_password2", "aria-describedby")
    assert violations_of(axe, page) == []
    page.context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/profile/",
        "/accounts/password/change/",
        "/accounts/email/change/",
        "/accounts/email/confirm/not-a-token/",
    ],
)
def test_logged_in_account_pages_have_no_violations(browser, daphne, axe, carol, path):
    page = login_page(browser, daphne, carol)
    page.goto(path)
    assert violations_of(axe, page) == []
    page.context.close()


def test_logging_out_from_the_header(browser, daphne, carol):
    page = login_page(browser, daphne, carol)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/courses/")
    assert page.get_by_role("link", name="Log in").is_visible()
    page.context.close()
