"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) redirects only to what the
staff user may change; anything else, and anything that does not exist, is the same 404."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from courses.models import Announcement, Course, Lesson, Resource
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_drafts(bob):
    course = Course.objects.create(code="MA999", title="Secret seminar", instructor=bob, is_published=False)
    return {
        "course": course,
        "lesson": w.lesson(w.module(course), title="Secret lesson", published=False),
        "resource": Resource.objects.create(course=course, title="Secret notes", body="x"),
    }


def shortcut(model, pk) -> str:
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, pk])


def test_an_instructor_is_not_sent_to_another_instructors_draft(client, alice, bobs_drafts):
    client.force_login(alice)
    missing = client.get(shortcut(Course, 999_999))
    assert missing.status_code == 404
    for name, obj in bobs_drafts.items():
        response = client.get(shortcut(type(obj), obj.pk))
        assert response.status_code == 404, name
        assert response.content == missing.content, name  # "not yours" reads as "does not exist"


@pytest.mark.parametrize("model", [Course, Lesson, Resource, Announcement])
def test_an_id_that_does_not_exist_or_is_not_an_id_is_a_404(client, alice, model):
    client.force_login(alice)
    assert client.get(shortcut(model, 999_999)).status_code == 404
    assert client.get(shortcut(model, "not-an-id")).status_code == 404


def test_an_instructor_views_their_own_content_on_the_site(client, alice, cs101):
    lesson = w.lesson(w.module(cs101), published=False)
    client.force_login(alice)
    assert client.get(shortcut(Course, cs101.pk))["Location"].endswith(cs101.get_absolute_url())
    assert client.get(shortcut(Lesson, lesson.pk))["Location"].endswith(lesson.get_absolute_url())


def test_a_site_admin_views_anyones_content(client, root, bobs_drafts):
    client.force_login(root)
    lesson = bobs_drafts["lesson"]
    assert client.get(shortcut(Lesson, lesson.pk))["Location"].endswith(lesson.get_absolute_url())


def test_a_site_wide_announcement_is_for_site_admins(client, alice, root):
    news = Announcement.objects.create(course=None, title="Maintenance", body="x")
    client.force_login(alice)
    assert client.get(shortcut(Announcement, news.pk)).status_code == 404
    client.force_login(root)
    assert client.get(shortcut(Announcement, news.pk)).status_code == 302


def test_a_model_outside_the_admin_is_a_404(client, root):
    client.force_login(root)
    from django.contrib.sessions.models import Session

    assert client.get(shortcut(Session, "x")).status_code == 404
