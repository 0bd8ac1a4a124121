import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Announcement, Resource, Subscription

pytestmark = pytest.mark.django_db


def page(course):
    return reverse("courses:detail", args=[course.code])


def test_it_shows_description_resources_and_announcements(client, carol, cs101, carol_in_cs101):
    Resource.objects.create(course=cs101, title="Week 1 slides", body="Slides")
    Announcement.objects.create(course=cs101, title="Room change", body="We move to B12.")
    client.force_login(carol)
    response = client.get(page(cs101))
    assert response.status_code == 200
    assert "Week 1 slides" in response.text
    assert "Room change" in response.text


def test_opening_it_updates_last_viewed_at(client, carol, cs101, carol_in_cs101):
    Subscription.objects.filter(pk=carol_in_cs101.pk).update(last_viewed_at=timezone.now() - timezone.timedelta(days=9))
    client.force_login(carol)
    before = timezone.now()
    client.get(page(cs101))
    carol_in_cs101.refresh_from_db()
    assert carol_in_cs101.last_viewed_at >= before


def test_it_is_invisible_to_students_while_unpublished(client, carol, draft):
    client.force_login(carol)
    assert client.get(page(draft)).status_code == 404


def test_its_instructor_sees_it_while_unpublished(client, alice, draft):
    client.force_login(alice)
    assert client.get(page(draft)).status_code == 200


def test_it_offers_subscription_to_a_visitor_who_is_not_subscribed(client, dave, cs101):
    client.force_login(dave)
    response = client.get(page(cs101))
    assert reverse("courses:subscribe", args=["CS101"]) in response.text
    assert "Subscribe to open" in response.text or "No resources yet" in response.text


@pytest.mark.parametrize("resources", [1, 20])
def test_its_query_count_does_not_grow_with_its_content(
    client, carol, cs101, carol_in_cs101, django_assert_num_queries, resources
):
    Resource.objects.bulk_create(Resource(course=cs101, title=f"R{n}", body="x") for n in range(resources))
    Announcement.objects.bulk_create(Announcement(course=cs101, title=f"A{n}", body="x") for n in range(resources))
    client.force_login(carol)
    # session, user, course, my subscription, last-viewed update, resources, announcements,
    # header (membership, cursor, capped unread count, newest id), course feed, my lesson progress
    with django_assert_num_queries(13):
        assert client.get(page(cs101)).status_code == 200
