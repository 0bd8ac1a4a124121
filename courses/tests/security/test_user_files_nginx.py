"""Behind nginx (SEND_FILES_WITH_NGINX) a file view still decides who may read, then hands the
sending to nginx: an empty answer whose X-Accel-Redirect names the file under nginx's internal
/media/ location, with the headers that keep a user file from running as this site. Through a real
nginx: lms_site/tests/test_cluster_files.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_nginx(settings, tmp_path):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = tmp_path
    settings.SEND_FILES_WITH_NGINX = True


def test_a_member_gets_an_x_accel_redirect_with_the_safe_headers_and_no_bytes(client, carol, carol_in_cs101, cs101):
    resource = services.add_resource(course=cs101, title="Page", file=SimpleUploadedFile("page.html", b"<script>"))
    client.force_login(carol)
    response = client.get(reverse("courses:resource", args=["CS101", resource.pk]), headers={"Range": "bytes=0-1"})
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/media/" + resource.file.name
    assert response["Content-Length"] == "0"  # the file's length is nginx's to send
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=0"


def test_the_api_hands_a_lesson_video_to_nginx_inline(carol, carol_in_cs101, cs101):
    item = w.lesson(w.module(cs101), "Clip", kind="video", video=SimpleUploadedFile("clip.webm", b"\x1a\x45" * 50))
    response = client_for(carol).get(f"/api/v1/courses/CS101/lessons/{item.pk}/video")
    assert response["X-Accel-Redirect"] == "/media/" + item.video.name
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Disposition"].startswith("inline")


def test_a_non_member_gets_a_404_and_no_redirect_to_the_file(client, dave, cs101):
    resource = services.add_resource(course=cs101, title="Notes", file=SimpleUploadedFile("notes.pdf", b"%PDF-1.4"))
    client.force_login(dave)
    response = client.get(reverse("courses:resource", args=["CS101", resource.pk]))
    assert response.status_code == 404 and not response.has_header("X-Accel-Redirect")


def test_a_file_missing_from_disk_is_a_404_not_a_redirect(client, carol, carol_in_cs101, cs101):
    resource = services.add_resource(course=cs101, title="Gone", file=SimpleUploadedFile("gone.pdf", b"%PDF-1.4"))
    resource.file.storage.delete(resource.file.name)
    client.force_login(carol)
    response = client.get(reverse("courses:resource", args=["CS101", resource.pk]))
    assert response.status_code == 404 and not response.has_header("X-Accel-Redirect")


def test_a_compressed_file_is_sent_as_stored_not_marked_for_decoding(client, carol, carol_in_cs101, cs101):
    archive = services.add_resource(course=cs101, title="Data", file=SimpleUploadedFile("data.csv.gz", b"\x1f\x8b"))
    client.force_login(carol)
    response = client.get(reverse("courses:resource", args=["CS101", archive.pk]))
    assert response["X-Accel-Redirect"] == "/media/" + archive.file.name
    assert not response.has_header("Content-Encoding")  # a browser would unpack it on the way
