"""Who gets what by mail and push (notifications/delivery/preferences.py and planning.py) as a
table, the preferences page, site defaults and locks, urgent announcements, and digests at each
user's hour."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from courses import services
from courses.models import Subscription
from lms_site.testing.browser import login_page
from notifications.delivery import planning, preferences
from notifications.delivery.digests import send_digests
from notifications.delivery.models import Delivery, DeliverySettings, EmailMode, PushSubscription, SitePreference
from notifications.models import Event

pytestmark = pytest.mark.django_db


def announce(course, author, **flags):
    services.post_announcement(course=course, title="News", body="Text", author=author, **flags)
    event = Event.objects.filter(kind=Event.Kind.ANNOUNCEMENT).latest("id")
    planning.plan(event.pk)
    return event


def planned(user, event):
    return sorted(Delivery.objects.filter(user=user, event=event).values_list("channel", "mode"))


def device(user):
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example.net/{user.pk}", p256dh="k", auth="a"
    )


@pytest.mark.parametrize(
    ("email", "push", "muted", "urgent", "expected"),
    [
        (EmailMode.IMMEDIATELY, False, False, False, [("email", "immediate")]),
        (EmailMode.DAILY, False, False, False, [("email", "daily")]),
        (EmailMode.WEEKLY, True, False, False, [("email", "weekly"), ("push", "immediate")]),
        (EmailMode.OFF, False, False, False, []),
        (EmailMode.IMMEDIATELY, True, True, False, []),  # a muted course
        # Urgent: at once, on every channel the user has, past digests, "off" and muting.
        (EmailMode.OFF, False, True, True, [("email", "immediate"), ("push", "immediate")]),
        (EmailMode.DAILY, False, False, True, [("email", "immediate"), ("push", "immediate")]),
    ],
)
def test_what_a_member_gets_for_an_announcement(
    carol, carol_in_cs101, alice, cs101, email, push, muted, urgent, expected
):
    device(carol)
    kind = Event.Kind.ANNOUNCEMENT
    preferences.save_preferences(
        user=carol, choices={kind: (email, push)}, muted_course_ids=[cs101.pk] if muted else []
    )
    event = announce(cs101, alice, urgent=urgent)
    assert planned(carol, event) == expected
    assert planned(alice, event) == []  # nothing you did yourself


def test_planning_twice_adds_nothing(carol, carol_in_cs101, alice, cs101):
    event = announce(cs101, alice)
    assert planning.plan(event.pk) == 0
    assert Delivery.objects.filter(event=event).count() == 1


def test_a_locked_channel_cannot_be_turned_off(carol, carol_in_cs101, alice, cs101, client):
    SitePreference.objects.create(
        kind=Event.Kind.ANNOUNCEMENT, email=EmailMode.IMMEDIATELY, push=False, email_locked=True
    )
    preferences.save_preferences(user=carol, choices={Event.Kind.ANNOUNCEMENT: (EmailMode.OFF, False)})
    assert planned(carol, announce(cs101, alice)) == [("email", "immediate")]
    client.force_login(carol)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Set by your institution" in page


def test_the_page_saves_every_choice(client, carol, carol_in_cs101, cs101, django_assert_num_queries):
    client.force_login(carol)
    client.get("/notifications/preferences/")
    with django_assert_num_queries(13):  # 4 of them the page header's; constant in kinds and courses
        assert client.get("/notifications/preferences/").status_code == 200
    form = {f"email_{kind}": default[0] for kind, default in preferences.DEFAULTS.items()}
    form |= {
        f"email_{Event.Kind.NEW_RESOURCE}": EmailMode.IMMEDIATELY,
        f"push_{Event.Kind.GRADE_POSTED}": "on",
        "quiet_from": "22:00",
        "quiet_until": "07:00",
        "digest_hour": "18",
        "digest_weekday": "4",
        "muted_courses": [cs101.pk],
    }
    response = client.post("/notifications/preferences/", form)
    assert response.status_code == 302
    choices = preferences.choices_for([carol.pk])[carol.pk]
    assert choices[Event.Kind.NEW_RESOURCE].email == EmailMode.IMMEDIATELY
    assert choices[Event.Kind.GRADE_POSTED].push is True
    assert choices[Event.Kind.ANNOUNCEMENT].push is False  # unticked
    saved = DeliverySettings.objects.get(user=carol)
    assert (saved.quiet_from, saved.quiet_until, saved.digest_hour, saved.digest_weekday) == (
        datetime.time(22),
        datetime.time(7),
        18,
        4,
    )
    assert list(saved.muted_courses.all()) == [cs101]


def test_half_quiet_hours_and_a_course_not_followed_are_form_errors(client, carol, carol_in_cs101, ma201):
    client.force_login(carol)
    form = {f"email_{kind}": default[0] for kind, default in preferences.DEFAULTS.items()}
    response = client.post(
        "/notifications/preferences/",
        {**form, "quiet_from": "22:00", "digest_hour": "8", "digest_weekday": "0", "muted_courses": [ma201.pk]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give both ends of your quiet hours" in page
    assert "Select a valid choice" in page
    assert not DeliverySettings.objects.filter(user=carol, quiet_from__isnull=False).exists()


def test_the_page_needs_a_login(client):
    assert client.get("/notifications/preferences/").status_code == 302


def test_digests_go_at_the_users_hour_once(carol, dave, alice, cs101, settings):
    for student in (carol, dave):
        Subscription.objects.create(student=student, course=cs101)
        preferences.save_preferences(
            user=student, choices={Event.Kind.ANNOUNCEMENT: (EmailMode.DAILY, False)}, digest_hour=8
        )
    announce(cs101, alice)
    announce(cs101, alice)
    today = timezone.now().astimezone(datetime.UTC).date()
    before = datetime.datetime.combine(today, datetime.time(7, 30), tzinfo=datetime.UTC)
    DeliverySettings.objects.update(last_daily_digest_at=before - datetime.timedelta(days=1))
    assert send_digests(now=before) == 0  # not 08:00 yet (UTC: their zone)
    at_eight = before + datetime.timedelta(minutes=40)
    Delivery.objects.update(created_at=before)
    assert send_digests(now=at_eight) == 2
    assert send_digests(now=at_eight + datetime.timedelta(minutes=30)) == 0  # twice sends nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@example.edu", "dave@example.edu"]
    assert mail.outbox[0].subject.startswith("Your daily digest") and "2 new" in mail.outbox[0].subject
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 4


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_preferences_page_passes_axe_and_works_by_keyboard(browser, daphne, axe, carol, carol_in_cs101):
    page = login_page(browser, daphne, carol)
    page.goto("/notifications/preferences/")
    assert axe(page) == []
    page.get_by_label("Email: New resource").focus()
    page.keyboard.press("End")  # the last option: Off
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Save preferences":
            break
    page.keyboard.press("Enter")
    page.get_by_text("Your notification preferences are saved.").wait_for()
    assert preferences.choices_for([carol.pk])[carol.pk][Event.Kind.NEW_RESOURCE].email == EmailMode.OFF
    page.context.close()
