"""Announcements that ask to be acknowledged: the member's button and the mail's signed link, the
instructor's live count, reminders to those who have not (issue 13)."""

import pytest
from django.core.exceptions import PermissionDenied

from courses import services
from courses.models import Acknowledgement, Reminder, Subscription
from lms_site.testing.events import newest_id
from lms_site.testing.sockets import SocketClient
from notifications.delivery import planning
from notifications.delivery.mail import compose
from notifications.delivery.models import Delivery
from notifications.models import Event


@pytest.fixture
def notice(alice, cs101):
    return services.post_announcement(
        course=cs101, title="Read the lab rules", body="Goggles **on**.", author=alice, acknowledge=True
    )


@pytest.mark.django_db
def test_a_member_acknowledges_with_the_button_once(client, carol_in_cs101, carol, cs101, notice):
    client.force_login(carol)
    page = client.get(cs101.get_absolute_url()).content.decode()
    assert "I have read this" in page
    url = f"/courses/CS101/announcements/{notice.pk}/acknowledge/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is still once
    assert Acknowledgement.objects.filter(announcement=notice, user=carol).count() == 1
    page = client.get(cs101.get_absolute_url()).content.decode()
    assert "I have read this" not in page and "Acknowledged" in page


@pytest.mark.django_db
def test_outsiders_and_ordinary_announcements_cannot_be_acknowledged(client, dave, carol, carol_in_cs101, alice, cs101):
    plain = services.post_announcement(course=cs101, title="FYI", body="Text", author=alice)
    asking = services.post_announcement(course=cs101, title="Ack", body="Text", author=alice, acknowledge=True)
    client.force_login(dave)  # not subscribed
    assert client.post(f"/courses/CS101/announcements/{asking.pk}/acknowledge/").status_code == 404
    client.force_login(carol)
    assert client.post(f"/courses/CS101/announcements/{plain.pk}/acknowledge/").status_code == 404
    assert client.get(f"/courses/CS101/announcements/{asking.pk}/acknowledge/").status_code == 405
    assert not Acknowledgement.objects.exists()


@pytest.mark.django_db
def test_the_mail_link_acknowledges_without_logging_in(client, carol, carol_in_cs101, cs101, notice, settings):
    settings.SITE_URL = "http://testserver"
    planning.plan(Event.objects.get(kind=Event.Kind.ANNOUNCEMENT).pk)
    delivery = Delivery.objects.get(user=carol)
    message = compose(carol, [delivery])
    link = next(word for word in message.body.split() if "/acknowledge/" in word)
    path = link.removeprefix("http://testserver")
    page = client.get(path)  # a mail scanner's GET acknowledges nothing
    assert page.status_code == 200 and "I have read this" in page.content.decode()
    assert not Acknowledgement.objects.exists()
    assert client.post(path).status_code == 200
    assert Acknowledgement.objects.filter(user=carol, announcement=notice).exists()
    assert client.post(path[:-3] + "xx/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_instructors_count_moves_live(daphne, alice, carol, dave, cs101, notice):
    Subscription.objects.create(student=carol, course=cs101)
    Subscription.objects.create(student=dave, course=cs101)
    start = newest_id()
    with SocketClient.of(daphne, alice, after=start) as instructor:
        services.acknowledge(announcement=notice, user=carol)
        message = instructor.until(lambda m: m.get("type") == "event" and m["kind"] == "content_changed")
        [part] = message["parts"]
        assert part["key"] == f"acknowledgements-{notice.pk}"
        assert "1 of 2 acknowledged" in part["html"]
        assert message["html"] == ""  # quiet: no feed item, never unread


@pytest.mark.django_db
def test_reminders_go_only_to_those_who_have_not_acknowledged(alice, bob, carol, dave, cs101, notice):
    Subscription.objects.create(student=carol, course=cs101)
    Subscription.objects.create(student=dave, course=cs101)
    services.acknowledge(announcement=notice, user=carol)
    assert services.remind_unacknowledged(announcement=notice, by=alice) == 1
    assert list(Reminder.objects.values_list("user__username", flat=True)) == ["dave"]
    reminder = Event.objects.get(topic=f"user:{dave.pk}", kind=Event.Kind.ANNOUNCEMENT)
    assert reminder.payload["title"] == "Reminder: Read the lab rules"
    assert reminder.payload["acknowledge"] == notice.pk
    with pytest.raises(PermissionDenied):
        services.remind_unacknowledged(announcement=notice, by=bob)
