"""A course is announced ("New course: …" on all_courses) the first time it is published, never
again: unpublishing and republishing it is not news."""

import pytest

from courses import services
from courses.models import Course
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


def announcements_after(before: int) -> list[tuple]:
    return [row for row in events_after(before, ("kind", "topic", "course__code")) if row[0] == "course_published"]


def test_publish_unpublish_publish_announces_the_course_once(alice, draft):
    before = newest_id()
    assert services.set_published(course=draft, published=True, by=alice)
    assert services.set_published(course=draft, published=False, by=alice)
    assert services.set_published(course=draft, published=True, by=alice)
    assert announcements_after(before) == [("course_published", "all_courses", "CS999")]


def test_republishing_a_course_fetched_again_from_the_database_announces_nothing(alice, draft):
    services.set_published(course=draft, published=True, by=alice)
    services.set_published(course=Course.objects.get(pk=draft.pk), published=False, by=alice)
    before = newest_id()
    services.set_published(course=Course.objects.get(pk=draft.pk), published=True, by=alice)
    assert announcements_after(before) == []


def test_the_first_publication_time_is_kept_when_republished(alice, draft):
    services.set_published(course=draft, published=True, by=alice)
    first = Course.objects.get(pk=draft.pk).first_published_at
    assert first is not None
    services.set_published(course=draft, published=False, by=alice)
    services.set_published(course=draft, published=True, by=alice)
    assert Course.objects.get(pk=draft.pk).first_published_at == first


def test_a_course_never_published_has_no_first_publication_time(draft):
    assert Course.objects.get(pk=draft.pk).first_published_at is None
