"""The personal iCalendar feed: parsed back with the same library (icalendar), it holds each due
item once, at the right moment in UTC, with a stable UID and a link back; its secret address is made,
reset and turned off through the service, and an unknown or revoked address answers 404."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from courses import services
from courses.models import CalendarFeed
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


def feed_url(feed) -> str:
    return reverse("courses:calendar_feed", args=[feed.token])


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.fixture
def due(cs101, carol_in_cs101):
    week = w.module(cs101)
    return {
        "essay": w.assignment_lesson(week, "Essay", due_at=datetime(2031, 3, 10, 16, 30, tzinfo=UTC)),
        "quiz": w.quiz_lesson(week, "Check-in", due_at=w.later(days=2)),
        "later": w.lesson(week, "Recursion", release_at=w.later(days=5)),
        "past": w.assignment_lesson(week, "Old essay", due_at=w.ago(days=3), position=30),
    }


def test_the_feed_parses_and_holds_each_due_item_once_in_utc(client, carol, due, django_assert_num_queries):
    feed = services.reset_calendar_feed(user=carol)
    # the feed and its user, the items: no session
    with django_assert_num_queries(2):
        response = client.get(feed_url(feed))
    calendar = parse(response)
    events = calendar.walk("VEVENT")
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)) == 4
    by_summary = {str(event["SUMMARY"]): event for event in events}
    essay = by_summary["CS101: Essay (assignment due)"]
    start = essay.decoded("DTSTART")
    assert start == datetime(2031, 3, 10, 16, 30, tzinfo=UTC) and start.utcoffset().total_seconds() == 0
    assert b"DTSTART:20310310T163000Z" in essay.to_ical()
    assert str(essay["URL"]) == "http://testserver" + due["essay"].lesson.get_absolute_url()
    assert "CS101: A new lesson (release)" in by_summary
    assert b"Recursion" not in response.content  # a lesson to be released keeps its title secret
    assert "CS101: Check-in (quiz closes)" in by_summary
    assert str(calendar["VERSION"]) == "2.0" and "Lumen" in str(calendar["PRODID"])
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_calendar_apps_may_ask_with_head(client, carol, due):
    feed = services.reset_calendar_feed(user=carol)
    assert client.head(feed_url(feed)).status_code == 200
    assert client.post(feed_url(feed)).status_code == 405


def test_uids_are_stable_between_fetches(client, carol, due):
    feed = services.reset_calendar_feed(user=carol)
    first = [str(e["UID"]) for e in parse(client.get(feed_url(feed))).walk("VEVENT")]
    second = [str(e["UID"]) for e in parse(client.get(feed_url(feed))).walk("VEVENT")]
    assert first == second


def test_the_feed_holds_only_the_owners_courses(client, dave, due, ma201, bob):
    w.assignment_lesson(w.module(ma201), "Matrices", due_at=w.later(days=1))
    feed = services.reset_calendar_feed(user=dave)
    assert parse(client.get(feed_url(feed))).walk("VEVENT") == []


def test_a_reset_address_and_a_revoked_one_answer_404(client, carol, due):
    old = services.reset_calendar_feed(user=carol)
    old_url = feed_url(old)
    new = services.reset_calendar_feed(user=carol)
    assert new.token != old.token and CalendarFeed.objects.filter(user=carol).count() == 1
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert services.revoke_calendar_feed(user=carol) is True
    assert client.get(feed_url(new)).status_code == 404
    assert services.revoke_calendar_feed(user=carol) is False


def test_unknown_addresses_and_inactive_accounts_answer_404(client, carol, due):
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404
    feed = services.reset_calendar_feed(user=carol)
    carol.is_active = False
    carol.save()
    assert client.get(feed_url(feed)).status_code == 404


def test_the_calendar_page_makes_resets_and_turns_off_the_address(client, carol, due):
    client.force_login(carol)
    page = client.get(reverse("courses:calendar")).text
    assert "Create my feed address" in page
    client.post(reverse("courses:calendar_feed_reset"))
    feed = CalendarFeed.objects.get(user=carol)
    page = client.get(reverse("courses:calendar")).text
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in page
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"' in page
    client.post(reverse("courses:calendar_feed_reset"))
    assert CalendarFeed.objects.get(user=carol).token != feed.token
    client.post(reverse("courses:calendar_feed_revoke"))
    assert not CalendarFeed.objects.filter(user=carol).exists()


def test_the_feed_buttons_want_a_logged_in_post(client, carol):
    assert client.post(reverse("courses:calendar_feed_reset")).status_code == 302  # to the log-in page
    assert not CalendarFeed.objects.exists()
    client.force_login(carol)
    assert client.get(reverse("courses:calendar_feed_reset")).status_code == 405
    assert client.get(reverse("courses:calendar_feed_revoke")).status_code == 405


def test_erasing_an_account_turns_its_feed_off(client, carol, due, django_capture_on_commit_callbacks):
    from accounts.privacy import services as privacy

    url = feed_url(services.reset_calendar_feed(user=carol))
    request = privacy.request_erasure(user=carol, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.erase_account(request_id=request.pk, now=request.due_at)
    assert not CalendarFeed.objects.exists()
    assert client.get(url).status_code == 404


def test_the_data_export_says_whether_there_is_a_feed_but_not_its_address(carol):
    from courses.privacy import calendar_feed

    assert calendar_feed(carol) == []
    feed = services.reset_calendar_feed(user=carol)
    assert calendar_feed(carol) == [{"created_at": feed.created_at.isoformat()}]
