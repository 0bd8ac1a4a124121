import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


def test_it_logs_in_and_goes_to_the_dashboard(client, carol):
    response = client.post(LOGIN, {"username": "carol", "password": "pw-carolcarol"})
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_it_follows_next(client, carol):
    response = client.post(
        LOGIN + "?next=/accounts/profile/",
        {"username": "carol", "password": "pw-carolcarol", "next": "/accounts/profile/"},
    )
    assert response.url == "/accounts/profile/"


def test_it_rejects_a_wrong_password(client, carol):
    response = client.post(LOGIN, {"username": "carol", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert 'role="alert"' in response.text
    assert "_auth_user_id" not in client.session


def test_the_form_labels_its_inputs(client):
    response = client.get(LOGIN)
    assert '<label for="id_username">Username:</label>' in response.text
    assert '<label for="id_password">Password:</label>' in response.text


def test_logout_needs_a_post(client, carol):
    client.force_login(carol)
    assert client.get(LOGOUT).status_code == 405
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_logout_ends_the_session(client, carol):
    client.force_login(carol)
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response.url == reverse("courses:catalog")
    assert "_auth_user_id" not in client.session


def test_the_header_offers_a_logout_form(client, carol):
    client.force_login(carol)
    response = client.get(reverse("accounts:profile"))
    assert f'action="{LOGOUT}"' in response.text
    assert 'id="live-status"' in response.text
