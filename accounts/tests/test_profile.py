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
    assert "carol@example.edu" in response.text
    assert "Student" in response.text


def test_it_saves_my_changes(client, carol):
    client.force_login(carol)
    response = client.post(PROFILE, {"first_name": "Caroline", "last_name": "Chen", "bio": "Hi.", "time_zone": "UTC"})
    assert response.url == PROFILE
    carol.refresh_from_db()
    assert (carol.first_name, carol.bio) == ("Caroline", "Hi.")
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


def test_it_no_longer_changes_the_email_directly(client, carol):
    client.force_login(carol)
    response = client.post(
        PROFILE, {"first_name": "", "last_name": "", "email": "new@example.edu", "bio": "", "time_zone": "UTC"}
    )
    assert response.url == PROFILE
    carol.refresh_from_db()
    assert carol.email == "carol@example.edu"
    assert reverse("accounts:email_change") in client.get(PROFILE).text
