"""POST /api/v1/auth/register and /api/v1/auth/token; how the API authenticates and refuses."""

import json

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from lms_site.testing.api import client_for, error_of
from notifications.models import Event

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"
GOOD = {"username": "erin", "email": "erin@example.edu", "password": "a-long-passphrase-42"}

pytestmark = pytest.mark.django_db


def test_register_creates_an_inactive_student_until_the_mailed_link():
    response = client_for().post(REGISTER, GOOD, format="json")
    assert response.status_code == 202, response.content
    user = User.objects.get(username="erin")
    assert user.role == "student" and not user.is_active and user.check_password(GOOD["password"])
    assert not Token.objects.filter(user=user).exists()


def test_register_records_the_same_event_as_the_signup_page():
    before = Event.objects.count()
    client_for().post(REGISTER, GOOD, format="json")
    events = list(Event.objects.filter(kind=Event.Kind.USER_REGISTERED))
    assert Event.objects.count() == before + 1
    assert events[0].payload["title"] == "erin registered as student"


def test_register_lists_every_missing_field():
    error = error_of(client_for().post(REGISTER, {}, format="json"))
    assert error["status"] == 400 and error["code"] == "invalid"
    assert set(error["fields"]) == {"username", "email", "password"}
    assert error["fields"]["username"] == ["This field is required."]
    assert error["message"] == "Some fields are invalid: username, email, password."


def test_register_applies_the_password_rules_of_the_signup_form():
    error = error_of(client_for().post(REGISTER, {**GOOD, "password": "password"}, format="json"))
    assert error["status"] == 400
    assert error["fields"] == {"password": ["This password is too common."]}
    assert not User.objects.filter(username="erin").exists()


def test_register_states_the_minimum_password_length():
    error = error_of(client_for().post(REGISTER, {**GOOD, "password": "123"}, format="json"))
    assert error["fields"] == {"password": ["Ensure this field has at least 8 characters."]}


def test_register_ignores_a_role():
    client_for().post(REGISTER, {**GOOD, "role": "admin"}, format="json")
    assert User.objects.get(username="erin").role == "student"


def test_register_answers_409_for_a_taken_username(carol):
    error = error_of(client_for().post(REGISTER, {**GOOD, "username": "Carol"}, format="json"))
    assert error["status"] == 409 and error["code"] == "conflict"
    assert error["fields"] == {"username": ["A user with that username already exists."]}


def test_register_answers_400_for_malformed_json():
    response = client_for().post(REGISTER, data="{not json", content_type="application/json")
    error = error_of(response)
    assert error["status"] == 400 and error["code"] == "parse_error"


def test_register_answers_400_for_a_body_that_is_not_an_object():
    error = error_of(client_for().post(REGISTER, data="[1, 2]", content_type="application/json"))
    assert error["status"] == 400


def test_an_oversized_body_is_a_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({**GOOD, "first_name": "x" * 2000})
    error = error_of(client_for().post(REGISTER, data=body, content_type="application/json"))
    assert error["status"] == 413 and error["code"] == "payload_too_large"
    assert not User.objects.filter(username="erin").exists()


def test_an_unsupported_media_type_is_a_415_in_json():
    error = error_of(client_for().post(REGISTER, data="<x/>", content_type="application/xml"))
    assert error["status"] == 415


def test_token_for_a_username_and_password(carol):
    response = client_for().post(TOKEN, {"username": "carol", "password": "pw-carolcarol"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "token": Token.objects.get(user=carol).key,
        "user_id": carol.pk,
        "username": "carol",
        "role": "student",
    }
    form = "username=carol&password=pw-carolcarol"
    again = client_for().post(TOKEN, form, content_type="application/x-www-form-urlencoded")
    assert again.json()["token"] == body["token"]


def test_token_refuses_a_wrong_password(carol):
    error = error_of(client_for().post(TOKEN, {"username": "carol", "password": "nope"}, format="json"))
    assert error["status"] == 400
    assert error["message"] == "Unable to log in with provided credentials."
    assert not Token.objects.filter(user=carol).exists()


def test_token_refuses_an_inactive_user(carol):
    carol.is_active = False
    carol.save()
    error = error_of(client_for().post(TOKEN, {"username": "carol", "password": "pw-carolcarol"}, format="json"))
    assert error["status"] == 400


def test_token_lists_missing_fields():
    error = error_of(client_for().post(TOKEN, {}, format="json"))
    assert set(error["fields"]) == {"username", "password"}


def test_token_answers_get_with_405_in_json():
    error = error_of(client_for().get(TOKEN))
    assert error["status"] == 405 and error["code"] == "method_not_allowed"


def test_auth_endpoints_are_throttled_with_a_json_429(carol, settings):
    settings.AXES_FAILURE_LIMIT = 11  # the lock-out has its own tests (test_lockout.py)
    client = client_for()
    statuses = [
        client.post(TOKEN, {"username": "carol", "password": "wrong"}, format="json").status_code for _ in range(10)
    ]
    assert statuses == [400] * 10
    # The scope is shared: registering from the same address is now refused too.
    response = client.post(REGISTER, GOOD, format="json")
    error = error_of(response)
    assert error["status"] == 429 and error["code"] == "throttled"
    assert "Request was throttled" in error["message"]
    assert 0 < int(response["Retry-After"]) <= 60
    assert not User.objects.filter(username="erin").exists()


def test_an_anonymous_call_is_a_401_with_the_scheme_to_use():
    response = client_for().get("/api/v1/events")
    error = error_of(response)
    assert error["status"] == 401 and error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_a_401():
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    error = error_of(client.get("/api/v1/events"))
    assert error["status"] == 401 and error["code"] == "authentication_failed"


def test_a_session_authenticates_too_with_csrf_on_writes(client, carol, cs101):
    client.force_login(carol)
    assert client.get("/api/v1/events").status_code == 200
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(carol)
    error = error_of(strict.post("/api/v1/enrollments/CS101"))
    assert error["status"] == 403 and "CSRF" in error["message"]
