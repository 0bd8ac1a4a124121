"""Discussions through /api/v1/courses/{code}/discussions: members only, the same events and
limits as the thread pages."""

import pytest

from courses.models import Thread
from lms_site.testing import content as w
from lms_site.testing.api import client_for, error_of
from lms_site.testing.events import events_after, newest_id
from notifications.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(cs101, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return w.a_lesson_of_each_kind(cs101)


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


def test_starting_a_thread_records_the_pages_event(alice, carol, carol_in_cs101, lessons):
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
    # and the open analytics follow: the instructor's (a quiet event on their own topic), the site admins'
    assert events_after(before) == [
        ("discussion_post", "course:CS101"),
        ("content_changed", f"user:{alice.pk}"),
        ("content_changed", "staff"),
    ]
    assert Event.objects.get(id__gt=before, kind="discussion_post").payload["title"] == "New thread: Help"


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
    assert events_after(before) == [
        ("discussion_post", "course:CS101"),
        ("discussion_post", f"user:{carol.pk}"),
        ("content_changed", f"user:{alice.pk}"),  # the course's open analytics follow
        ("content_changed", "staff"),  # and the site admins'
    ]


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
