"""Lessons through /api/v1/courses/{code}/lessons: members only, drafts for teachers, files and
byte ranges as on the pages."""

import pytest

from courses.models import LessonProgress
from lms_site.testing import content as w
from lms_site.testing.api import client_for, download, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(cs101, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return w.a_lesson_of_each_kind(cs101)


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
    answer = download(client_for(people[who]).get(f"/api/v1/courses/CS101/lessons/{lessons['file'].pk}/file"))
    assert answer == b"cheat sheet" if status == 200 else answer["status"] == status


def test_a_lesson_file_serves_byte_ranges(carol, carol_in_cs101, lessons):
    response = client_for(carol).get(f"/api/v1/courses/CS101/lessons/{lessons['file'].pk}/file", HTTP_RANGE="bytes=0-4")
    assert response.status_code == 206 and b"".join(response.streaming_content) == b"cheat"


def test_an_unreleased_lessons_file_is_hidden_from_students(carol, carol_in_cs101, lessons):
    response = client_for(carol).get(f"/api/v1/courses/CS101/lessons/{lessons['later'].pk}/file")
    assert error_of(response)["status"] == 404
