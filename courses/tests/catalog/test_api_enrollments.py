"""POST and DELETE /api/v1/enrollments/{code}: subscribe and leave, both idempotent, with the same
rules and the same events as the course page's buttons."""

import pytest
from django.urls import reverse

from courses.models import Subscription
from lms_site.testing.api import client_for, error_of
from notifications.models import Event

pytestmark = pytest.mark.django_db


def test_subscribing_answers_201_then_200(dave, cs101):
    client = client_for(dave)
    first = client.post("/api/v1/enrollments/CS101")
    assert first.status_code == 201
    assert first.json()["course"] == "CS101" and first.json()["subscribed"] is True
    again = client.post("/api/v1/enrollments/CS101")
    assert again.status_code == 200 and again.json()["subscribed_at"] == first.json()["subscribed_at"]
    assert Subscription.objects.filter(student=dave, course=cs101).count() == 1


def test_subscribing_records_the_same_events_as_the_page(client, carol, dave, cs101):
    client_for(dave).post("/api/v1/enrollments/CS101")
    by_api = list(Event.objects.filter(kind=Event.Kind.SUBSCRIPTION).order_by("id").values_list("topic", "payload"))
    Event.objects.all().delete()
    client.force_login(carol)
    client.post(reverse("courses:subscribe", args=["CS101"]))
    by_page = list(Event.objects.filter(kind=Event.Kind.SUBSCRIPTION).order_by("id").values_list("topic", "payload"))
    assert len(by_api) == len(by_page) == 2
    assert [topic for topic, _ in by_api] == [f"user:{cs101.instructor_id}", f"user:{dave.pk}"]
    assert by_page[0][1]["title"] == "Carol Chen joined CS101" and by_api[0][1]["title"] == "Dave Diaz joined CS101"


def test_subscribing_twice_records_no_second_event(dave, cs101):
    client = client_for(dave)
    client.post("/api/v1/enrollments/CS101")
    count = Event.objects.count()
    client.post("/api/v1/enrollments/CS101")
    assert Event.objects.count() == count


def test_leaving_answers_204_every_time(carol, cs101, carol_in_cs101):
    client = client_for(carol)
    assert client.delete("/api/v1/enrollments/CS101").status_code == 204
    assert not Subscription.objects.filter(student=carol).exists()
    assert client.delete("/api/v1/enrollments/CS101").status_code == 204


def test_an_instructor_cannot_subscribe_to_their_own_course(alice, cs101):
    error = error_of(client_for(alice).post("/api/v1/enrollments/CS101"))
    assert error["status"] == 409 and error["code"] == "conflict"
    assert error["message"] == "You teach this course."


def test_a_draft_is_409_for_its_instructor_and_404_for_others(alice, bob, dave, draft):
    error = error_of(client_for(alice).post("/api/v1/enrollments/CS999"))
    assert error["status"] == 409  # she teaches it; it is not open either
    for other in (bob, dave):
        assert error_of(client_for(other).post("/api/v1/enrollments/CS999"))["status"] == 404
        assert error_of(client_for(other).delete("/api/v1/enrollments/CS999"))["status"] == 404
    assert not Subscription.objects.exists()


def test_an_unpublished_course_refuses_new_subscriptions(root, draft):
    error = error_of(client_for(root).post("/api/v1/enrollments/CS999"))
    assert error["status"] == 409 and error["message"] == "This course is not open for subscription."


def test_another_instructor_may_subscribe_like_on_the_page(bob, cs101):
    assert client_for(bob).post("/api/v1/enrollments/CS101").status_code == 201


def test_an_unknown_course_is_a_404(dave):
    assert error_of(client_for(dave).post("/api/v1/enrollments/NOPE"))["status"] == 404


@pytest.mark.parametrize("method", ["post", "delete"])
def test_enrollment_needs_a_log_in(cs101, method):
    error = error_of(getattr(client_for(), method)("/api/v1/enrollments/CS101"))
    assert error["status"] == 401
    assert not Subscription.objects.exists()


def test_get_is_not_allowed(dave, cs101):
    assert error_of(client_for(dave).get("/api/v1/enrollments/CS101"))["status"] == 405
