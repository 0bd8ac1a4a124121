"""Files users uploaded never run as this site: every view that serves one (resources, lesson files
and videos, submissions; pages and API) sends it as a download with a sandboxing policy, nosniff and
a private cache, with an active type (HTML, SVG, JavaScript) turned into octet-stream. Only a lesson
video is inline, so the page's player plays and seeks it. With USER_FILES_ORIGIN the site's own
host streams nothing: it redirects to a signed link that only the files origin serves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import files, services
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>parent.document.title = 'pwned'</script>"
ACTIVE = {
    "page.html": SCRIPT,
    "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "evil.js": b"window.pwned = true;",
}
ACTIVE_TYPES = ("text/html", "image/svg+xml", "text/javascript", "application/javascript", "application/xml")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def uploads(cs101, carol, carol_in_cs101):
    """For each active file name: the page and API URLs that serve it, and who may fetch each."""
    module = w.module(cs101)
    urls = {}
    for n, (name, data) in enumerate(ACTIVE.items()):
        assignment = w.assignment_lesson(module, title=f"A {name}", position=10 + n)
        resource = services.add_resource(course=cs101, title=f"R {name}", file=SimpleUploadedFile(name, data))
        lesson = w.lesson(module, f"L {name}", position=n + 1, file=SimpleUploadedFile(name, data))
        submission = services.submit_assignment(
            student=carol, assignment=assignment, text="", file=SimpleUploadedFile(name, data)
        )
        urls[name] = [
            ("page", reverse("courses:resource", args=["CS101", resource.pk])),
            ("api", f"/api/v1/courses/CS101/resources/{resource.pk}/file"),
            ("page", reverse("courses:lesson_file", args=["CS101", lesson.pk])),
            ("api", f"/api/v1/courses/CS101/lessons/{lesson.pk}/file"),
            ("page", reverse("courses:submission_file", args=["CS101", submission.pk])),
        ]
    return urls


def fetch(user, kind, url, **headers):
    if kind == "api":
        return client_for(user).get(url, headers=headers)
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(url, headers=headers)


def assert_safe(response) -> None:
    assert response.status_code in (200, 206), response.status_code
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


@pytest.mark.parametrize("name", list(ACTIVE))
def test_an_active_file_is_a_sandboxed_download_of_no_runnable_type(carol, uploads, name):
    for kind, url in uploads[name]:
        response = fetch(carol, kind, url)
        assert_safe(response)
        assert response["Content-Disposition"].startswith("attachment"), url
        assert not response["Content-Type"].startswith(ACTIVE_TYPES), (url, response["Content-Type"])
        assert b"".join(response.streaming_content) == ACTIVE[name]


def test_the_instructor_gets_a_students_html_submission_as_a_sandboxed_download(alice, uploads):
    kind, url = uploads["page.html"][-1]
    response = fetch(alice, kind, url)
    assert_safe(response)
    assert response["Content-Disposition"].startswith("attachment")


def test_a_pdf_keeps_its_type_as_a_download(carol, cs101, carol_in_cs101):
    handout = services.add_resource(course=cs101, title="PDF", file=SimpleUploadedFile("notes.pdf", b"%PDF-1.4"))
    response = fetch(carol, "page", reverse("courses:resource", args=["CS101", handout.pk]))
    assert_safe(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.fixture
def video(cs101):
    return w.lesson(w.module(cs101), "Clip", kind="video", video=SimpleUploadedFile("clip.webm", b"\x1a\x45" * 500))


@pytest.mark.parametrize("kind", ["page", "api"])
def test_a_lesson_video_plays_inline_in_ranges_and_sandboxed(carol, carol_in_cs101, video, kind):
    url = (
        reverse("courses:lesson_media", args=["CS101", video.pk])
        if kind == "page"
        else f"/api/v1/courses/CS101/lessons/{video.pk}/video"
    )
    response = fetch(carol, kind, url, range="bytes=10-19")
    assert response.status_code == 206
    assert_safe(response)
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Disposition"].startswith("inline")


def test_an_html_file_uploaded_as_a_video_is_still_a_download(carol, carol_in_cs101, cs101):
    from courses.models import Lesson

    item = w.lesson(w.module(cs101), "Clip", kind="video")
    Lesson.objects.filter(pk=item.pk).update(video="lessons/video/x.html")  # past the validators
    files.default_storage.save("lessons/video/x.html", SimpleUploadedFile("x.html", SCRIPT))
    response = fetch(carol, "page", reverse("courses:lesson_media", args=["CS101", item.pk]))
    assert_safe(response)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


# A separate files origin


@pytest.fixture
def files_origin(settings):
    settings.USER_FILES_ORIGIN = "http://files.testserver"
    settings.ALLOWED_HOSTS = ["testserver", "files.testserver"]


def test_with_a_files_origin_the_site_redirects_there_and_streams_nothing(client, carol, uploads, files_origin):
    for kind, url in [*uploads["evil.js"], *uploads["page.html"]]:
        response = fetch(carol, kind, url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("http://files.testserver/files/"), response["Location"]


def test_the_files_origin_serves_a_signed_link_without_a_session(carol, uploads, files_origin):
    from django.test import Client

    link = fetch(carol, *uploads["page.html"][0])["Location"]
    path = link.removeprefix("http://files.testserver")
    response = Client().get(path, headers={"host": "files.testserver"})  # no cookie at all
    assert_safe(response)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == SCRIPT


def test_the_site_host_refuses_to_serve_a_signed_link(carol, uploads, files_origin):
    from django.test import Client

    path = fetch(carol, *uploads["page.html"][0])["Location"].removeprefix("http://files.testserver")
    assert Client().get(path).status_code == 404  # testserver: the site's own host


def test_without_a_files_origin_signed_links_are_not_served(carol, uploads, settings):
    token = files.signed_url("resources/x.html", inline=False).split("/files/")[1]
    assert fetch(carol, "page", f"/files/{token}").status_code == 404


def test_a_tampered_or_expired_link_is_a_404(carol, uploads, files_origin, monkeypatch):
    from django.test import Client

    path = fetch(carol, *uploads["page.html"][0])["Location"].removeprefix("http://files.testserver")
    files_host = Client(headers={"host": "files.testserver"})
    token = path.split("/")[2]
    assert files_host.get(path.replace(token, token[:-2] + "xx")).status_code == 404
    monkeypatch.setattr(files, "LINK_SECONDS", -1)
    assert files_host.get(path).status_code == 404
