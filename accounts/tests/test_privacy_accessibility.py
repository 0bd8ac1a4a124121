"""The privacy pages in a real Chromium: axe-core finds nothing, and they work by keyboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.privacy.models import DataExport, ErasureRequest, PolicyDocument
from lms_site.testing.browser import login_page, submit_log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def violations_of(axe, page):
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in axe(page)]


def publish(kind, version, body="Some **policy** text."):
    return PolicyDocument.objects.create(
        kind=kind, version=version, title=f"{kind.title()} v{version}", body=body, published_at=timezone.now()
    )


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's text is `name`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


@pytest.mark.parametrize("path", ["/privacy/", "/terms/"])
def test_the_policy_pages_have_no_violations(browser, daphne, axe, path):
    publish("privacy", 1)
    page = browser.new_context(base_url=daphne.url).new_page()
    page.goto(path)
    assert violations_of(axe, page) == []
    page.context.close()


def test_the_your_data_page_has_no_violations_in_every_state(browser, daphne, axe, carol):
    DataExport.objects.create(user=carol)
    DataExport.objects.create(
        user=carol,
        status=DataExport.Status.READY,
        file="exports/x.zip",
        ready_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
        size=2048,
    )
    page = login_page(browser, daphne, carol)
    page.goto("/accounts/data/")
    assert violations_of(axe, page) == []
    ErasureRequest.objects.create(user=carol, due_at=timezone.now() + timedelta(days=14))
    page.reload()
    assert page.get_by_role("button", name="Cancel the erasure").is_visible()
    assert violations_of(axe, page) == []
    page.context.close()


def test_asking_for_an_export_and_erasure_by_keyboard(browser, daphne, axe, carol):
    page = login_page(browser, daphne, carol)
    page.goto("/accounts/data/")
    tab_to(page, "Prepare a download of my data")
    page.keyboard.press("Enter")
    page.get_by_text("being prepared").first.wait_for()
    assert DataExport.objects.filter(user=carol).exists()

    tab_to(page, "Delete my account…")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/data/erase/")
    page.get_by_role("button", name="Delete my account").click()  # empty: errors, tied to their fields
    page.wait_for_selector("#id_password_error")
    assert violations_of(axe, page) == []
    page.get_by_label("Your password").focus()
    page.keyboard.type("pw-carolcarol")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the confirmation box
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/data/")
    assert ErasureRequest.objects.filter(user=carol, cancelled_at=None).exists()
    tab_to(page, "Cancel the erasure")
    page.keyboard.press("Enter")
    page.get_by_text("is cancelled").wait_for()
    assert not ErasureRequest.objects.filter(user=carol, cancelled_at=None).exists()
    page.context.close()


def test_accepting_a_new_policy_by_keyboard_has_no_violations(browser, daphne, axe, carol):
    page = login_page(browser, daphne, carol)  # no policy yet: straight to the dashboard
    publish("privacy", 1)
    publish("terms", 1)
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    submit_log_in(page, carol)
    page.wait_for_url("**/privacy/accept/**")
    assert violations_of(axe, page) == []
    tab_to(page, "Accept and continue")
    page.keyboard.press("Enter")  # the box is not ticked: an error tied to it
    page.wait_for_selector("#id_accept_error")
    assert violations_of(axe, page) == []
    page.get_by_label("I accept these policies").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/")
    page.context.close()


def test_signup_with_policies_has_no_violations(browser, daphne, axe):
    publish("privacy", 1)
    publish("terms", 1)
    page = browser.new_context(base_url=daphne.url).new_page()
    page.goto("/accounts/signup/")
    assert page.get_by_role("link", name="privacy policy").is_visible()
    assert violations_of(axe, page) == []
    page.context.close()
