import pytest
from django.contrib.auth.models import Group, Permission

from accounts.services import INSTRUCTORS_GROUP, ensure_instructors_group

pytestmark = pytest.mark.django_db

CRUD = ("add", "change", "delete", "view")
EXPECTED = {
    *(f"{action}_{model}" for model in ("course", "resource", "announcement") for action in CRUD),
    *(
        f"{action}_{model}"
        for model in ("module", "lesson", "quiz", "question", "choice", "assignment")
        for action in CRUD
    ),
    "view_subscription",
    "view_attempt",
    "view_answer",
    "view_submission",
    "change_submission",
    "view_gradebook",
    "view_thread",
    "change_thread",
    "delete_thread",
    "view_post",
    "change_post",
    "delete_post",  # deleting a thread of their course deletes its posts (test_admin_scoping.py)
    "add_invitation",  # invitations are sent, never changed (courses/tests/enrolment/test_invitations.py)
    "view_invitation",
    "view_waitlistentry",  # the waiting list is read
    "view_transaction",  # their courses' sales, read-only (courses/tests/payments/test_api_and_admin.py)
}


def group_permissions() -> set[tuple[str, str]]:
    group = Group.objects.get(name=INSTRUCTORS_GROUP)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_migrate_creates_the_group_with_exactly_the_instructor_permissions():
    assert group_permissions() == {("courses", codename) for codename in EXPECTED}


def test_ensure_removes_extra_permissions_and_is_idempotent():
    group = Group.objects.get(name=INSTRUCTORS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="view_user"))
    ensure_instructors_group()
    ensure_instructors_group()
    assert group_permissions() == {("courses", codename) for codename in EXPECTED}
    assert Group.objects.filter(name=INSTRUCTORS_GROUP).count() == 1


def test_an_instructor_has_those_permissions_and_no_others(alice):
    assert alice.has_perm("courses.add_course")
    assert alice.has_perm("courses.view_subscription")
    assert not alice.has_perm("courses.delete_subscription")
    assert not alice.has_perm("courses.add_submission")
    assert not alice.has_perm("courses.add_post")  # posts are written on the site, not the admin
    assert not alice.has_perm("accounts.view_user")
    assert not alice.has_perm("auth.change_group")
