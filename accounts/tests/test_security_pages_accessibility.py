"""The account security pages in a real Chromium: axe-core finds nothing, and they work by keyboard."""

import pytest

from lms_site.testing.browser import login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def violations_of(axe, page):
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in axe(page)]


def tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is `name`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"{name!r} cannot be reached with Tab")


def test_a_wrong_password_is_announced_by_the_field_and_passes_axe(browser, daphne, axe, carol):
    page = login_page(browser, daphne, carol)
    page.goto("/accounts/email/change/")
    page.get_by_label("New email address").fill("carol.new@example.edu")
    page.get_by_label("Your current password").fill("wrong-password")
    tab_to(page, "Send confirmation link")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_password_error")
    assert "id_password_error" in page.get_attribute("#id_password", "aria-describedby")
    assert violations_of(axe, page) == []
    page.context.close()


def test_logging_out_everywhere_else_by_keyboard(browser, daphne, axe, carol):
    laptop = login_page(browser, daphne, carol)
    phone = login_page(browser, daphne, carol)
    laptop.goto("/accounts/sessions/")
    assert laptop.get_by_text("(this session)").count() == 1
    assert laptop.get_by_role("button", name="Log out", exact=False).count() == 3  # header, phone, everywhere
    assert violations_of(axe, laptop) == []

    tab_to(laptop, "Log out everywhere else")
    laptop.keyboard.press("Enter")
    laptop.get_by_text("Logged out 1 other session.").wait_for()
    assert laptop.get_by_text("You are not logged in anywhere else.").is_visible()
    assert violations_of(axe, laptop) == []

    phone.goto("/accounts/profile/")
    assert "/accounts/login/" in phone.url
    laptop.context.close()
    phone.context.close()
