"""GET /api/v1/courses, /courses/{code}, /courses/{code}/resources(/{id}/file), /courses/{code}/announcements.

Who sees what follows the pages: a published course is public, a draft exists only for its
instructor and admins (404 for everyone else), and a resource's content is for members only."""

import pytest
from django.core.files.base import ContentFile

from courses.models import Announcement, Course, Resource
from courses.services import add_resource, post_announcement
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [course["code"] for course in response.json()["results"]]


# The list


def test_the_list_is_paginated_with_counts_and_my_subscriptions(carol, cs101, ma201, carol_in_cs101):
    body = client_for(carol).get("/api/v1/courses").json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    first = body["results"][0]
    assert first["code"] == "CS101" and first["subscriber_count"] == 1 and first["is_subscribed"] is True
    assert first["instructor"] == {"id": cs101.instructor_id, "username": "alice", "name": "Alice Archer"}
    assert first["page_url"] == "http://testserver/courses/CS101/"
    assert body["results"][1]["is_subscribed"] is False


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("alice", ["CS101", "CS999", "MA201"]),  # her own draft too
        ("bob", ["CS101", "MA201"]),
        ("carol", ["CS101", "MA201"]),
        ("dave", ["CS101", "MA201"]),
        ("anonymous", ["CS101", "MA201"]),
        ("root", ["CS101", "CS999", "MA201"]),
    ],
)
def test_the_list_shows_drafts_to_their_instructor_and_admins_only(people, who, cs101, ma201, draft, expected):
    assert codes(client_for(people[who]).get("/api/v1/courses")) == expected


def test_the_list_searches_code_and_title(dave, cs101, ma201):
    assert codes(client_for(dave).get("/api/v1/courses", {"search": "algebra"})) == ["MA201"]
    assert codes(client_for(dave).get("/api/v1/courses", {"search": "cs1"})) == ["CS101"]
    assert codes(client_for(dave).get("/api/v1/courses", {"search": "nothing like it"})) == []


def test_the_list_filters_by_instructor(dave, cs101, ma201, draft):
    assert codes(client_for(dave).get("/api/v1/courses", {"instructor": "bob"})) == ["MA201"]
    assert codes(client_for(dave).get("/api/v1/courses", {"instructor": "alice"})) == ["CS101"]


def test_the_list_filters_my_subscriptions(carol, dave, cs101, ma201, carol_in_cs101):
    assert codes(client_for(carol).get("/api/v1/courses", {"subscribed": "true"})) == ["CS101"]
    assert codes(client_for(dave).get("/api/v1/courses", {"subscribed": "true"})) == []


def test_subscribed_only_needs_a_log_in(cs101):
    error = error_of(client_for().get("/api/v1/courses", {"subscribed": "true"}))
    assert error["status"] == 401


def test_the_list_rejects_bad_filters_with_their_names(dave):
    error = error_of(client_for(dave).get("/api/v1/courses", {"subscribed": "perhaps", "search": "x" * 101}))
    assert error["status"] == 400 and set(error["fields"]) == {"subscribed", "search"}
    assert error["fields"]["subscribed"] == ["Must be a valid boolean."]


def test_a_page_past_the_end_is_a_404(dave, cs101):
    error = error_of(client_for(dave).get("/api/v1/courses", {"page": 9}))
    assert error["status"] == 404 and error["message"] == "Invalid page."


def test_pages_follow_page_size(alice, dave):
    for number in range(5):
        Course.objects.create(code=f"C{number}", title=f"Course {number}", instructor=alice, is_published=True)
    body = client_for(dave).get("/api/v1/courses", {"page_size": 2, "page": 2}).json()
    assert [c["code"] for c in body["results"]] == ["C2", "C3"] and body["count"] == 5
    assert "page=3" in body["next"]


def test_the_list_runs_a_fixed_number_of_queries(django_assert_num_queries, alice, bob, carol, dave):
    for number in range(30):
        course = Course.objects.create(
            code=f"K{number:02}", title=f"Course {number}", instructor=alice if number % 2 else bob, is_published=True
        )
        course.subscriptions.create(student=carol)
        course.subscriptions.create(student=dave)
    client = client_for(carol)
    # token + user, count, page (subscriber counts, instructors and my flag joined in)
    with django_assert_num_queries(3):
        body = client.get("/api/v1/courses", {"page_size": 25}).json()
    assert len(body["results"]) == 25 and all(c["subscriber_count"] == 2 for c in body["results"])


# One course


@pytest.mark.parametrize(
    ("who", "status", "is_member"),
    [("alice", 200, True), ("bob", 200, False), ("carol", 200, True), ("dave", 200, False), ("anonymous", 200, False)],
)
def test_a_published_course_is_visible_to_all(people, cs101, carol_in_cs101, who, status, is_member):
    response = client_for(people[who]).get("/api/v1/courses/CS101")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == "CS101" and body["is_member"] is is_member and body["subscriber_count"] == 1
    assert body["is_subscribed"] is (who == "carol")


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 404), ("dave", 404), ("anonymous", 404)])
def test_a_draft_exists_for_its_instructor_only(people, draft, who, status):
    response = client_for(people[who]).get("/api/v1/courses/CS999")
    assert response.status_code == status
    if status == 404:
        assert error_of(response)["code"] == "not_found"


def test_an_unknown_course_is_a_json_404(dave):
    error = error_of(client_for(dave).get("/api/v1/courses/NOPE"))
    assert error["status"] == 404 and error["message"] == "No Course matches the given query."


# Resources


@pytest.fixture
def cs101_resources(cs101, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    link = add_resource(course=cs101, title="Docs", url="https://docs.python.org/")
    text = add_resource(course=cs101, title="Notes", body="Read chapter 1.")
    upload = add_resource(course=cs101, title="Slides", file=ContentFile(b"%PDF-1.4 slides", name="slides.pdf"))
    return {"link": link, "text": text, "file": upload}


@pytest.mark.parametrize(
    ("who", "member"),
    [("alice", True), ("bob", False), ("carol", True), ("dave", False), ("anonymous", False), ("root", True)],
)
def test_resource_content_is_for_members_only(people, carol_in_cs101, cs101_resources, who, member):
    response = client_for(people[who]).get("/api/v1/courses/CS101/resources")
    assert response.status_code == 200
    by_title = {item["title"]: item for item in response.json()["results"]}
    assert {t: r["kind"] for t, r in by_title.items()} == {"Docs": "link", "Notes": "text", "Slides": "file"}
    if member:
        assert by_title["Docs"]["link"] == "https://docs.python.org/"
        assert by_title["Notes"]["text"] == "Read chapter 1."
        file_id = cs101_resources["file"].pk
        assert by_title["Slides"]["file_url"] == f"http://testserver/api/v1/courses/CS101/resources/{file_id}/file"
    else:
        assert all(
            item["link"] is None and item["text"] is None and item["file_url"] is None for item in by_title.values()
        )


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 404), ("carol", 200), ("dave", 404)])
def test_a_resource_file_downloads_for_members_only(people, carol_in_cs101, cs101_resources, who, status):
    response = client_for(people[who]).get(f"/api/v1/courses/CS101/resources/{cs101_resources['file'].pk}/file")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"
        assert "attachment" in response["Content-Disposition"]
    else:
        assert error_of(response)["code"] == "not_found"


def test_a_resource_file_needs_a_log_in(cs101_resources):
    response = client_for().get(f"/api/v1/courses/CS101/resources/{cs101_resources['file'].pk}/file")
    assert error_of(response)["status"] == 401


def test_a_resource_without_a_file_has_no_download(alice, cs101_resources):
    response = client_for(alice).get(f"/api/v1/courses/CS101/resources/{cs101_resources['link'].pk}/file")
    assert error_of(response)["status"] == 404


def test_resources_of_a_draft_are_hidden(dave, draft):
    Resource.objects.create(course=draft, title="Secret", body="x")
    assert error_of(client_for(dave).get("/api/v1/courses/CS999/resources"))["status"] == 404


# Announcements


def test_announcements_newest_first_with_their_authors(alice, dave, cs101):
    post_announcement(author=alice, course=cs101, title="Welcome", body="Hello")
    post_announcement(author=alice, course=cs101, title="Exam", body="Friday")
    body = client_for(dave).get("/api/v1/courses/CS101/announcements").json()
    assert [a["title"] for a in body["results"]] == ["Exam", "Welcome"]
    assert body["results"][0]["author"]["username"] == "alice"


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 404), ("dave", 404), ("anonymous", 404)])
def test_announcements_of_a_draft_are_for_its_instructor(people, alice, draft, who, status):
    Announcement.objects.create(course=draft, author=alice, title="Soon", body="...")
    response = client_for(people[who]).get("/api/v1/courses/CS999/announcements")
    assert response.status_code == status
