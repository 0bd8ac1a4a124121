"""The Upcoming panel is live: the events that change what is due carry its parts (rendered once per
event for every member of the course: no one's own state), and in a real Chromium a student's open
dashboard gains an assignment the instructor just published in the admin, without a reload. axe-core
checks the dashboard and the calendar; the month is navigated by keyboard."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Lesson
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page, login_page
from lms_site.testing.events import newest_id
from notifications.models import Event
from notifications.rendering import event_message


def _draft_essay(cs101, due_at):
    essay = w.assignment_lesson(w.module(cs101), "Essay", due_at=due_at)
    Lesson.objects.filter(pk=essay.lesson_id).update(is_published=False, announced_at=None)
    return Lesson.objects.get(pk=essay.lesson_id)


def _messages(after: int, kind=Event.Kind.NEW_LESSON) -> list[dict]:
    return [event_message(e) for e in Event.objects.filter(id__gt=after, kind=kind)]


@pytest.mark.django_db
def test_publishing_an_assignment_carries_its_item_for_both_panels(alice, carol, carol_in_cs101, cs101):
    lesson = _draft_essay(cs101, w.later(days=2))
    after = newest_id()
    lesson.is_published = True
    services.save_content(obj=lesson, by=alice)
    (message,) = _messages(after)
    key = f"due-lesson-{lesson.pk}"
    # Only the Upcoming panels' parts (the course pages' own come from notifications/live.py).
    removed, *added = [part for part in message["parts"] if part["key"].startswith("due-")]
    assert removed == {"key": key, "html": ""}
    assert [(part["key"], part["list"]) for part in added] == [(key, "upcoming"), (key, f"upcoming-{cs101.pk}")]
    html = added[0]["html"]
    assert f'data-live="{key}"' in html and "Essay" in html and "Assignment due" in html
    assert added[0]["sort"] == int(lesson.assignment.due_at.timestamp())
    assert "Done" not in html and "Overdue" not in html


@pytest.mark.django_db
def test_a_released_text_lesson_only_takes_its_release_away(alice, carol, carol_in_cs101, cs101):
    lesson = w.lesson(w.module(cs101), "Recursion", release_at=w.later(days=1))
    Lesson.objects.filter(pk=lesson.pk).update(release_at=w.ago(minutes=1))
    after = newest_id()
    assert Lesson.objects.get(pk=lesson.pk).announce_if_due()
    (message,) = _messages(after)
    assert [part for part in message["parts"] if part["key"].startswith("due-")] == [
        {"key": f"due-lesson-{lesson.pk}", "html": ""}
    ]


@pytest.mark.django_db
def test_a_quiet_change_of_an_assignment_rerenders_its_item(carol_in_cs101, cs101):
    essay = w.assignment_lesson(w.module(cs101), "Essay", due_at=w.later(days=2))
    event = Event.objects.create(
        kind=Event.Kind.CONTENT_CHANGED,
        topic="course:CS101",
        course=cs101,
        payload={"object": "assignment", "id": essay.pk},
    )
    parts = event_message(event)["parts"]
    assert [part["key"] for part in parts] == [f"due-lesson-{essay.lesson_id}"] * 3
    removed = Event.objects.create(
        kind=Event.Kind.CONTENT_REMOVED, topic="course:CS101", course=cs101, payload={"object": "resource", "id": 1}
    )
    assert event_message(removed)["parts"] == []


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_the_upcoming_panel_gains_an_assignment_the_instructor_just_published(
    browser, daphne, axe, alice, carol, carol_in_cs101, cs101
):
    lesson = _draft_essay(cs101, w.later(days=3))
    student = login_page(browser, daphne, carol)  # lands on the dashboard
    expect(student.locator("#live-status")).to_have_attribute("data-state", "live")
    panel = student.locator('[data-live-list="upcoming"]')
    expect(panel).to_have_attribute("aria-live", "polite")
    expect(panel).to_contain_text("Nothing due.")
    assert axe(student) == [], "dashboard"
    student.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads

    instructor = admin_login_page(browser, daphne, alice)
    instructor.goto(f"/admin/courses/lesson/{lesson.pk}/change/")
    instructor.check("#id_is_published")
    instructor.click("input[name=_save]")
    expect(instructor.locator(".messagelist")).to_contain_text("was changed successfully")

    item = panel.locator(f'[data-live="due-lesson-{lesson.pk}"]')
    expect(item).to_contain_text("Essay", timeout=2000)
    expect(item).to_contain_text("Assignment due")
    expect(panel.locator("[data-empty]")).to_have_count(0)
    assert student.evaluate("() => window.stillTheSamePage") is True
    assert axe(student) == [], "dashboard with a live item"
    instructor.context.close()
    student.context.close()


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_the_calendar_and_outline_are_accessible_and_months_are_links(
    browser, daphne, axe, carol, carol_in_cs101, cs101
):
    w.assignment_lesson(w.module(cs101), "Essay", due_at=datetime(2031, 3, 10, 12, tzinfo=UTC))
    page = login_page(browser, daphne, carol)
    page.goto("/calendar/?month=2031-03")
    expect(page.get_by_role("table")).to_contain_text("Essay")
    assert axe(page) == [], "month"
    page.get_by_role("button", name="Create my feed address").click()
    expect(page.get_by_label("Your feed address")).to_be_visible()
    assert axe(page) == [], "month with the feed address"

    page.goto("/calendar/?month=2031-03")
    page.get_by_role("link", name="Next month →").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar/?month=2031-04")
    page.get_by_role("link", name="← Previous month").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar/?month=2031-03")
    page.get_by_role("link", name="Agenda").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/calendar/agenda/?month=2031-03")
    expect(page.get_by_role("listitem").filter(has_text="Monday 10 March 2031")).to_contain_text("Essay")
    assert axe(page) == [], "agenda"
    page.goto("/courses/CS101/learn/")
    expect(page.locator(f'[data-live-list="upcoming-{cs101.pk}"]')).to_contain_text("Essay")
    assert axe(page) == [], "outline with its Upcoming panel"
    page.context.close()


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_an_open_calendar_gains_an_assignment_published_through_the_service(
    browser, daphne, axe, alice, carol, carol_in_cs101, cs101
):
    due_at = w.later(days=3)
    lesson = _draft_essay(cs101, due_at)
    month, day = due_at.strftime("%Y-%m"), due_at.strftime("%Y-%m-%d")
    grid = login_page(browser, daphne, carol)
    grid.goto(f"/calendar/?month={month}")
    agenda = grid.context.new_page()
    agenda.goto(f"/calendar/agenda/?month={month}")
    for page in (grid, agenda):
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(agenda.get_by_text("Nothing is due this month.")).to_be_visible()

    lesson.is_published = True
    services.save_content(obj=lesson, by=alice)

    key = f'[data-live="due-lesson-{lesson.pk}"]'
    expect(grid.locator(f'td[data-day="{day}"] {key}')).to_contain_text("Essay", timeout=2000)
    expect(agenda.locator(f'li[data-day="{day}"] {key}')).to_contain_text("Essay", timeout=2000)
    expect(agenda.locator(f'li[data-day="{day}"] h2')).to_have_text(due_at.strftime("%A %-d %B %Y"))
    expect(agenda.get_by_text("Nothing is due this month.")).to_have_count(0)
    expect(grid.locator("[data-calendar-status]")).to_have_text("Calendar updated: Essay")
    assert axe(agenda) == [], "agenda with a live item"
    grid.context.close()
