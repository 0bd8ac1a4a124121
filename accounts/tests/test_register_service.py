import pytest

from accounts.services import INSTRUCTORS_GROUP, make_instructor, register

pytestmark = pytest.mark.django_db


def test_register_creates_a_student(django_user_model):
    user = register(username="erin", email="erin@example.edu", password="correct-horse-battery")
    assert user.role == "student"
    assert not user.is_staff
    assert user.check_password("correct-horse-battery")


def test_make_instructor_is_idempotent(carol):
    make_instructor(carol)
    make_instructor(carol)
    carol.refresh_from_db()
    assert carol.role == "instructor"
    assert carol.groups.filter(name=INSTRUCTORS_GROUP).count() == 1
