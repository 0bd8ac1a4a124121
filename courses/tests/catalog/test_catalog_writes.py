"""The catalog's rules live in its services, so the admin, the commands and the shell keep them:
an instructor's course is their own, announcements belong to their course's teacher (site-wide ones
to site admins and the operator), publishing is one save per course, grading is the teacher's."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.models import Announcement, Course, Resource

pytestmark = pytest.mark.django_db


def test_an_instructors_new_course_is_their_own_whoever_is_named(alice, bob):
    course = services.save_course(course=Course(code="PH100", title="Physics", instructor=bob), by=alice)
    assert course.instructor == alice


def test_a_course_made_in_the_admin_is_its_makers(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_course_add"),
        {
            "code": "PH100",
            "title": "Physics",
            "description": "",
            **{
                f"{prefix}-{key}": 0
                for prefix in ("resources", "announcements", "subscriptions")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Course.objects.get(code="PH100").instructor == alice


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_only_the_teacher_changes_a_course(request, cs101, who):
    cs101.title = "Taken over"
    with pytest.raises(PermissionDenied):
        services.save_course(course=cs101, by=request.getfixturevalue(who))
    assert Course.objects.get(pk=cs101.pk).title != "Taken over"


def test_students_create_no_courses(carol):
    with pytest.raises(PermissionDenied):
        services.save_course(course=Course(code="ME1", title="Mine", instructor=carol), by=carol)


def test_unpublishing_in_the_admin_saves_each_course_through_the_service(client, alice, cs101, draft):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "unpublish", "_selected_action": [cs101.pk, draft.pk], "index": 0},
    )
    assert response.status_code == 302
    assert not Course.objects.filter(is_published=True, instructor=alice).exists()
    assert [m.message for m in get_messages(response.wsgi_request)] == ["Unpublished 1 course(s)."]


def test_a_resource_of_another_instructors_course_is_refused(bob, cs101):
    with pytest.raises(PermissionDenied):
        services.add_resource(course=cs101, title="Not mine", body="Text", by=bob)
    assert not Resource.objects.filter(title="Not mine").exists()


@pytest.mark.parametrize(
    "who, course, allowed", [("alice", None, False), ("root", None, True), ("bob", "cs101", False)]
)
def test_announcements_belong_to_their_courses_teacher(request, who, course, allowed):
    author = request.getfixturevalue(who)
    target = request.getfixturevalue(course) if course else None
    if allowed:
        services.post_announcement(author=author, title="Hello", body="Text", course=target)
    else:
        with pytest.raises(PermissionDenied):
            services.post_announcement(author=author, title="Hello", body="Text", course=target)
    assert Announcement.objects.filter(title="Hello").exists() == allowed


def test_the_operator_broadcasts_through_the_same_service(capsys):
    call_command("broadcast", "Maintenance tonight\nFrom 22:00.")
    announcement = Announcement.objects.get()
    assert (announcement.course, announcement.author, announcement.title) == (None, None, "Maintenance tonight")


def test_an_instructor_cannot_post_site_wide_in_the_admin(client, alice):
    client.force_login(alice)
    response = client.post(reverse("admin:courses_announcement_add"), {"title": "Everyone", "body": "Hi"})
    assert response.status_code == 200
    assert "course" in response.context["adminform"].form.errors
    assert not Announcement.objects.exists()
