import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={PROFILE}"


def test_it_shows_my_details(client, carol):
    client.force_login(carol)
    response = client.get(PROFILE)
    assert response.status_code == 200
    assert 'value="carol@example.edu"' in response.text
    assert "Student" in response.text


def test_it_saves_my_changes(client, carol):
    client.force_login(carol)
    response = client.post(
        PROFILE, {"first_name": "Caroline", "last_name": "Chen", "email": "caroline@example.edu", "bio": "Hi."}
    )
    assert response.url == PROFILE
    carol.refresh_from_db()
    assert (carol.first_name, carol.email, carol.bio) == ("Caroline", "caroline@example.edu", "Hi.")
    assert "Your profile was saved." in client.get(PROFILE).text


def test_it_cannot_change_role_or_staff(client, carol):
    client.force_login(carol)
    client.post(
        PROFILE,
        {
            "first_name": "C",
            "last_name": "",
            "email": "carol@example.edu",
            "bio": "",
            "role": "admin",
            "is_staff": "on",
        },
    )
    carol.refresh_from_db()
    assert carol.role == "student"
    assert not carol.is_staff


def test_it_refuses_an_email_someone_else_uses(client, carol, dave):
    client.force_login(carol)
    response = client.post(PROFILE, {"first_name": "", "last_name": "", "email": "dave@example.edu", "bio": ""})
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.text
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"
