"""Setting up, renewing and removing second factors from the security pages."""

import re

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from lms_site.testing.mfa import code_for, enrol_totp, totp_of

pytestmark = pytest.mark.django_db

SETUP = "/accounts/security/app/"


def test_the_profile_links_to_the_security_page(client, carol):
    client.force_login(carol)
    assert 'href="/accounts/security/"' in client.get("/accounts/profile/").text


def test_the_set_up_page_shows_the_secret_as_a_server_made_svg_qr_code_and_as_text(client, carol):
    client.force_login(carol)
    page = client.get(SETUP).text
    device = TOTPDevice.objects.get(user=carol, confirmed=False)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'<code id="totp-secret" class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    from base64 import b32encode

    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert "<script>" not in page
    assert '<label for="id_code">' in page
    # Reloading keeps the same secret: the phone may already hold it.
    assert secret in client.get(SETUP).text


def test_a_right_code_turns_it_on_verifies_the_session_and_shows_ten_recovery_codes_once(client, carol):
    client.force_login(carol)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=carol)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=carol).values_list("token", flat=True))
    # Shown once: the security page only counts them.
    security = client.get("/accounts/security/").text
    assert "10 unused recovery codes" in security and codes[0] not in security


def test_a_wrong_code_is_a_form_error_and_changes_nothing(client, carol):
    client.force_login(carol)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not services.has_second_factor(carol)
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_set_up_page_keeps_next_for_staff_sent_from_the_admin(client, carol):
    client.force_login(carol)
    client.get(SETUP + "?next=/admin/")
    device = TOTPDevice.objects.get(user=carol)
    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})
    assert 'href="/admin/"' in response.text  # after the recovery codes


def test_the_set_up_page_refuses_an_outside_next(client, carol):
    client.force_login(carol)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=carol)
    response = client.post(SETUP, {"code": code_for(device), "next": "https://evil.example/"})
    assert "evil.example" not in response.text


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(client, carol):
    enrol_totp(carol)
    old = set(StaticToken.objects.filter(device__user=carol).values_list("token", flat=True))
    client.force_login(carol)
    wrong = client.post("/accounts/security/recovery-codes/", {"password": "nope"})
    assert "That is not your password." in wrong.text
    assert set(StaticToken.objects.filter(device__user=carol).values_list("token", flat=True)) == old
    response = client.post("/accounts/security/recovery-codes/", {"password": "pw-carolcarol"})
    new = set(re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.text))
    assert len(new) == 10 and not new & old
    assert services.verify_code(carol, old.pop()) is None


def test_removing_the_app_needs_the_password_and_takes_the_recovery_codes_with_it(client, carol):
    enrol_totp(carol)
    client.force_login(carol)
    wrong = client.post("/accounts/security/app/remove/", {"password": "nope"})
    assert wrong.status_code == 200 and totp_of(carol) is not None
    response = client.post("/accounts/security/app/remove/", {"password": "pw-carolcarol"})
    assert response.status_code == 302
    assert totp_of(carol) is None
    assert services.recovery_codes_left(carol) == 0
    assert not services.has_second_factor(carol)


def test_a_second_app_cannot_be_set_up_over_the_first(client, carol):
    device = enrol_totp(carol)
    client.force_login(carol)
    assert client.get(SETUP).status_code == 302
    assert list(TOTPDevice.objects.filter(user=carol)) == [device]


def test_an_unverified_session_cannot_change_the_factors(carol):
    """A session that began before the factor was added must prove it first."""
    browser = Client()
    browser.force_login(carol)  # logged in before carol turned two-factor on elsewhere
    enrol_totp(carol)
    for path in ("/accounts/security/", "/accounts/security/app/remove/", "/accounts/security/recovery-codes/"):
        response = browser.post(path, {"password": "pw-carolcarol"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/verify/?next=")
    assert totp_of(carol) is not None


def test_the_security_pages_need_a_log_in(client):
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
