import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import Resource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def handout(cs101):
    return services.add_resource(
        course=cs101, title="Handout", file=SimpleUploadedFile("handout.pdf", b"%PDF-1.4 lecture notes")
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("root", 200), ("carol", 200), ("bob", 404), ("dave", 404), (None, 302)],
)
def test_only_members_download_a_course_file(client, request, carol_in_cs101, handout, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("courses:resource", args=["CS101", handout.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 lecture notes"
        assert "handout" in response["Content-Disposition"]


def test_a_resource_of_another_course_is_not_reachable_through_mine(client, carol, carol_in_cs101, ma201):
    other = services.add_resource(course=ma201, title="Secret", body="answers")
    client.force_login(carol)
    assert client.get(reverse("courses:resource", args=["CS101", other.pk])).status_code == 404


def test_a_link_resource_redirects_and_a_text_resource_renders(client, carol, cs101, carol_in_cs101):
    link = services.add_resource(course=cs101, title="Docs", url="https://docs.python.org/3/")
    text = services.add_resource(course=cs101, title="Rules", body="Be **kind**.<script>alert(1)</script>")
    client.force_login(carol)
    assert client.get(reverse("courses:resource", args=["CS101", link.pk]))["Location"] == "https://docs.python.org/3/"
    response = client.get(reverse("courses:resource", args=["CS101", text.pk]))
    assert "Be <strong>kind</strong>." in response.text  # Markdown, as every long text is
    assert "<script>alert(1)" not in response.text


def test_an_empty_file_is_refused(cs101):
    with pytest.raises(ValidationError, match="empty"):
        services.add_resource(course=cs101, title="Nothing", file=SimpleUploadedFile("empty.txt", b""))
    assert not Resource.objects.exists()


def test_a_file_over_the_limit_is_refused(settings, cs101):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.bin", b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.add_resource(course=cs101, title="Big", file=big)


@pytest.mark.parametrize(
    "fields", [{}, {"url": "https://example.org", "body": "and text"}], ids=["nothing", "link-and-text"]
)
def test_a_resource_is_exactly_one_of_file_link_or_text(cs101, fields):
    with pytest.raises(ValidationError, match="exactly one"):
        services.add_resource(course=cs101, title="Odd", **fields)


def test_the_admin_form_reports_a_too_large_upload(client, settings, alice, cs101):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_resource_add"),
        {"course": cs101.pk, "title": "Big", "file": SimpleUploadedFile("big.bin", b"x" * (1024 * 1024 + 1))},
    )
    assert response.status_code == 413  # refused while parsing (lms_site/uploads.py)
    assert "larger than 1 MB" in response.text
    assert not Resource.objects.exists()
