"""API tokens expire, die with a password change or reset and with deactivation, and their owner
sees and revokes them (profile page, DELETE auth/token)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
EVENTS = "/api/v1/events"


def token_for(user) -> str:
    body = {"username": user.username, "password": f"pw-{user.username * 2}"}
    response = client_for().post(TOKEN, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def call_with(key: str):
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(EVENTS)


def test_a_token_older_than_the_ttl_is_a_401(carol, settings):
    settings.API_TOKEN_TTL_HOURS = 24
    key = token_for(carol)
    assert call_with(key).status_code == 200
    Token.objects.filter(key=key).update(created=Token.objects.get(key=key).created - timedelta(hours=25))
    error = error_of(call_with(key))
    assert error["status"] == 401 and "expired" in error["message"]
    fresh = token_for(carol)
    assert fresh != key and call_with(fresh).status_code == 200


def test_a_password_change_revokes_tokens(client, carol):
    key = token_for(carol)
    client.force_login(carol)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-carolcarol", "new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert call_with(key).status_code == 401


def test_a_password_reset_revokes_tokens(carol):
    key = token_for(carol)
    carol.set_password("a-brand-new-secret")
    carol.save()  # what the reset page's form does
    assert call_with(key).status_code == 401


def test_deactivation_revokes_tokens(carol):
    key = token_for(carol)
    carol.is_active = False
    carol.save()
    assert not Token.objects.filter(key=key).exists()


def test_an_unrelated_save_keeps_the_token(carol):
    key = token_for(carol)
    carol.bio = "Hello"
    carol.save()
    assert call_with(key).status_code == 200


def test_delete_on_the_token_endpoint_revokes_the_callers_token(carol):
    key = token_for(carol)
    client = client_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(TOKEN).status_code == 204
    assert call_with(key).status_code == 401


def test_delete_on_the_token_endpoint_needs_authentication():
    assert error_of(client_for().delete(TOKEN))["status"] == 401


def test_the_profile_lists_and_revokes_my_tokens(client, carol):
    key = token_for(carol)
    client.force_login(carol)
    page = client.get("/accounts/profile/")
    assert "API tokens" in page.text and "expires" in page.text and key not in page.text
    response = client.post(reverse("accounts:revoke_tokens"))
    assert response.url == "/accounts/profile/"
    assert call_with(key).status_code == 401
    assert "You have no API token" in client.get("/accounts/profile/").text
