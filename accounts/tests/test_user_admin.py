import pytest
from django.contrib.auth.models import Permission

from accounts.services import INSTRUCTORS_GROUP

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def test_an_instructor_reaches_the_admin(client, alice):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 200


def test_an_instructor_cannot_list_users(client, alice):
    client.force_login(alice)
    assert client.get(CHANGELIST).status_code == 403


def test_an_instructor_cannot_open_another_user(client, alice, carol):
    client.force_login(alice)
    assert client.get(f"{CHANGELIST}{carol.pk}/change/").status_code == 403


def test_an_instructor_given_user_permissions_still_cannot_list_users(client, alice):
    alice.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(alice)
    assert client.get(CHANGELIST).status_code == 403


def test_the_admin_index_hides_users_from_instructors(client, alice):
    client.force_login(alice)
    assert CHANGELIST not in client.get("/admin/").text


def test_a_site_admin_lists_users_with_their_role(client, root, carol):
    client.force_login(root)
    response = client.get(CHANGELIST)
    assert (response.status_code, "carol" in response.text, "column-role" in response.text) == (200, True, True)


def test_the_admin_carries_the_product_name(client, root):
    client.force_login(root)
    assert "Lumen LMS administration" in client.get("/admin/").text


def test_setting_the_instructor_role_in_the_admin_grants_staff_and_group(client, root, carol):
    client.force_login(root)
    response = client.get(f"{CHANGELIST}{carol.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"role": "instructor", "groups": [], "user_permissions": [], "date_joined_0": "2026-01-01"}
    data |= {"date_joined_1": "10:00:00", "is_active": "on"}
    data.pop("password", None)
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"{CHANGELIST}{carol.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    carol.refresh_from_db()
    assert carol.role == "instructor"
    assert carol.is_staff
    assert carol.groups.filter(name=INSTRUCTORS_GROUP).exists()
