"""Quiet hours and digest hours are the user's own, in their time zone: the same moment is inside
one person's quiet hours and outside another's, and digests arrive at each person's hour."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from courses import services
from courses.models import Subscription
from notifications.delivery import planning, preferences
from notifications.delivery.digests import send_digests
from notifications.delivery.models import Delivery, DeliverySettings, EmailMode
from notifications.delivery.schedule import after_quiet_hours, last_digest_time
from notifications.models import Event

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(hour, minute=0, day=1):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def quiet(user, zone, start, end):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    preferences.save_preferences(user=user, choices={}, quiet_from=datetime.time(start), quiet_until=datetime.time(end))


def test_the_same_moment_is_quiet_in_tokyo_and_not_in_new_york(carol, dave, alice, cs101):
    for student in (carol, dave):
        Subscription.objects.create(student=student, course=cs101)
    quiet(carol, "Asia/Tokyo", 22, 7)  # 13:00 UTC is 22:00 in Tokyo: quiet until 07:00 Tokyo = 22:00 UTC
    quiet(dave, "America/New_York", 22, 7)  # 13:00 UTC is 08:00 in New York: not quiet
    moment = at(13)
    assert after_quiet_hours(moment, DeliverySettings.objects.get(user=carol), carol.zone) == at(22)
    assert after_quiet_hours(moment, DeliverySettings.objects.get(user=dave), dave.zone) == moment


def test_planning_holds_a_mail_until_quiet_hours_end_but_not_an_urgent_one(carol, alice, cs101):
    Subscription.objects.create(student=carol, course=cs101)
    # Quiet from the start of this hour in Tokyo to two hours later: whatever the time of day the
    # test runs (across midnight too), now is inside.
    hour = timezone.now().astimezone(ZoneInfo("Asia/Tokyo")).hour
    quiet(carol, "Asia/Tokyo", hour, (hour + 2) % 24)
    services.post_announcement(course=cs101, title="Routine", body="Text", author=alice)
    services.post_announcement(course=cs101, title="Fire drill", body="Now", author=alice, urgent=True)
    for event in Event.objects.filter(kind=Event.Kind.ANNOUNCEMENT):
        planning.plan(event.pk)
    routine = Delivery.objects.get(user=carol, event__payload__title="Routine")
    urgent = Delivery.objects.get(user=carol, event__payload__title="Fire drill")
    assert routine.due_at.astimezone(carol.zone).time() == datetime.time((hour + 2) % 24)
    assert routine.due_at > timezone.now()
    assert urgent.due_at <= urgent.created_at + datetime.timedelta(seconds=1)
    assert urgent.urgent


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        ("Europe/Paris", at(7, 30), at(7)),  # 08:00 Paris is 07:00 UTC in winter
        ("Europe/Paris", at(6, 59), at(7) - datetime.timedelta(days=1)),  # not yet today: yesterday's
        ("America/Los_Angeles", at(16, 5), at(16)),  # 08:00 in Los Angeles is 16:00 UTC
    ],
)
def test_the_last_digest_time_is_the_users_hour(carol, zone, now, expected):
    carol.time_zone = zone
    settings_row = DeliverySettings(user=carol, digest_hour=8)
    assert last_digest_time("daily", settings_row, carol.zone, now) == expected


def test_digests_in_two_zones_arrive_at_each_ones_hour(carol, dave, alice, cs101):
    for student, zone in ((carol, "Europe/Paris"), (dave, "America/Los_Angeles")):
        Subscription.objects.create(student=student, course=cs101)
        student.time_zone = zone
        student.save(update_fields=["time_zone"])
        preferences.save_preferences(
            user=student, choices={Event.Kind.ANNOUNCEMENT: (EmailMode.DAILY, False)}, digest_hour=8
        )
    services.post_announcement(course=cs101, title="News", body="Text", author=alice)
    planning.plan(Event.objects.get(kind=Event.Kind.ANNOUNCEMENT).pk)
    Delivery.objects.update(created_at=at(1))
    DeliverySettings.objects.update(last_daily_digest_at=at(1) - datetime.timedelta(days=1))
    assert send_digests(now=at(7, 30)) == 1  # 08:30 in Paris, 23:30 the day before in Los Angeles
    assert [m.to for m in mail.outbox] == [["carol@example.edu"]]
    assert send_digests(now=at(15, 30)) == 0  # 07:30 in Los Angeles
    assert send_digests(now=at(16, 1)) == 1  # 08:01 in Los Angeles
    assert [m.to for m in mail.outbox] == [["carol@example.edu"], ["dave@example.edu"]]
