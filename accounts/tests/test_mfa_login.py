"""Log-in with a second factor: the password step, then a code (app or recovery) before the
session is logged in and verified; `next` survives both steps."""

import time

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken

from accounts.views import PENDING
from lms_site.testing.mfa import code_for, enrol_totp, totp_of

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"


@pytest.fixture
def carol_with_app(carol):
    enrol_totp(carol)
    return carol


def password_step(client, username="carol", next_url=None):
    path = LOGIN + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": f"pw-{username * 2}"}
    if next_url:
        data["next"] = next_url
    return client.post(path, data)


def test_the_password_alone_does_not_log_in_a_user_with_a_second_factor(client, carol_with_app):
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fdashboard%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/").status_code == 302  # not logged in yet


def test_the_right_code_logs_in_verified_and_follows_next(client, carol_with_app):
    password_step(client, next_url="/accounts/profile/")
    page = client.get(VERIFY + "?next=/accounts/profile/")
    assert '<label for="id_code">Code:</label>' in page.text
    response = client.post(VERIFY, {"code": code_for(totp_of(carol_with_app)), "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.session["_auth_user_id"] == str(carol_with_app.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == totp_of(carol_with_app).persistent_id
    assert PENDING not in client.session


def test_a_wrong_code_is_a_clear_form_error_and_does_not_log_in(client, carol_with_app):
    password_step(client)
    response = client.post(VERIFY, {"code": "123456", "next": "/dashboard/"})
    assert response.status_code == 200
    assert "That code is not valid" in response.text
    assert 'aria-invalid="true"' in response.text
    assert "_auth_user_id" not in client.session


def test_a_code_works_once(client, carol_with_app):
    code = code_for(totp_of(carol_with_app))
    password_step(client)
    client.post(VERIFY, {"code": code})
    other = Client()
    password_step(other)
    response = other.post(VERIFY, {"code": code})
    assert "That code is not valid" in response.text


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(client, carol_with_app):
    code = StaticToken.objects.filter(device__user=carol_with_app).first().token
    password_step(client)
    response = client.post(VERIFY, {"code": code}, follow=True)
    assert client.session["_auth_user_id"] == str(carol_with_app.pk)
    assert "You used a recovery code: 9 left." in response.text
    again = Client()
    password_step(again)
    assert "That code is not valid" in again.post(VERIFY, {"code": code}).text


def test_the_second_step_needs_the_first(client, carol_with_app):
    response = client.get(VERIFY + "?next=/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN + "?next=%2Faccounts%2Fprofile%2F"


def test_a_pending_log_in_expires(client, carol_with_app, settings):
    settings.MFA_PENDING_SECONDS = 1
    password_step(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "until": time.time() - 1}
    session.save()
    response = client.post(VERIFY, {"code": code_for(totp_of(carol_with_app))})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_next_cannot_leave_the_site(client, carol_with_app):
    password_step(client, next_url="https://evil.example/")
    response = client.post(VERIFY, {"code": code_for(totp_of(carol_with_app)), "next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/"


def test_a_user_without_a_second_factor_logs_in_with_the_password(client, carol):
    response = password_step(client)
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_the_admin_log_in_asks_for_the_second_factor(client, alice):
    page = client.get("/admin/login/?next=/admin/courses/course/")
    assert page.status_code == 200 and 'id="login-form"' in page.text
    response = client.post(
        "/admin/login/?next=/admin/courses/course/",
        {"username": "alice", "password": "pw-alicealice", "next": "/admin/courses/course/"},
    )
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Fcourses%2Fcourse%2F"
    assert client.get("/admin/courses/course/").status_code == 302
    response = client.post(VERIFY, {"code": code_for(totp_of(alice)), "next": "/admin/courses/course/"})
    assert response["Location"] == "/admin/courses/course/"
    assert client.get("/admin/courses/course/").status_code == 200


def test_the_admin_log_in_still_refuses_students(client, carol):
    response = client.post("/admin/login/", {"username": "carol", "password": "pw-carolcarol"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
