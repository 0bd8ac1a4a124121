"""Wrong passwords lock the account and the address on every way in: the log-in page, the admin's
log-in and the API's token endpoint share the counters (django-axes); time or an admin unlocks."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F

from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
TOKEN = "/api/v1/auth/token"
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    # The auth throttle (10/min per address) would otherwise answer first on the API.
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def page_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def admin_login(client, username, password):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"})


def api_token(username, password):
    return client_for().post(TOKEN, {"username": username, "password": password}, format="json")


def age_attempts(by: timedelta) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)


def test_the_right_password_is_refused_on_the_log_in_page_after_the_limit(client, carol):
    for _ in range(LIMIT):
        page_login(client, "carol", "wrong")
    response = page_login(client, "carol", "pw-carolcarol")
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.text and "Try again in 15 minutes" in response.text
    assert 'role="alert"' in response.text
    assert "_auth_user_id" not in client.session


def test_the_right_password_is_refused_on_the_admin_log_in_after_the_limit(client, alice):
    for _ in range(LIMIT):
        admin_login(client, "alice", "wrong")
    response = admin_login(client, "alice", "pw-alicealice")
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.text
    assert "_auth_user_id" not in client.session


def test_the_right_password_is_refused_a_token_after_the_limit_with_a_json_429(carol):
    for _ in range(LIMIT):
        api_token("carol", "wrong")
    response = api_token("carol", "pw-carolcarol")
    error = error_of(response)
    assert error["status"] == 429 and error["code"] == "locked_out"
    assert "Try again in 15 minutes" in error["message"]
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60


def test_the_three_ways_in_share_one_counter(client, alice):
    page_login(client, "alice", "wrong")
    admin_login(client, "alice", "wrong")
    api_token("alice", "wrong")
    assert admin_login(client, "alice", "pw-alicealice").status_code == 429
    assert page_login(client, "alice", "pw-alicealice").status_code == 429
    assert api_token("alice", "pw-alicealice").status_code == 429


def test_failures_against_many_accounts_lock_the_address(client, carol, dave):
    for name in ("nobody", "someone", "anyone"):
        page_login(client, name, "wrong")
    assert page_login(client, "dave", "pw-davedave").status_code == 429


def test_another_address_may_still_log_into_an_unlocked_account(client, carol, dave):
    for _ in range(LIMIT):
        page_login(client, "carol", "wrong")
    response = client.post(LOGIN, {"username": "dave", "password": "pw-davedave"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, carol):
    for _ in range(LIMIT):
        page_login(client, "carol", "wrong")
    age_attempts(timedelta(minutes=14))
    assert "Try again in 1 minute," in page_login(client, "carol", "pw-carolcarol").text
    age_attempts(timedelta(minutes=16))
    assert page_login(client, "carol", "pw-carolcarol").status_code == 302
    assert api_token("carol", "pw-carolcarol").status_code == 200


def test_an_admin_unlocks_with_axes_reset(client, carol):
    for _ in range(LIMIT):
        page_login(client, "carol", "wrong")
    call_command("axes_reset", verbosity=0)
    assert page_login(client, "carol", "pw-carolcarol").status_code == 302


def test_a_site_admin_sees_the_attempts_in_the_admin(client, root, carol):
    for _ in range(LIMIT):
        page_login(client, "carol", "wrong")
    client.force_login(root)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200 and "carol" in response.text
