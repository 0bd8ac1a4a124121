"""Progress through /api/v1/progress and /api/v1/users/{id}/progress: the same rules and the same
events as the learning pages; a student's progress is for them, their instructors and admins."""

import pytest

from courses.models import CourseCompletion, LessonProgress, Subscription
from lms_site.testing import content as w
from lms_site.testing.api import client_for, error_of
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(cs101, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return w.a_lesson_of_each_kind(cs101)


def test_completing_a_lesson_records_progress(carol, carol_in_cs101, lessons):
    response = client_for(carol).put(f"/api/v1/progress/{lessons['intro'].pk}", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["lesson"] == lessons["intro"].pk and body["completed_at"] and body["course_completed"] is False
    assert LessonProgress.objects.get(student=carol, lesson=lessons["intro"]).completed_at is not None


def test_viewing_without_completing(carol, carol_in_cs101, lessons):
    response = client_for(carol).put(f"/api/v1/progress/{lessons['intro'].pk}", {"completed": False}, format="json")
    assert response.status_code == 200 and response.json()["completed_at"] is None
    assert LessonProgress.objects.filter(student=carol, lesson=lessons["intro"], completed_at=None).exists()


def test_completing_every_lesson_completes_the_course_with_the_pages_events(alice, carol, carol_in_cs101, cs101):
    week = w.module(cs101)
    first, second = w.lesson(week, "One"), w.lesson(week, "Two", position=1)
    client = client_for(carol)
    client.put(f"/api/v1/progress/{first.pk}", format="json")
    before = newest_id()
    response = client.put(f"/api/v1/progress/{second.pk}", {"completed": True}, format="json")
    assert response.json()["course_completed"] is True
    assert CourseCompletion.objects.filter(student=carol, course=cs101).exists()
    assert events_after(before) == [
        ("content_changed", f"user:{carol.pk}"),  # quiet: her open progress bars follow
        ("content_changed", f"user:{alice.pk}"),  # quiet: the course's open analytics follow
        ("content_changed", "staff"),  # quiet: and the site admins'
        ("course_completed", f"user:{alice.pk}"),
        ("course_completed", f"user:{carol.pk}"),
    ]
    again = newest_id()
    client.put(f"/api/v1/progress/{second.pk}", format="json")
    assert newest_id() == again  # idempotent: no second completion


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 403), ("root", 403), ("bob", 404), ("dave", 404), ("anonymous", 401)]
)
def test_only_subscribed_students_record_progress(people, carol_in_cs101, lessons, who, status):
    response = client_for(people[who]).put(f"/api/v1/progress/{lessons['intro'].pk}", format="json")
    error = error_of(response)
    assert error["status"] == status
    assert not LessonProgress.objects.exists()


def test_progress_on_hidden_or_unknown_lessons_is_a_404(carol, carol_in_cs101, lessons):
    client = client_for(carol)
    for pk in (lessons["draft"].pk, lessons["later"].pk, 999999):
        assert error_of(client.put(f"/api/v1/progress/{pk}", format="json"))["status"] == 404


def test_a_quiz_completes_by_submission_not_by_hand(carol, carol_in_cs101, lessons):
    error = error_of(client_for(carol).put(f"/api/v1/progress/{lessons['quiz'].pk}", format="json"))
    assert error["status"] == 409 and error["message"] == "This lesson completes when you submit it."


def test_progress_rejects_a_bad_body(carol, carol_in_cs101, lessons):
    error = error_of(
        client_for(carol).put(f"/api/v1/progress/{lessons['intro'].pk}", {"completed": "maybe"}, format="json")
    )
    assert error["status"] == 400 and error["fields"] == {"completed": ["Must be a valid boolean."]}


@pytest.fixture
def carol_everywhere(carol, cs101, ma201, carol_in_cs101):
    Subscription.objects.create(student=carol, course=ma201)
    week = w.module(cs101)
    done = w.lesson(week, "One")
    w.lesson(week, "Two", position=1)
    LessonProgress.objects.create(student=carol, lesson=done, completed_at=w.ago(minutes=5))
    return carol


@pytest.mark.parametrize(
    ("who", "courses"),
    [("carol", ["CS101", "MA201"]), ("root", ["CS101", "MA201"]), ("alice", ["CS101"]), ("bob", ["MA201"])],
)
def test_progress_is_for_the_student_their_instructors_and_admins(people, carol_everywhere, who, courses):
    response = client_for(people[who]).get(f"/api/v1/users/{carol_everywhere.pk}/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "carol"
    assert [row["course"] for row in body["courses"]] == courses
    if "CS101" in courses:
        cs = body["courses"][0]
        assert (cs["total"], cs["done"], cs["percent"], cs["completed_at"]) == (2, 1, 50, None)


@pytest.mark.parametrize(("who", "status"), [("dave", 404), ("anonymous", 401)])
def test_progress_is_hidden_from_everyone_else(people, carol_everywhere, who, status):
    assert error_of(client_for(people[who]).get(f"/api/v1/users/{carol_everywhere.pk}/progress"))["status"] == status


def test_an_instructor_sees_no_progress_of_a_student_outside_their_courses(bob, carol, carol_in_cs101, ma201):
    assert error_of(client_for(bob).get(f"/api/v1/users/{carol.pk}/progress"))["status"] == 404


def test_progress_of_an_unknown_user_is_a_404(root):
    assert error_of(client_for(root).get("/api/v1/users/999999/progress"))["status"] == 404
