import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import services
from courses.models import Subscription

pytestmark = pytest.mark.django_db


def test_a_student_subscribes_and_unsubscribes(client, dave, cs101):
    client.force_login(dave)
    response = client.post(reverse("courses:subscribe", args=["CS101"]), follow=True)
    assert Subscription.objects.filter(student=dave, course=cs101).exists()
    assert "You are subscribed to CS101" in response.text
    client.post(reverse("courses:unsubscribe", args=["CS101"]))
    assert not Subscription.objects.filter(student=dave, course=cs101).exists()


def test_subscribing_twice_keeps_one_subscription(dave, cs101):
    first, created = services.subscribe(user=dave, course=cs101)
    again, created_again = services.subscribe(user=dave, course=cs101)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Subscription.objects.count() == 1


def test_unsubscribing_when_not_subscribed_is_harmless(dave, cs101):
    assert services.unsubscribe(user=dave, course=cs101) is False


def test_it_rejects_an_unpublished_course(dave, draft):
    with pytest.raises(ValidationError):
        services.subscribe(user=dave, course=draft)


def test_an_instructor_cannot_subscribe_to_their_own_course(client, alice, cs101):
    client.force_login(alice)
    response = client.post(reverse("courses:subscribe", args=["CS101"]), follow=True)
    assert "You teach this course" in response.text
    assert not Subscription.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, cs101):
    response = client.post(reverse("courses:subscribe", args=["CS101"]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_only_accepts_post(client, dave, cs101):
    client.force_login(dave)
    assert client.get(reverse("courses:subscribe", args=["CS101"])).status_code == 405


def test_a_hidden_course_cannot_be_subscribed_by_url(client, dave, draft):
    client.force_login(dave)
    assert client.post(reverse("courses:subscribe", args=["CS999"])).status_code == 404
