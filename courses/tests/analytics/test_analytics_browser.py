"""The analytics dashboards in a real Chromium against a real daphne: the course dashboard is open;
a student completes a lesson in another browser context; the funnel's number for that lesson rises
within 2 s, without a reload. The site admin's pages follow too: this week's active students and
posts across courses rise when a student posts, and a course's dashboard a site admin opened
follows a completed lesson, without a reload. axe-core finds nothing on every analytics page,
before and after the live change; the print stylesheet hides the admin's chrome and keeps the
charts."""

import pytest
from playwright.sync_api import expect

from courses import services
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page, login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_funnel_rises_while_the_instructor_watches(browser, daphne, axe, alice, carol, dave, cs101):
    week = w.module(cs101)
    intro = w.lesson(week, "Intro", position=0)
    w.lesson(week, "Loops", position=1)
    for student in (carol, dave):
        services.subscribe(user=student, course=cs101)
    services.complete_lesson(student=dave, lesson=intro)

    dashboard = admin_login_page(browser, daphne, alice)
    dashboard.goto(f"/admin/courses/course/{cs101.pk}/analytics/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "live")
    dashboard.evaluate("() => { window.stillTheSamePage = true; }")
    funnel = dashboard.locator(f'[data-live="analytics-{cs101.pk}-funnel"]')
    row = funnel.locator(f'tr[data-key="{intro.pk}"] td').first
    expect(row).to_have_text("1")
    expect(funnel.locator("svg text[data-value]").first).to_have_text("1")
    assert axe(dashboard) == [], "course dashboard"

    student = login_page(browser, daphne, carol)
    student.goto(intro.get_absolute_url())
    student.get_by_role("button", name="Mark as complete").click()

    expect(row).to_have_text("2", timeout=2000)
    expect(funnel.locator("svg text[data-value]").first).to_have_text("2", timeout=2000)
    assert dashboard.evaluate("() => window.stillTheSamePage") is True
    assert axe(dashboard) == [], "course dashboard after the live change"

    dashboard.emulate_media(media="print")
    expect(dashboard.locator(".workspace-tabs")).to_be_hidden()
    expect(dashboard.locator("svg.chart").first).to_be_visible()
    dashboard.emulate_media(media="screen")
    dashboard.set_viewport_size({"width": 360, "height": 740})  # a phone: the chart fits its width
    width = dashboard.evaluate("() => document.querySelector('svg.chart').getBoundingClientRect().width")
    assert 0 < width <= 360
    dashboard.goto(f"/admin/courses/course/{cs101.pk}/analytics/students/{carol.pk}/")
    assert axe(dashboard) == [], "a student's progress"
    student.context.close()
    dashboard.context.close()


def test_the_site_pages_are_axe_clean(browser, daphne, axe, root, alice, carol, cs101):
    services.subscribe(user=carol, course=cs101)
    services.start_thread(author=carol, course=cs101, title="Hello", body="Hi")
    page = admin_login_page(browser, daphne, root)
    for path in ("/admin/courses/course/analytics/", "/admin/courses/course/analytics/completion/"):
        page.goto(path)
        expect(page.locator("svg.chart, table.analytics-table").first).to_be_visible()
        assert axe(page) == [], path
    page.context.close()


def test_the_site_dashboard_follows_while_the_site_admin_watches(browser, daphne, axe, root, carol, dave, cs101):
    for student in (carol, dave):
        services.subscribe(user=student, course=cs101)
    services.start_thread(author=dave, course=cs101, title="First", body="Hello")

    dashboard = admin_login_page(browser, daphne, root)
    dashboard.goto("/admin/courses/course/analytics/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "live")
    dashboard.evaluate("() => { window.stillTheSamePage = true; }")
    this_week_active = dashboard.locator('[data-figure="activity"] tbody tr').last.locator("td").first
    this_week_posts = dashboard.locator('[data-figure="discussions"] tbody tr').last.locator("td").first
    expect(this_week_active).to_have_text("1")
    expect(this_week_posts).to_have_text("1")

    student = login_page(browser, daphne, carol)
    student.goto(f"/courses/{cs101.code}/discussions/")
    student.get_by_label("Title").fill("A question")
    student.get_by_label("Message").fill("How do loops end?")
    student.get_by_role("button", name="Post the thread").click()

    # Read again at most every 2 s: the numbers follow within that and a request.
    expect(this_week_active).to_have_text("2", timeout=5000)
    expect(this_week_posts).to_have_text("2", timeout=5000)
    assert dashboard.evaluate("() => window.stillTheSamePage") is True
    assert axe(dashboard) == [], "site dashboard after the live change"

    # A course's dashboard opened by the site admin (its parts go to the instructor alone) follows too.
    intro = w.lesson(w.module(cs101), "Intro")
    dashboard.goto(f"/admin/courses/course/{cs101.pk}/analytics/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "live")
    dashboard.evaluate("() => { window.stillTheSamePage = true; }")
    row = dashboard.locator(f'[data-live="analytics-{cs101.pk}-funnel"] tr[data-key="{intro.pk}"] td').first
    expect(row).to_have_text("0")
    student.goto(intro.get_absolute_url())
    student.get_by_role("button", name="Mark as complete").click()
    expect(row).to_have_text("1", timeout=5000)
    assert dashboard.evaluate("() => window.stillTheSamePage") is True
    student.context.close()
    dashboard.context.close()
