"""In a real browser against a real daphne: after the failure limit, the right password is refused on
the log-in page and on the admin's log-in, and the page says why and when to try again."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

LIMIT = 10  # LOGIN_FAILURE_LIMIT's default, which the test daphne runs with


def attempt(page, form: str, username: str, password: str) -> None:
    page.goto(form)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    "form, who",
    [("/accounts/login/", "carol"), ("/admin/login/", "alice")],
    ids=["log-in page", "admin log-in"],
)
def test_the_right_password_is_refused_after_the_limit(request, browser, daphne, form, who):
    user = request.getfixturevalue(who)
    page = browser.new_context(base_url=daphne.url).new_page()
    for _ in range(LIMIT):
        attempt(page, form, user.username, "not-the-password")
    attempt(page, form, user.username, f"pw-{user.username * 2}")
    alert = page.get_by_role("alert")
    assert "Too many failed log-ins" in alert.inner_text()
    assert "Try again in 15 minutes" in alert.inner_text()
    assert page.url == daphne.url + form  # still the log-in form: not logged in, not at the second step
