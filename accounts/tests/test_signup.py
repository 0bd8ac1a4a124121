import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def signup_data(**overrides):
    data = {
        "username": "erin",
        "email": "erin@example.edu",
        "first_name": "Erin",
        "last_name": "Evans",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    }
    return data | overrides


def test_it_shows_the_form_without_a_role(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    assert 'name="role"' not in response.text


def test_it_creates_an_inactive_student_and_says_check_your_email(client, django_user_model):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = django_user_model.objects.get(username="erin")
    assert user.role == "student" and not user.is_active
    assert not user.is_staff
    assert not user.groups.exists()
    assert user.check_password("correct-horse-battery")
    assert "_auth_user_id" not in client.session
    assert "Check your email" in client.get(response.url).text


def test_it_ignores_a_role(client, django_user_model):
    client.post(SIGNUP, signup_data(role="admin"))
    assert django_user_model.objects.get(username="erin").role == "student"


def test_it_rejects_a_taken_username_and_creates_nothing(client, carol, django_user_model):
    response = client.post(SIGNUP, signup_data(username="carol", email="other@example.edu"))
    assert response.status_code == 200
    assert "A user with that username already exists." in response.text
    assert 'aria-describedby="id_username_helptext id_username_error"' in response.text
    assert django_user_model.objects.count() == 1


def test_it_rejects_mismatched_passwords_and_creates_nothing(client, django_user_model):
    response = client.post(SIGNUP, signup_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert "The two password fields didn" in response.text
    assert 'id="id_password2_error"' in response.text
    assert not django_user_model.objects.exists()
    assert "_auth_user_id" not in client.session


def test_it_requires_an_email(client, django_user_model):
    response = client.post(SIGNUP, signup_data(email=""))
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.text
    assert not django_user_model.objects.exists()


def test_a_logged_in_user_is_sent_to_the_dashboard(client, carol):
    client.force_login(carol)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("courses:dashboard")
