"""Lessons, progress, discussions and the completion report through /api/v1/: the same rules and
the same events as the learning pages (members only, drafts for teachers, 404 for outsiders)."""

import csv
import io

import pytest
from django.core.files.base import ContentFile

from courses.models import CourseCompletion, Lesson, LessonProgress, Subscription, Thread
from lms_site.testing import content as w
from lms_site.testing.api import client_for, error_of
from lms_site.testing.events import events_after, newest_id
from notifications.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(cs101, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    week = w.module(cs101)
    return {
        "intro": w.lesson(week, "Intro", position=0),
        "video": w.lesson(week, "Talk", kind=Lesson.Kind.VIDEO, embed_url="https://youtu.be/dQw4w9WgXcQ", position=1),
        "file": w.lesson(
            week, "Sheet", kind=Lesson.Kind.FILE, file=ContentFile(b"cheat sheet", name="s.txt"), position=2
        ),
        "draft": w.lesson(week, "Draft", published=False, position=3),
        "later": w.lesson(week, "Later", release_at=w.later(days=3), position=4),
        "quiz": w.quiz_lesson(week, position=5).lesson,
    }


# Lessons


@pytest.mark.parametrize(
    ("who", "status", "titles"),
    [
        ("alice", 200, ["Intro", "Talk", "Sheet", "Draft", "Later", "Check-in quiz"]),
        ("carol", 200, ["Intro", "Talk", "Sheet", "Check-in quiz"]),
        ("root", 200, ["Intro", "Talk", "Sheet", "Draft", "Later", "Check-in quiz"]),
        ("bob", 404, None),
        ("dave", 404, None),
        ("anonymous", 401, None),
    ],
)
def test_lessons_are_for_members_and_drafts_for_teachers(people, carol_in_cs101, lessons, who, status, titles):
    response = client_for(people[who]).get("/api/v1/courses/CS101/lessons")
    assert response.status_code == status
    if titles is None:
        assert error_of(response)["status"] == status
    else:
        assert [item["title"] for item in response.json()] == titles


def test_lessons_carry_their_content_addresses_and_my_progress(carol, carol_in_cs101, lessons):
    LessonProgress.objects.create(student=carol, lesson=lessons["intro"], completed_at=w.ago(minutes=1))
    by_title = {item["title"]: item for item in client_for(carol).get("/api/v1/courses/CS101/lessons").json()}
    assert by_title["Intro"]["completed"] is True and by_title["Talk"]["completed"] is False
    assert by_title["Intro"]["body"].startswith("# Intro")
    assert by_title["Talk"]["embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    file_id = lessons["file"].pk
    assert by_title["Sheet"]["file_url"] == f"http://testserver/api/v1/courses/CS101/lessons/{file_id}/file"
    assert by_title["Intro"]["file_url"] is None and by_title["Intro"]["video_url"] is None
    assert by_title["Intro"]["page_url"] == f"http://testserver/courses/CS101/lessons/{lessons['intro'].pk}/"
    assert by_title["Intro"]["module"]["title"] == "Week 1"


@pytest.mark.parametrize(("who", "status"), [("carol", 200), ("alice", 200), ("bob", 404), ("dave", 404)])
def test_a_lesson_file_downloads_for_members(people, carol_in_cs101, lessons, who, status):
    response = client_for(people[who]).get(f"/api/v1/courses/CS101/lessons/{lessons['file'].pk}/file")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"cheat sheet"


def test_a_lesson_file_serves_byte_ranges(carol, carol_in_cs101, lessons):
    response = client_for(carol).get(f"/api/v1/courses/CS101/lessons/{lessons['file'].pk}/file", HTTP_RANGE="bytes=0-4")
    assert response.status_code == 206 and b"".join(response.streaming_content) == b"cheat"


def test_an_unreleased_lessons_file_is_hidden_from_students(carol, carol_in_cs101, lessons):
    response = client_for(carol).get(f"/api/v1/courses/CS101/lessons/{lessons['later'].pk}/file")
    assert error_of(response)["status"] == 404


# Progress


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


# Discussions


@pytest.fixture
def thread(carol, carol_in_cs101, cs101):
    from courses.services import start_thread

    return start_thread(author=carol, course=cs101, title="Loops?", body="How do loops work?")


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("carol", 200), ("root", 200), ("bob", 404), ("dave", 404), ("anonymous", 401)]
)
def test_threads_are_for_members(people, thread, who, status):
    response = client_for(people[who]).get("/api/v1/courses/CS101/discussions")
    assert response.status_code == status
    if status == 200:
        results = response.json()["results"]
        assert [(t["title"], t["post_count"], t["author"]["username"]) for t in results] == [("Loops?", 1, "carol")]


def test_threads_list_pinned_first_then_latest_activity(alice, carol, cs101, thread):
    from courses.services import start_thread

    newer = start_thread(author=carol, course=cs101, title="Newer", body="...")
    pinned = start_thread(author=alice, course=cs101, title="Rules", body="...")
    pinned.set_flags(pinned=True)
    Thread.objects.filter(pk=pinned.pk).update(last_activity_at=w.ago(days=9))
    results = client_for(carol).get("/api/v1/courses/CS101/discussions").json()["results"]
    assert [t["title"] for t in results] == ["Rules", "Newer", "Loops?"]
    assert newer.pk > thread.pk


def test_starting_a_thread_records_the_pages_event(carol, carol_in_cs101, lessons):
    before = newest_id()
    response = client_for(carol).post(
        "/api/v1/courses/CS101/discussions",
        {"title": "Help", "body": "With *intro*", "lesson": lessons["intro"].pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Help" and body["lesson"] == lessons["intro"].pk
    assert [(p["body"], p["parent"]) for p in body["posts"]] == [("With *intro*", None)]
    assert events_after(before) == [("discussion_post", "course:CS101")]
    assert Event.objects.get(id__gt=before).payload["title"] == "New thread: Help"


def test_a_thread_needs_a_title_and_a_body(carol, carol_in_cs101):
    error = error_of(client_for(carol).post("/api/v1/courses/CS101/discussions", {}, format="json"))
    assert error["status"] == 400 and set(error["fields"]) == {"title", "body"}


def test_a_thread_about_a_hidden_lesson_is_refused(carol, carol_in_cs101, lessons):
    error = error_of(
        client_for(carol).post(
            "/api/v1/courses/CS101/discussions",
            {"title": "Peek", "body": "?", "lesson": lessons["draft"].pk},
            format="json",
        )
    )
    assert error["status"] == 400 and list(error["fields"]) == ["lesson"]
    assert not Thread.objects.exists()


def test_outsiders_cannot_start_threads(dave, cs101):
    response = client_for(dave).post("/api/v1/courses/CS101/discussions", {"title": "x", "body": "y"}, format="json")
    assert error_of(response)["status"] == 404


def test_posting_too_fast_is_a_429(carol, carol_in_cs101, settings):
    settings.DISCUSSION_POSTS_PER_WINDOW = 1
    client = client_for(carol)
    assert (
        client.post("/api/v1/courses/CS101/discussions", {"title": "a", "body": "b"}, format="json").status_code == 201
    )
    error = error_of(client.post("/api/v1/courses/CS101/discussions", {"title": "c", "body": "d"}, format="json"))
    assert error["status"] == 429 and error["code"] == "rate_limited"
    assert error["message"].startswith("You are posting too quickly")


def test_a_thread_shows_its_replies_in_tree_order(alice, carol, thread):
    client = client_for(alice)
    opening = thread.posts.get()
    first = client.post(f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "Like this."}, format="json")
    assert first.status_code == 201
    reply_id = first.json()["posts"][1]["id"]
    client_for(carol).post(
        f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "Thanks!", "parent": reply_id}, format="json"
    )
    client.post(
        f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "Also...", "parent": opening.pk}, format="json"
    )
    body = client_for(carol).get(f"/api/v1/courses/CS101/discussions/{thread.pk}").json()
    assert [(p["body"], p["author"]["username"]) for p in body["posts"]] == [
        ("How do loops work?", "carol"),
        ("Like this.", "alice"),
        ("Thanks!", "carol"),
        ("Also...", "alice"),
    ]
    assert body["posts"][2]["parent"] == reply_id and body["post_count"] == 4


def test_a_reply_notifies_like_the_page(alice, carol, thread):
    before = newest_id()
    client_for(alice).post(f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "Like this."}, format="json")
    assert events_after(before) == [("discussion_post", "course:CS101"), ("discussion_post", f"user:{carol.pk}")]


def test_a_reply_to_a_post_of_another_thread_is_refused(carol, cs101, thread):
    from courses.services import start_thread

    other = start_thread(author=carol, course=cs101, title="Other", body="...")
    foreign = other.posts.get().pk
    error = error_of(
        client_for(carol).post(
            f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "x", "parent": foreign}, format="json"
        )
    )
    assert error["status"] == 400 and error["fields"] == {"parent": ["Not a post of this thread."]}


def test_a_locked_thread_takes_no_student_replies(alice, carol, thread):
    thread.set_flags(locked=True)
    error = error_of(
        client_for(carol).post(f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "x"}, format="json")
    )
    assert error["status"] == 400 and error["message"] == "This thread is locked: no new replies."
    assert (
        client_for(alice)
        .post(f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "ok"}, format="json")
        .status_code
        == 201
    )


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("dave", 404), ("anonymous", 401)])
def test_outsiders_neither_read_nor_reply(people, thread, who, status):
    client = client_for(people[who])
    assert error_of(client.get(f"/api/v1/courses/CS101/discussions/{thread.pk}"))["status"] == status
    assert (
        error_of(client.post(f"/api/v1/courses/CS101/discussions/{thread.pk}", {"body": "x"}, format="json"))["status"]
        == status
    )


def test_a_thread_of_another_course_is_a_404(alice, bob, ma201, thread):
    assert error_of(client_for(bob).get(f"/api/v1/courses/MA201/discussions/{thread.pk}"))["status"] == 404


# The completion report


@pytest.fixture
def completions(carol, dave, cs101, ma201, draft, carol_in_cs101):
    Subscription.objects.create(student=dave, course=cs101)
    CourseCompletion.objects.create(student=carol, course=cs101)
    return cs101


def report(who):
    response = client_for(who).get("/api/v1/admin/reports/course-completion")
    assert response.status_code == 200, response.content
    return {row["course"]: row for row in response.json()}


def test_an_admin_gets_every_course(root, completions):
    rows = report(root)
    assert list(rows) == ["CS101", "CS999", "MA201"]
    assert (rows["CS101"]["subscribers"], rows["CS101"]["completed"], rows["CS101"]["completion_rate"]) == (2, 1, 0.5)
    assert (rows["MA201"]["subscribers"], rows["MA201"]["completed"], rows["MA201"]["completion_rate"]) == (0, 0, 0.0)


def test_an_instructor_gets_their_own_courses(alice, bob, completions):
    assert list(report(alice)) == ["CS101", "CS999"]
    assert list(report(bob)) == ["MA201"]


def test_a_completion_counts_while_the_student_stays_subscribed(root, carol, completions):
    Subscription.objects.filter(student=carol).delete()
    row = report(root)["CS101"]
    assert (row["subscribers"], row["completed"], row["completion_rate"]) == (1, 0, 0.0)


@pytest.mark.parametrize(("who", "status"), [("carol", 403), ("dave", 403), ("anonymous", 401)])
def test_students_get_no_report(people, completions, who, status):
    error = error_of(client_for(people[who]).get("/api/v1/admin/reports/course-completion"))
    assert error["status"] == status


def test_the_report_as_csv(alice, completions):
    response = client_for(alice).get("/api/v1/admin/reports/course-completion", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "course-completion.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["course"], r["subscribers"], r["completed"], r["completion_rate"]) for r in rows] == [
        ("CS101", "2", "1", "0.5"),
        ("CS999", "0", "0", "0.0"),
    ]


def test_options_on_the_csv_report_describes_it(alice):
    response = client_for(alice).options("/api/v1/admin/reports/course-completion?format=csv")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[:2] == ["key,value", 'name,"""Completion Report"""']


def test_a_refused_csv_report_is_still_an_error(carol, completions):
    response = client_for(carol).get("/api/v1/admin/reports/course-completion", {"format": "csv"})
    assert response.status_code == 403
    assert response.content.decode().splitlines()[0] == "status,code,message"
