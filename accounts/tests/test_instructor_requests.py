"""Nobody makes themselves an instructor: sign-up makes students, a student asks, a site admin
approves or declines in the admin; existing instructors can be queued for the same review."""

import pytest
from django.core.management import call_command

from accounts.models import InstructorRequest, User
from accounts.services import INSTRUCTORS_GROUP, decide_instructor_request, request_instructor_access
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db

TEACH = "/accounts/teach/"
REQUESTS = "/admin/accounts/instructorrequest/"
SIGNUP_DATA = {
    "username": "erin",
    "email": "erin@example.edu",
    "password1": "correct-horse-battery",
    "password2": "correct-horse-battery",
}


def test_signup_asking_for_the_instructor_role_makes_a_student(client):
    client.post("/accounts/signup/", {**SIGNUP_DATA, "role": "instructor"})
    erin = User.objects.get(username="erin")
    assert (erin.role, erin.is_staff, erin.groups.exists()) == ("student", False, False)


def test_signup_page_offers_no_role(client):
    assert 'name="role"' not in client.get("/accounts/signup/").text


def test_api_register_asking_for_the_instructor_role_makes_a_student():
    body = {"username": "erin", "email": "erin@example.edu", "password": "a-long-passphrase-42", "role": "instructor"}
    client_for().post("/api/v1/auth/register", body, format="json")
    erin = User.objects.get(username="erin")
    assert (erin.role, erin.is_staff) == ("student", False)


def test_a_student_requests_instructor_access_with_a_reason(client, carol):
    client.force_login(carol)
    assert "What would you like to teach?" in client.get(TEACH).text
    response = client.post(TEACH, {"reason": "Intro to statistics; I TA'd it twice."})
    assert response.status_code == 302
    request = InstructorRequest.objects.get(user=carol)
    assert (request.status, request.reason) == ("pending", "Intro to statistics; I TA'd it twice.")
    carol.refresh_from_db()
    assert carol.role == "student" and not carol.is_staff
    assert "waiting for a site administrator" in client.get(TEACH).text


def test_asking_twice_keeps_one_pending_request(client, carol):
    client.force_login(carol)
    client.post(TEACH, {"reason": "first"})
    client.post(TEACH, {"reason": "second"})
    assert list(InstructorRequest.objects.values_list("reason", "status")) == [("second", "pending")]


def test_an_empty_reason_is_a_clear_error(client, carol):
    client.force_login(carol)
    response = client.post(TEACH, {"reason": "  "})
    assert response.status_code == 200 and 'id="id_reason_error"' in response.text
    assert not InstructorRequest.objects.exists()


def test_an_instructor_cannot_request_again(client, alice):
    client.force_login(alice)
    client.post(TEACH, {"reason": "more"})
    assert not InstructorRequest.objects.exists()


def test_a_site_admin_sees_pending_requests_and_approves(client, root, carol):
    request = request_instructor_access(user=carol, reason="Physics")
    client.force_login(root)
    page = client.get(REQUESTS)
    assert page.status_code == 200 and "carol" in page.text and "Physics" in page.text
    client.post(REQUESTS, {"action": "approve", "_selected_action": [request.pk]})
    request.refresh_from_db()
    carol.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", root)
    assert carol.is_instructor and carol.is_staff and carol.groups.filter(name=INSTRUCTORS_GROUP).exists()


def test_a_site_admin_declines(client, root, carol):
    request = request_instructor_access(user=carol, reason="Physics")
    client.force_login(root)
    client.post(REQUESTS, {"action": "decline", "_selected_action": [request.pk]})
    request.refresh_from_db()
    carol.refresh_from_db()
    assert request.status == "declined" and carol.role == "student" and not carol.is_staff


def test_instructors_cannot_see_or_decide_requests(client, alice, carol):
    request_instructor_access(user=carol, reason="Physics")
    client.force_login(alice)
    assert client.get(REQUESTS).status_code == 403


def test_a_decided_request_is_not_decided_again(root, carol):
    request = request_instructor_access(user=carol, reason="Physics")
    decide_instructor_request(request=request, approve=False, by=root)
    decide_instructor_request(request=request, approve=True, by=root)
    carol.refresh_from_db()
    assert carol.role == "student"


def test_review_instructors_queues_existing_instructors_for_confirmation(alice, bob, root):
    call_command("review_instructors", "--keep-role", verbosity=0)
    assert set(InstructorRequest.objects.values_list("user__username", "status")) == {
        ("alice", "pending"),
        ("bob", "pending"),
    }
    alice.refresh_from_db()
    assert alice.is_instructor  # kept until decided
    decide_instructor_request(request=InstructorRequest.objects.get(user=bob), approve=False, by=root)
    bob.refresh_from_db()
    assert (bob.role, bob.is_staff, bob.groups.exists()) == ("student", False, False)
    call_command("review_instructors", "--keep-role", verbosity=0)  # idempotent; the confirmed are not asked again
    assert InstructorRequest.objects.filter(status="pending").count() == 1


def test_review_instructors_demotes_until_approved_by_default(alice, root):
    call_command("review_instructors", verbosity=0)
    alice.refresh_from_db()
    assert alice.role == "student" and not alice.is_staff
    decide_instructor_request(request=InstructorRequest.objects.get(user=alice), approve=True, by=root)
    alice.refresh_from_db()
    assert alice.is_instructor and alice.is_staff
