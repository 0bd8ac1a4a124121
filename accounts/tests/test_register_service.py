import pytest
from django.core.exceptions import ValidationError

from accounts.services import INSTRUCTORS_GROUP, make_instructor, register

pytestmark = pytest.mark.django_db


def test_register_creates_a_student(django_user_model):
    user = register(username="erin", email="erin@example.edu", password="correct-horse-battery", role="student")
    assert user.role == "student"
    assert not user.is_staff
    assert user.check_password("correct-horse-battery")


def test_register_an_instructor_grants_staff_and_group():
    user = register(username="ian", email="ian@example.edu", password="correct-horse-battery", role="instructor")
    user.refresh_from_db()
    assert user.is_instructor
    assert user.is_staff
    assert user.groups.filter(name=INSTRUCTORS_GROUP).exists()


def test_register_refuses_the_admin_role(django_user_model):
    with pytest.raises(ValidationError):
        register(username="eve", email="eve@example.edu", password="correct-horse-battery", role="admin")
    assert not django_user_model.objects.exists()


def test_make_instructor_is_idempotent(carol):
    make_instructor(carol)
    make_instructor(carol)
    carol.refresh_from_db()
    assert carol.role == "instructor"
    assert carol.groups.filter(name=INSTRUCTORS_GROUP).count() == 1
