"""Two-factor authentication in a real Chromium: setting up the app and logging in with its codes,
a passkey registered and used through Chromium's virtual authenticator, axe on every new page."""

import re
import time

import pytest

from accounts.models import Passkey
from lms_site.testing.browser import login_page, submit_log_in
from lms_site.testing.mfa import code_for, totp_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def violations_of(axe, page):
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in axe(page)]


def test_a_student_sets_up_the_app_by_keyboard_and_logs_in_with_a_code(browser, daphne, axe, carol):
    page = login_page(browser, daphne, carol)
    page.goto("/accounts/security/")
    assert violations_of(axe, page) == []
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.wait_for_url("**/accounts/security/app/**")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert violations_of(axe, page) == []
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    page.get_by_label("Code from your app").fill("000000")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_code_error")
    assert violations_of(axe, page) == []
    after_a_failure()
    page.get_by_label("Code from your app").fill(code_for(totp_of_any(carol)))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    assert violations_of(axe, page) == []
    page.context.close()

    again = browser.new_context(base_url=daphne.url).new_page()
    again.goto("/accounts/login/?next=/accounts/profile/")
    submit_log_in(again, carol)
    again.wait_for_url("**/accounts/login/verify/**")
    assert violations_of(axe, again) == []
    again.get_by_label("Code").fill("999999")
    again.get_by_role("button", name="Verify").click()
    again.get_by_text("That code is not valid").wait_for()
    assert violations_of(axe, again) == []
    after_a_failure()
    again.get_by_label("Code").fill(code_for(totp_of(carol)))
    again.get_by_role("button", name="Verify").click()
    again.wait_for_url("**/accounts/profile/")
    again.context.close()


def after_a_failure():
    """django-otp refuses any code for 1 s after a wrong one (doubling with each failure)."""
    time.sleep(1.1)


def totp_of_any(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=user)


def test_an_instructor_logs_into_the_admin_with_the_second_step(browser, daphne, alice):
    page = browser.new_context(base_url=daphne.url).new_page()
    page.goto("/admin/")
    submit_log_in(page, alice)
    page.wait_for_url("**/accounts/login/verify/**")
    page.get_by_label("Code").fill(code_for(totp_of(alice)))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name=re.compile("Teaching and site administration")).is_visible()
    page.context.close()


def with_virtual_authenticator(page):
    """Chromium's DevTools virtual authenticator: a platform passkey that always verifies the user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    return cdp, cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]


def test_a_passkey_is_registered_and_then_used_as_the_second_factor(browser, daphne, axe, carol):
    # WebAuthn refuses IP addresses as relying parties: the page is opened by name.
    site = daphne.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=site)
    page = context.new_page()
    cdp, authenticator = with_virtual_authenticator(page)
    page.goto("/accounts/login/")
    submit_log_in(page, carol)
    page.wait_for_url("**/dashboard/")
    page.goto("/accounts/security/")
    page.get_by_label("Name for the new passkey").fill("Test laptop")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Passkey “Test laptop” added.").wait_for()
    assert violations_of(axe, page) == []
    passkey = Passkey.objects.get(user=carol)
    assert passkey.name == "Test laptop" and passkey.confirmed
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/courses/")

    page.goto("/accounts/login/?next=/accounts/profile/")
    submit_log_in(page, carol)
    page.wait_for_url("**/accounts/login/verify/**")
    assert violations_of(axe, page) == []
    page.get_by_role("button", name="Use your passkey").click()
    page.wait_for_url("**/accounts/profile/")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    context.close()
