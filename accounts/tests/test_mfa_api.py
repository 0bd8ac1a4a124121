"""The API asks for the second factor too: the token endpoint wants `otp`, and a session of a user
with a second factor authenticates only once the session has proven it."""

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from rest_framework.authtoken.models import Token

from lms_site.testing.api import client_for, error_of
from lms_site.testing.mfa import code_for, enrol_totp, totp_of

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def carol_with_app(carol):
    enrol_totp(carol)
    return carol


def test_no_token_without_the_code(carol_with_app):
    response = client_for().post(TOKEN, {"username": "carol", "password": "pw-carolcarol"}, format="json")
    error = error_of(response)
    assert error["status"] == 403 and error["code"] == "second_factor_required"
    assert "otp" in error["fields"]
    assert not Token.objects.filter(user=carol_with_app).exists()


def test_no_token_for_a_wrong_code(carol_with_app):
    body = {"username": "carol", "password": "pw-carolcarol", "otp": "000000"}
    error = error_of(client_for().post(TOKEN, body, format="json"))
    assert error["status"] == 400 and error["fields"] == {"otp": ["That code is not valid."]}
    assert not Token.objects.filter(user=carol_with_app).exists()


def test_a_token_for_the_right_code(carol_with_app):
    body = {"username": "carol", "password": "pw-carolcarol", "otp": code_for(totp_of(carol_with_app))}
    response = client_for().post(TOKEN, body, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=carol_with_app).key


def test_a_recovery_code_works_once_for_a_token(carol_with_app):
    code = StaticToken.objects.filter(device__user=carol_with_app).first().token
    body = {"username": "carol", "password": "pw-carolcarol", "otp": code}
    assert client_for().post(TOKEN, body, format="json").status_code == 200
    assert client_for().post(TOKEN, body, format="json").status_code == 400


def test_the_wrong_password_is_refused_before_the_code_is_asked(carol_with_app):
    error = error_of(client_for().post(TOKEN, {"username": "carol", "password": "nope"}, format="json"))
    assert error["status"] == 400 and "otp" not in error.get("fields", {})


def test_staff_need_the_code_for_a_token(alice):
    error = error_of(client_for().post(TOKEN, {"username": "alice", "password": "pw-alicealice"}, format="json"))
    assert error["code"] == "second_factor_required"


def test_the_schema_documents_the_otp_field(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    fields = schema["components"]["schemas"]["TokenInputRequest"]["properties"]
    assert "otp" in fields


def test_an_unverified_session_is_refused_by_the_api(carol_with_app):
    browser = Client()
    browser.force_login(carol_with_app)  # the password only: the session has not proven the code
    error = error_of(browser.get("/api/v1/events"))
    assert error["status"] == 403 and error["code"] == "second_factor_required"


def test_a_verified_session_is_accepted_by_the_api(client, carol_with_app):
    client.force_login(carol_with_app)  # the client fixture proves the second factor
    assert client.get("/api/v1/events").status_code == 200


def test_a_session_of_a_user_without_a_second_factor_is_accepted(carol):
    browser = Client()
    browser.force_login(carol)
    assert browser.get("/api/v1/events").status_code == 200
