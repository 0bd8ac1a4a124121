"""Each user's own time in a real Chromium: the browser's zone at sign-up, the profile's choice, and a
feed item pushed live (rendered once, in UTC) rewritten into the user's zone by static/js/when.js."""

import zoneinfo

import pytest
from playwright.sync_api import expect

from accounts.models import User
from lms_site.testing.browser import login_page
from notifications.models import Event
from notifications.rendering import render_event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def violations_of(axe, page):
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in axe(page)]


def test_sign_up_stores_the_browsers_zone(browser, daphne, axe):
    page = browser.new_context(base_url=daphne.url, timezone_id="Europe/Berlin").new_page()
    page.goto("/accounts/signup/")
    assert violations_of(axe, page) == []
    expect(page.locator("input[name=time_zone]")).to_have_value("Europe/Berlin")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Email").fill("erin@example.edu")
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "a-long-pass-phrase-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/signup/sent/")
    assert User.objects.get(username="erin").time_zone == "Europe/Berlin"
    page.context.close()


def test_changing_my_zone_on_the_profile_page_by_keyboard(browser, daphne, axe, carol):
    page = login_page(browser, daphne, carol)
    page.goto("/accounts/profile/")
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("UTC")
    zone.focus()
    zone.select_option("Pacific/Auckland")
    page.keyboard.press("Tab")  # to the save button
    expect(page.get_by_role("button", name="Save profile")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your profile was saved.")
    expect(page.get_by_label("Time zone")).to_have_value("Pacific/Auckland")
    expect(page.locator("body")).to_have_attribute("data-time-zone", "Pacific/Auckland")
    assert violations_of(axe, page) == []
    carol.refresh_from_db()
    assert carol.time_zone == "Pacific/Auckland"
    page.context.close()


def test_a_live_feed_item_is_shown_in_the_users_zone_not_the_browsers(browser, daphne, carol_in_cs101, cs101):
    from courses import services

    student = carol_in_cs101.student
    student.time_zone = "America/Los_Angeles"
    student.save()
    page = login_page(browser, daphne, student, timezone_id="Asia/Tokyo")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    services.add_resource(course=cs101, title="Notes for the night owls", body="Text")
    item = page.locator(".feed-item", has_text="Notes for the night owls")
    expect(item).to_be_visible(timeout=5000)

    event = Event.objects.filter(kind=Event.Kind.NEW_RESOURCE).latest("id")
    pushed = event.created_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))
    shown = f"{pushed:%-d %b %Y, %H:%M} {pushed.tzname()}"  # e.g. "30 Nov 2026, 21:55 PST"
    when = item.locator("time[data-when]")
    expect(when).to_have_text(shown)
    expect(when).to_have_attribute("data-zone", "America/Los_Angeles")
    # The pushed HTML itself was rendered once for everyone, in UTC.
    assert 'data-zone="UTC"' in render_event(event)
    page.context.close()


def test_an_anonymous_visitor_sees_times_in_the_browsers_zone(browser, daphne, alice, cs101):
    from courses import services

    posted = services.post_announcement(author=alice, title="Room change", body="Room 4.", course=cs101)
    page = browser.new_context(base_url=daphne.url, timezone_id="Europe/London").new_page()
    page.goto("/courses/CS101/")
    london = posted.created_at.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    when = page.locator(".announcement-list time[data-when]")
    expect(when).to_have_text(f"{london:%-d %b %Y, %H:%M} {london.tzname()}")  # "GMT" or "BST"
    expect(when).to_have_attribute("data-zone", "Europe/London")
    page.context.close()


def test_relative_times_stay_true_on_a_page_left_open(browser, daphne, carol):
    page = login_page(browser, daphne, carol)
    page.clock.install()
    page.goto("/accounts/sessions/")
    seen = page.locator("time[data-relative]").first
    expect(seen).to_have_text("just now")
    page.clock.run_for("02:05:00")
    expect(seen).to_have_text("2\u00a0hours ago")
    page.context.close()
