"""Open course pages follow what the instructor changes, in a real Chromium against a real daphne:
two contexts, the instructor acting through the admin or the services, the student's page open and
never reloaded (notifications/live.py, notifications/rendering.py, static/js/activity.js)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses import services
from courses.models import Resource
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def open_live(page, path):
    page.goto(path)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads


def section(page, heading_id):
    return page.locator("section", has=page.locator(f"#{heading_id}"))


def test_the_course_page_follows_announcements_resources_and_lessons(
    browser, daphne, logged_in_page, axe, alice, carol, carol_in_cs101, cs101
):
    resource = services.add_resource(course=cs101, title="Week 1 slides", body="Text")
    student = logged_in_page(carol)
    open_live(student, cs101.get_absolute_url())
    announcements = section(student, "announcements-heading")
    resources = section(student, "resources-heading")
    outline = section(student, "outline-heading")
    feed = student.locator("ol[data-feed]")
    expect(announcements).to_contain_text("No announcements yet.")
    expect(outline).to_contain_text("No lessons yet.")

    # A new announcement, posted in the admin, appears in the Announcements section.
    instructor = admin_login_page(browser, daphne, alice)
    instructor.goto("/admin/courses/announcement/add/")
    instructor.select_option("#id_course", label=str(cs101))
    instructor.fill("#id_title", "Exam moved")
    instructor.fill("#id_body", "The exam is on **Friday**.")
    instructor.click("input[name=_save]")
    expect(instructor.locator(".messagelist")).to_contain_text("was added successfully")
    expect(announcements.locator(".announcement", has_text="Exam moved")).to_contain_text("The exam is on Friday.")
    expect(announcements).not_to_contain_text("No announcements yet.")

    # A renamed resource changes on the open page, in its list and in the feed.
    expect(feed.locator(".feed-item", has_text="Week 1 slides")).to_be_visible()
    resource.title = "Week 1 slides (corrected)"
    services.save_resource(resource=resource, by=alice)
    expect(resources.get_by_role("link", name="Week 1 slides (corrected)")).to_be_visible()
    expect(feed.locator(".feed-item", has_text="Week 1 slides (corrected)")).to_be_visible()
    expect(feed.locator(".feed-item", has_text="Week 1 slides")).to_have_count(1)  # the same item, renamed

    # A new resource is added to the list, a deleted one disappears.
    services.add_resource(course=cs101, title="Week 2 reading", url="https://example.edu/w2")
    expect(resources.locator("li").first).to_contain_text("Week 2 reading")
    Resource.objects.get(pk=resource.pk).delete()
    expect(resources.get_by_text("Week 1 slides (corrected)")).to_have_count(0)
    expect(resources).to_contain_text("Week 2 reading")

    # A released lesson appears in the outline; a draft does not.
    week = w.module(cs101, title="Week 1")
    w.lesson(week, title="Hidden draft", published=False)
    w.lesson(week, title="Loops", position=1)
    expect(outline.get_by_role("link", name="Loops")).to_be_visible()
    expect(outline).to_contain_text("Week 1")
    expect(outline).not_to_contain_text("Hidden draft")
    expect(outline).not_to_contain_text("No lessons yet.")

    assert student.evaluate("() => window.stillTheSamePage") is True
    assert axe(student) == [], "course page after live changes"
    instructor.context.close()


def test_the_outline_and_a_lesson_page_follow_releases_and_edits(logged_in_page, alice, carol, carol_in_cs101, cs101):
    week = w.module(cs101, title="Week 1")
    first = w.lesson(week, title="Variables", body="A variable names a value.")
    later = w.lesson(week, title="Loops", position=2, published=False)
    services.complete_lesson(student=carol, lesson=first)
    student = logged_in_page(carol)
    outline = student.context.new_page()
    open_live(outline, reverse("courses:outline", args=[cs101.code]))
    lesson_page = student
    open_live(lesson_page, first.get_absolute_url())

    # Released: the lesson appears in the open outline, after the first one.
    later.is_published = True
    services.save_content(obj=later, by=alice)
    rows = outline.locator(f"[data-live-list='module-lessons-{week.pk}'] > li")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Loops")

    # Edited: the open lesson page shows the new text and title; the outline the new title.
    first.title = "Variables and names"
    first.body = "A variable is a **name** for a value."
    services.save_content(obj=first, by=alice)
    expect(lesson_page.locator(".lesson-body")).to_have_text("A variable is a name for a value.")
    expect(lesson_page.get_by_role("heading", level=1)).to_have_text("Variables and names")
    expect(rows.nth(0)).to_contain_text("Variables and names")
    expect(rows.nth(0)).to_contain_text("Completed")  # the viewer's own tag stays

    # Withdrawn (back to draft): gone from the open outline.
    later.is_published = False
    services.save_content(obj=later, by=alice)
    expect(rows).to_have_count(1)
    assert outline.evaluate("() => window.stillTheSamePage") is True
    assert lesson_page.evaluate("() => window.stillTheSamePage") is True


def test_the_dashboard_counts_new_items_and_drops_an_unpublished_course(
    logged_in_page, alice, carol, carol_in_cs101, cs101
):
    week = w.module(cs101)
    first, _ = w.lesson(week, title="One"), w.lesson(week, title="Two", position=1)
    student = logged_in_page(carol)
    open_live(student, "/dashboard/")
    card = student.locator(f"[data-live='course-card-{cs101.code}']")
    expect(card).to_contain_text("Nothing new")
    expect(card).to_contain_text("0 of 2 lessons complete (0%)")

    # Her own progress bar follows a completion in another tab.
    services.complete_lesson(student=carol, lesson=first)
    expect(card).to_contain_text("1 of 2 lessons complete (50%)")
    expect(card.locator("progress")).to_have_attribute("value", "50")

    services.add_resource(course=cs101, title="Week 3 notes", body="Text")
    expect(card.locator("[data-new-count]")).to_have_text("1 new since your last visit")
    expect(card.get_by_role("link", name="Week 3 notes")).to_be_visible()
    services.post_announcement(author=alice, course=cs101, title="Office hours", body="Tuesday")
    expect(card.locator("[data-new-count]")).to_have_text("2 new since your last visit")

    services.set_published(course=cs101, published=False, by=alice)
    expect(card).to_have_count(0)
    assert student.evaluate("() => window.stillTheSamePage") is True
