"""The dashboard lists the courses a student is a member of: subscribed AND published. An
unpublished course answers its subscribers 404, so it leaves their dashboard too."""

import pytest
from django.urls import reverse

from courses import selectors, services
from courses.models import Announcement, Resource, Subscription

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("courses:dashboard")


def test_unpublishing_takes_the_course_off_its_students_dashboards(client, alice, carol, cs101, carol_in_cs101):
    services.set_published(course=cs101, published=False, by=alice)
    client.force_login(carol)
    response = client.get(DASHBOARD)
    assert response.context["subscriptions"] == []
    assert client.get(reverse("courses:detail", args=["CS101"])).status_code == 404


def test_republishing_puts_it_back(client, alice, carol, cs101, carol_in_cs101):
    services.set_published(course=cs101, published=False, by=alice)
    services.set_published(course=cs101, published=True, by=alice)
    client.force_login(carol)
    assert [s.course.code for s in client.get(DASHBOARD).context["subscriptions"]] == ["CS101"]


def test_news_of_an_unpublished_course_is_not_counted(alice, carol, cs101, ma201, carol_in_cs101):
    Subscription.objects.create(student=carol, course=ma201)
    Resource.objects.create(course=cs101, title="Hidden notes", body="x")
    Announcement.objects.create(course=cs101, title="Hidden news", body="x")
    services.set_published(course=cs101, published=False, by=alice)
    (subscription,) = selectors.dashboard(carol)
    assert subscription.course.code == "MA201"
    assert subscription.new_resources == [] and subscription.new_announcements == []


def test_a_subscription_to_a_draft_is_not_listed(carol, draft):
    # Only a bulk write or the shell can make one (subscribe refuses drafts); the rule holds anyway.
    Subscription.objects.create(student=carol, course=draft)
    assert selectors.dashboard(carol) == []
