"""Lesson videos and files: byte ranges for seeking, and only for those allowed to see the course."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.ranged import parse_range
from lms_site.testing import content as w

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def video(cs101):
    return w.lesson(w.module(cs101), "Clip", kind="video", video=SimpleUploadedFile("clip.mp4", DATA))


def get(client, item, **headers):
    return client.get(reverse("courses:lesson_media", args=["CS101", item.pk]), headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_video_says_it_accepts_ranges(client, carol, carol_in_cs101, video):
    client.force_login(carol)
    response = get(client, video)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(DATA))
    assert body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 10239),
        ("bytes=-240", 10000, 10239),
        ("bytes=10000-99999", 10000, 10239),
    ],
)
def test_a_range_request_gets_206_with_content_range(client, carol, carol_in_cs101, video, header, first, last):
    client.force_login(carol)
    response = get(client, video, range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(DATA)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == DATA[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=500-100", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416(client, carol, carol_in_cs101, video, header):
    client.force_login(carol)
    response = get(client, video, range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_a_malformed_or_multiple_range_gets_the_whole_file():
    assert parse_range("bytes=0-1,5-6", 100) is None
    assert parse_range("items=0-5", 100) is None
    assert parse_range("", 100) is None


@pytest.mark.parametrize(("who", "status"), [("carol", 206), ("alice", 206), ("bob", 404), ("dave", 404), (None, 302)])
def test_only_members_get_the_video(client, request, carol_in_cs101, video, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert get(client, video, range="bytes=0-9").status_code == status


def test_the_video_of_an_unreleased_lesson_is_not_served_to_students(client, carol, carol_in_cs101, video):
    video.release_at = w.later(days=1)
    video.save()
    client.force_login(carol)
    assert get(client, video).status_code == 404


def test_a_lesson_file_downloads_as_an_attachment(client, carol, carol_in_cs101, cs101):
    item = w.lesson(w.module(cs101), "Slides", kind="file", file=SimpleUploadedFile("slides.pdf", b"%PDF slides"))
    client.force_login(carol)
    response = client.get(reverse("courses:lesson_file", args=["CS101", item.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="slides.pdf"'
    assert body(response) == b"%PDF slides"
