"""A file over MAX_UPLOAD_MB is refused while it is parsed, with a 413 that says why, on the
student's submission page and in the admin; never a 500, nothing saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from courses.models import Resource, Submission
from lms_site.testing import content as w
from lms_site.uploads import MaxSizeUploadHandler, UploadTooLarge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1


def big_file(name="big.pdf", mb=3):
    return SimpleUploadedFile(name, b"x" * (mb * 1024 * 1024))


def test_a_student_gets_a_413_for_a_file_over_the_limit(client, carol, carol_in_cs101, cs101):
    assignment = w.assignment_lesson(w.module(cs101))
    client.force_login(carol)
    response = client.post(
        reverse("courses:assignment_submit", args=["CS101", assignment.lesson.pk]), {"text": "", "file": big_file()}
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.text
    assert "Content-Security-Policy" in response
    assert not Submission.objects.exists()


def test_the_admin_gets_a_413_for_a_file_over_the_limit(client, alice, cs101):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_resource_add"), {"course": cs101.pk, "title": "Big", "file": big_file()}
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.text
    assert not Resource.objects.exists()


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def parse(body: bytes, content_length: int):
    request = RequestFactory().post("/")
    stream = CountingStream(body)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(content_length)}
    parser = MultiPartParser(meta, stream, [MaxSizeUploadHandler(request)])
    with pytest.raises(UploadTooLarge):
        parser.parse()
    return stream.consumed, request


def test_a_body_that_says_it_is_too_big_is_refused_before_it_is_read():
    body = encode_multipart(BOUNDARY, {"file": big_file(mb=3)})
    consumed, request = parse(body, len(body))
    assert consumed == 0 and request.upload_too_large


def test_a_file_is_refused_once_it_passes_the_limit():
    body = encode_multipart(BOUNDARY, {"file": big_file(mb=3)})
    consumed, _ = parse(body, 1024)  # a Content-Length that lies: the file's own bytes count
    assert consumed < 2 * 1024 * 1024
