"""Instructors and admins must have a second factor before the admin; students may opt in."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from lms_site.testing.mfa import code_for, totp_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def erin(django_user_model):
    """A new instructor, who has not set up a second factor yet."""
    user = django_user_model.objects.create_user(username="erin", email="erin@example.edu", password="pw-erinerin")
    return services.make_instructor(user)


@pytest.mark.parametrize("path", ["/admin/", "/admin/courses/course/", "/admin/courses/course/add/"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, erin, path):
    client.force_login(erin)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/app/?next=" + path.replace("/", "%2F")


def test_a_site_admin_without_a_second_factor_is_sent_too(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="ada", email="ada@example.edu", password="x" * 12)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith("/accounts/security/app/")


def test_after_setting_one_up_staff_reach_the_admin(client, erin):
    client.force_login(erin)
    client.get("/accounts/security/app/?next=/admin/")
    device = TOTPDevice.objects.get(user=erin)
    client.post("/accounts/security/app/", {"code": code_for(device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_staff_can_still_log_out_of_the_admin(client, erin):
    client.force_login(erin)
    assert client.post("/admin/logout/").status_code in {200, 302}
    assert "_auth_user_id" not in client.session


def test_an_unverified_staff_session_is_sent_to_the_second_step(alice):
    browser = Client()  # plain force_login: logged in, second factor not proven
    browser.force_login(alice)
    response = browser.get("/admin/courses/course/")
    assert response["Location"] == "/accounts/login/verify/?next=%2Fadmin%2Fcourses%2Fcourse%2F"
    browser.post("/accounts/login/verify/", {"code": code_for(totp_of(alice))})
    assert browser.get("/admin/courses/course/").status_code == 200


def test_students_are_not_asked_to_set_one_up(client, carol):
    client.force_login(carol)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/accounts/security/").status_code == 200
    # The admin refuses students as before, without sending them to enrol.
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("fields", "required"),
    [
        ({"role": "student"}, False),
        ({"role": "instructor", "is_staff": True}, True),
        ({"role": "admin"}, True),
        ({"role": "student", "is_superuser": True}, True),
        ({"role": "admin", "is_active": False, "is_staff": False}, False),
    ],
)
def test_who_must_have_a_second_factor(fields, required):
    from accounts.models import User

    assert User(**fields).requires_second_factor is required
