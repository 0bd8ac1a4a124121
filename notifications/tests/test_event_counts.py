"""Each kind of change writes exactly the expected events on the expected topics, whichever door it
comes through (service, admin, shell), and a rolled-back transaction writes and schedules none."""

from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from courses import services
from courses.models import Announcement, Course, Resource, Subscription
from lms_site.testing import events
from lms_site.testing.events import newest_id
from notifications.delivery.tasks import plan_deliveries
from notifications.events import publish

pytestmark = pytest.mark.django_db


# (kind, topic, course code or None) of each event after a cursor.
events_after = partial(events.events_after, fields=("kind", "topic", "course__code"))


def test_new_resource_in_a_published_course_goes_to_its_topic_and_the_catalog(cs101):
    before = newest_id()
    services.add_resource(course=cs101, title="Week 1 slides", url="https://example.edu/w1")
    assert events_after(before) == [
        ("new_resource", "course:CS101", "CS101"),
        ("new_resource", "all_courses", "CS101"),
    ]


def test_new_resource_in_an_unpublished_course_stays_on_its_topic(draft):
    before = newest_id()
    services.add_resource(course=draft, title="Draft notes", body="Notes")
    assert events_after(before) == [("new_resource", "course:CS999", "CS999")]


def test_renaming_a_resource_writes_one_quiet_change_on_its_topic(cs101):
    # Quiet (content_changed): open pages follow, no feed shows it, nobody counts it unread. Not on
    # the catalog: the catalog's copy is rewritten, not pushed.
    resource = services.add_resource(course=cs101, title="Week 1", body="Text")
    before = newest_id()
    resource.title = "Week 1 (fixed)"
    services.save_resource(resource=resource, by=cs101.instructor)
    assert events_after(before) == [("content_changed", "course:CS101", "CS101")]


def test_saving_a_resource_unchanged_writes_nothing(cs101):
    resource = services.add_resource(course=cs101, title="Week 1", body="Text")
    before = newest_id()
    services.save_resource(resource=Resource.objects.get(pk=resource.pk), by=cs101.instructor)
    assert events_after(before) == []


def test_deleting_a_resource_writes_one_quiet_removal(cs101):
    resource = services.add_resource(course=cs101, title="Week 1", body="Text")
    before = newest_id()
    resource.delete()
    assert events_after(before) == [("content_removed", "course:CS101", "CS101")]


def test_deleting_a_course_writes_nothing_for_its_content(cs101):
    services.add_resource(course=cs101, title="Week 1", body="Text")
    services.post_announcement(author=cs101.instructor, title="Hi", body="There", course=cs101)
    before = newest_id()
    cs101.delete()
    assert events_after(before) == []


def test_unpublishing_tells_each_subscriber_once_and_republishing_says_nothing(carol_in_cs101, carol, cs101):
    before = newest_id()
    services.set_published(course=cs101, published=False, by=cs101.instructor)
    assert events_after(before) == [("content_removed", f"user:{carol.pk}", "CS101")]
    before = newest_id()
    services.set_published(course=cs101, published=True, by=cs101.instructor)
    assert events_after(before) == []


def test_course_announcement_goes_to_the_course_topic(alice, cs101):
    before = newest_id()
    services.post_announcement(author=alice, title="Exam moved", body="To Friday", course=cs101)
    assert events_after(before) == [("announcement", "course:CS101", "CS101")]


def test_site_wide_announcement_goes_to_system_events(root):
    before = newest_id()
    services.post_announcement(author=root, title="Maintenance", body="Sunday 2am")
    assert events_after(before) == [("announcement", "system_events", None)]


def test_subscription_tells_the_instructor_and_the_student(alice, carol, cs101):
    before = newest_id()
    services.subscribe(user=carol, course=cs101)
    assert events_after(before) == [
        ("subscription", f"user:{alice.pk}", "CS101"),
        ("subscription", f"user:{carol.pk}", "CS101"),
        ("content_changed", "staff", "CS101"),  # site admins' open analytics
    ]
    services.subscribe(user=carol, course=cs101)  # idempotent: no second pair
    assert len(events_after(before)) == 3


def test_unsubscribing_tells_only_the_site_admins_dashboards(carol_in_cs101, carol, cs101):
    before = newest_id()
    services.unsubscribe(user=carol, course=cs101)
    assert events_after(before) == [("content_changed", "staff", "CS101")]


def test_registration_goes_to_staff_only(django_user_model):
    before = newest_id()
    django_user_model.objects.create_user(username="erin", password="pw-erinerin", role="student")
    assert events_after(before) == [("user_registered", "staff", None)]


def test_publishing_a_course_goes_to_the_catalog_once(draft):
    before = newest_id()
    services.set_published(course=draft, published=True, by=draft.instructor)
    draft.title = "Released Seminar"
    services.save_course(course=draft, by=draft.instructor)
    assert events_after(before) == [("course_published", "all_courses", "CS999")]


def test_a_course_loaded_from_the_database_and_published_counts_once(draft):
    before = newest_id()
    course = Course.objects.get(pk=draft.pk)
    services.set_published(course=course, published=True, by=draft.instructor)
    services.save_course(course=Course.objects.get(pk=draft.pk), by=draft.instructor)
    assert events_after(before) == [("course_published", "all_courses", "CS999")]


def test_creating_a_published_course_announces_it(bob):
    before = newest_id()
    services.save_course(course=Course(code="PH100", title="Physics", instructor=bob, is_published=True), by=bob)
    assert events_after(before) == [("course_published", "all_courses", "PH100")]


def test_the_shell_produces_the_same_events_as_the_service(cs101):
    before = newest_id()
    Resource.objects.create(course=cs101, title="From the shell", body="Text")
    assert events_after(before) == [
        ("new_resource", "course:CS101", "CS101"),
        ("new_resource", "all_courses", "CS101"),
    ]


def test_a_rolled_back_change_writes_and_schedules_nothing(alice, carol, cs101, django_capture_on_commit_callbacks):
    before = newest_id()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.add_resource(course=cs101, title="Never", body="Text")
        services.post_announcement(author=alice, title="Never", body="Text", course=cs101)
        services.subscribe(user=carol, course=cs101)
        raise RuntimeError("roll back")
    assert events_after(before) == []
    assert callbacks == []
    assert not Subscription.objects.filter(student=carol).exists()


def test_a_committed_change_schedules_one_publish_per_event(cs101, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.add_resource(course=cs101, title="Week 2", body="Text")
    publishes = [callback for callback in callbacks if callback.func is publish]
    # And one delivery plan per event (mail and push are the worker's, enqueued after commit).
    plans = [callback for callback in callbacks if callback.func == plan_deliveries.enqueue]
    assert len(publishes) == 2 and len(plans) == 2


class TestThroughTheAdmin:
    def test_adding_a_resource_in_the_admin_writes_the_same_events(self, client, alice, cs101):
        client.force_login(alice)
        before = newest_id()
        response = client.post(
            "/admin/courses/resource/add/",
            {"course": cs101.pk, "title": "Admin slides", "url": "https://example.edu/s", "body": ""},
        )
        assert response.status_code == 302, response.content[:2000]
        assert events_after(before) == [
            ("new_resource", "course:CS101", "CS101"),
            ("new_resource", "all_courses", "CS101"),
        ]

    def test_publishing_in_the_admin_writes_one_course_published(self, client, alice, draft):
        client.force_login(alice)
        before = newest_id()
        response = client.post(
            "/admin/courses/course/", {"action": "publish", "_selected_action": [draft.pk], "index": 0}
        )
        assert response.status_code == 302
        assert events_after(before) == [("course_published", "all_courses", "CS999")]

    def test_an_announcement_in_the_admin_writes_one_event(self, client, alice, cs101):
        client.force_login(alice)
        before = newest_id()
        response = client.post(
            "/admin/courses/announcement/add/", {"course": cs101.pk, "title": "Hello", "body": "Welcome"}
        )
        assert response.status_code == 302, response.content[:2000]
        assert events_after(before) == [("announcement", "course:CS101", "CS101")]
        assert Announcement.objects.get().author == alice

    def test_adding_a_user_in_the_admin_writes_one_registration(self, client, root):
        client.force_login(root)
        before = newest_id()
        response = client.post(
            "/admin/accounts/user/add/",
            {
                "username": "frank",
                "password1": "a-long-pass-phrase-1",
                "password2": "a-long-pass-phrase-1",
                "usable_password": "true",
                "email": "frank@example.edu",
                "role": "student",
            },
        )
        assert response.status_code == 302, response.content[:3000]
        assert get_user_model().objects.filter(username="frank").exists()
        assert events_after(before) == [("user_registered", "staff", None)]
