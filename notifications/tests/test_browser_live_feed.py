"""The live feed in a real Chromium: an instructor adds a resource in the admin and the student's
open dashboard shows it without a reload; reading in another tab clears the counter everywhere."""

import pytest
from playwright.sync_api import expect

from lms_site.testing.browser import admin_login_page, login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_resource_added_in_the_admin_appears_live_and_reading_clears_every_tab(
    browser, daphne, alice, carol_in_cs101, cs101
):
    student = login_page(browser, daphne, carol_in_cs101.student)
    expect(student.locator("#live-status")).to_have_attribute("data-state", "live")
    feed = student.locator("ol[data-feed]")
    expect(feed).to_have_attribute("aria-live", "polite")
    unread = student.locator("#unread-count")
    before = int(unread.inner_text())
    student.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads

    instructor = admin_login_page(browser, daphne, alice)
    instructor.goto("/admin/courses/resource/add/")
    instructor.select_option("#id_course", label=str(cs101))
    instructor.fill("#id_title", "Live lecture notes")
    instructor.fill("#id_body", "Chapter 3.")
    instructor.click("input[name=_save]")
    expect(instructor.locator(".messagelist")).to_contain_text("was added successfully")

    # Within 2 s of the save, without a reload.
    expect(feed.locator(".feed-item", has_text="Live lecture notes")).to_be_visible(timeout=2000)
    expect(unread).to_have_text(str(before + 1), timeout=2000)
    assert student.evaluate("() => window.stillTheSamePage") is True
    assert feed.locator(".feed-item").first.inner_text().count("Live lecture notes") == 1

    second_tab = student.context.new_page()
    second_tab.goto("/notifications/")
    second_tab.get_by_role("button", name="Mark all read").click()
    expect(second_tab.locator("#unread-count")).to_have_text("0")
    expect(unread).to_have_text("0")
    expect(student.locator(".feed-item.unread")).to_have_count(0)
    instructor.context.close()
    student.context.close()


def test_the_page_shows_reconnecting_and_resumes_from_its_last_id(browser, redis_server, carol_in_cs101, cs101):
    """The server goes away (a deploy, a crash): the page says so, reconnects with backoff when it
    is back, and receives what was added meanwhile from its last id."""
    from django.db import connection

    from courses import services
    from lms_site.testing.servers import DaphneServer, database_url

    url = database_url(connection.settings_dict)
    server = DaphneServer(database_url=url, redis_url=redis_server.url).start()
    try:
        student = login_page(browser, server, carol_in_cs101.student)
        status = student.locator("#live-status")
        expect(status).to_have_attribute("data-state", "live")
        student.evaluate("() => { window.stillTheSamePage = true; }")
        server.kill()
        expect(status).to_have_attribute("data-state", "reconnecting")
        expect(status).to_have_text("reconnecting")
        services.add_resource(course=cs101, title="Added while the server was away", body="Text")
        server = DaphneServer(database_url=url, redis_url=redis_server.url, port=server.port).start()
        expect(student.locator(".feed-item", has_text="Added while the server was away")).to_be_visible(timeout=20000)
        expect(status).to_have_attribute("data-state", "live")
        assert student.evaluate("() => window.stillTheSamePage") is True
        student.context.close()
    finally:
        server.stop()
