import pytest
from django.contrib.auth.models import Group, Permission

from accounts.services import INSTRUCTORS_GROUP, ensure_instructors_group

pytestmark = pytest.mark.django_db

EXPECTED = {
    "add_course",
    "change_course",
    "delete_course",
    "view_course",
    "add_resource",
    "change_resource",
    "delete_resource",
    "view_resource",
    "add_announcement",
    "change_announcement",
    "delete_announcement",
    "view_announcement",
    "view_subscription",
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
    assert not alice.has_perm("accounts.view_user")
    assert not alice.has_perm("auth.change_group")
