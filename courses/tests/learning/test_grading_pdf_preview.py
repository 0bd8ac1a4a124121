"""The grading page previews a submitted PDF: its first pages rendered as images on the server
(courses/previews.py), for the course's teacher only; a file PDFium cannot read is a download."""

import io

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses import services
from courses.previews import PREVIEW_WIDTH
from lms_site.testing import content as w

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def a_pdf(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)  # A4 in points
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def essay(cs101):
    return w.assignment_lesson(w.module(cs101), max_points=10)


def submit(student, essay, data: bytes, name="essay.pdf"):
    return services.submit_assignment(
        student=student, assignment=essay, file=SimpleUploadedFile(name, data, content_type="application/pdf")
    )


def page_url(course, submission, number):
    return reverse("admin:courses_course_grade_page", args=[course.pk, submission.pk, number])


def test_the_first_pages_of_a_pdf_are_shown_in_the_grading_page(client, alice, carol, carol_in_cs101, cs101, essay):
    submission = submit(carol, essay, a_pdf(5))
    client.force_login(alice)
    page = client.get(reverse("admin:courses_course_grade", args=[cs101.pk, submission.pk])).text
    for number in (1, 2, 3):
        assert f'src="{page_url(cs101, submission, number)}" alt="Page {number} of essay.pdf"' in page
    assert page_url(cs101, submission, 4) not in page
    assert "The first 3 pages." in page and "Download essay.pdf" in page

    response = client.get(page_url(cs101, submission, 1))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width == PREVIEW_WIDTH
    assert client.get(page_url(cs101, submission, 4)).status_code == 404  # past the previewed pages
    assert client.get(page_url(cs101, submission, 0)).status_code == 404


def test_only_the_courses_teacher_sees_the_pages(client, bob, carol, dave, carol_in_cs101, cs101, essay):
    submission = submit(carol, essay, a_pdf(1))
    client.force_login(bob)  # another course's instructor
    assert client.get(page_url(cs101, submission, 1)).status_code == 404
    client.force_login(carol)  # the student herself: her file, through the file view, not the admin
    assert client.get(page_url(cs101, submission, 1)).status_code == 302
    client.logout()
    assert client.get(page_url(cs101, submission, 1)).status_code == 302


def test_a_file_pdfium_cannot_read_is_a_download(client, alice, carol, carol_in_cs101, cs101, essay):
    submission = submit(carol, essay, b"%PDF-1.4 not really a PDF")
    client.force_login(alice)
    page = client.get(reverse("admin:courses_course_grade", args=[cs101.pk, submission.pk])).text
    assert "Download essay.pdf" in page and "Page 1 of essay.pdf" not in page
    assert client.get(page_url(cs101, submission, 1)).status_code == 404
