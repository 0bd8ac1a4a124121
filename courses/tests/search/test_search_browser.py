"""Search as people use it, in a real Chromium against a real daphne: by keyboard, from the field's
label to a result's link, with axe-core checking the results pages."""

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Course
from lms_site.testing import content as w

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_catalog_search_by_keyboard_finds_a_description_word(logged_in_page, axe, carol, alice, cs101):
    Course.objects.create(
        code="ST110", title="Statistics", description="The *bootstrap* method.", instructor=alice, is_published=True
    )
    page = logged_in_page(carol)
    page.goto("/courses/")
    field = page.get_by_role("searchbox", name="Search courses")
    field.focus()
    page.keyboard.type("bootstrap")
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/?q=bootstrap")
    results = page.get_by_role("list", name="Courses")
    expect(results.get_by_role("listitem")).to_have_count(1)
    expect(results.get_by_role("heading", name="Statistics")).to_be_visible()
    assert axe(page) == [], "catalog search results"


def test_a_member_searches_the_course_by_keyboard(logged_in_page, axe, alice, carol, cs101, carol_in_cs101):
    w.lesson(w.module(cs101), "Recursion", body="A function calling *itself*.")
    services.add_resource(course=cs101, title="Cheat sheet", body="Recursion <b>in</b> one page.", by=alice)
    page = logged_in_page(carol)
    page.goto(cs101.get_absolute_url())
    page.get_by_role("searchbox", name="Search this course").focus()
    page.keyboard.type("recursion")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=recursion")
    results = page.get_by_role("list", name="Results")
    expect(results.get_by_role("listitem")).to_have_count(2)
    expect(results.get_by_role("heading", level=2).first).to_contain_text("Recursion")
    expect(results.locator("mark").first).to_have_text("Recursion")
    expect(page.get_by_text("2 results for “recursion”")).to_be_visible()
    assert axe(page) == [], "course search results"
    # Keyboard: Tab from the search button reaches the first result's link.
    page.get_by_role("button", name="Search").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Recursion")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/**")
