import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Announcement, Assignment, Course, Lesson, Module, Resource, Subscription

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("courses:dashboard")


def test_it_lists_my_courses(client, carol, carol_in_cs101, ma201):
    client.force_login(carol)
    response = client.get(DASHBOARD)
    assert [s.course.code for s in response.context["subscriptions"]] == ["CS101"]


def test_it_shows_what_was_added_since_my_last_visit_however_long_ago(client, carol, cs101, carol_in_cs101):
    long_ago = timezone.now() - timezone.timedelta(days=400)
    Subscription.objects.filter(pk=carol_in_cs101.pk).update(last_viewed_at=long_ago)
    old = Resource.objects.create(course=cs101, title="Old notes", body="x")
    Resource.objects.filter(pk=old.pk).update(created_at=long_ago - timezone.timedelta(days=1))
    Resource.objects.create(course=cs101, title="Fresh notes", body="x")
    Announcement.objects.create(course=cs101, title="Exam date", body="x")
    client.force_login(carol)
    (subscription,) = client.get(DASHBOARD).context["subscriptions"]
    assert [r.title for r in subscription.new_resources] == ["Fresh notes"]
    assert [a.title for a in subscription.new_announcements] == ["Exam date"]


def test_opening_the_course_clears_what_is_new(client, carol, cs101, carol_in_cs101):
    Subscription.objects.filter(pk=carol_in_cs101.pk).update(
        last_viewed_at=timezone.now() - timezone.timedelta(hours=1)
    )
    Resource.objects.create(course=cs101, title="Fresh notes", body="x")
    client.force_login(carol)
    client.get(reverse("courses:detail", args=["CS101"]))
    (subscription,) = client.get(DASHBOARD).context["subscriptions"]
    assert subscription.new_resources == []
    assert "Nothing new" in client.get(DASHBOARD).text


def test_it_does_not_show_news_of_other_students_courses(client, carol, dave, cs101, ma201, carol_in_cs101):
    Subscription.objects.create(student=dave, course=ma201)
    Resource.objects.create(course=ma201, title="Matrices", body="x")
    client.force_login(carol)
    (subscription,) = client.get(DASHBOARD).context["subscriptions"]
    assert subscription.new_resources == []


def test_it_requires_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("size", [1, 12])
def test_its_query_count_does_not_grow(client, carol, alice, django_assert_num_queries, size):
    long_ago = timezone.now() - timezone.timedelta(days=30)
    courses = Course.objects.bulk_create(
        Course(code=f"D{n:03d}", title=f"Course {n}", instructor=alice, is_published=True) for n in range(size)
    )
    Subscription.objects.bulk_create(Subscription(student=carol, course=c, last_viewed_at=long_ago) for c in courses)
    Resource.objects.bulk_create(Resource(course=c, title=f"R{i}", body="x") for c in courses for i in range(3))
    Announcement.objects.bulk_create(Announcement(course=c, title="A", body="x") for c in courses)
    modules = Module.objects.bulk_create(Module(course=c, title="Week 1") for c in courses)
    lessons = Lesson.objects.bulk_create(
        Lesson(module=m, title="Essay", kind=Lesson.Kind.ASSIGNMENT, is_published=True) for m in modules
    )
    Assignment.objects.bulk_create(
        Assignment(lesson=lesson, due_at=timezone.now() + timezone.timedelta(days=1)) for lesson in lessons
    )
    client.force_login(carol)
    # session, user, subscriptions, new resources, new announcements, site announcements,
    # header (membership, cursor, capped unread count, newest id), my feed (membership shared with
    # the header, so only its events),
    # my lesson progress in every course, what is due (the Upcoming panel)
    with django_assert_num_queries(13):
        response = client.get(DASHBOARD)
    assert sum(len(s.new_resources) for s in response.context["subscriptions"]) == 3 * size
    assert response.text.count('class="due-item') == min(size, 8)
