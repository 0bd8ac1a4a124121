"""The unread badge in a real Chromium: opening a notification's page in one tab lowers the badge in
the user's other tab (the socket's `read` message); live events follow the same rule as the server
(your own post adds nothing, a reply to you adds one); /notifications/ passes axe and works from
the keyboard."""

import pytest
from playwright.sync_api import expect

from courses import services
from lms_site.testing.browser import login_page
from notifications import selectors

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_opening_a_notification_lowers_the_badge_in_the_other_tab(browser, daphne, carol_in_cs101, cs101):
    carol = carol_in_cs101.student
    services.add_resource(course=cs101, title="Week 1 slides", body="Text")
    first = login_page(browser, daphne, carol)
    badge = first.locator("#unread-count")
    expect(first.locator("#live-status")).to_have_attribute("data-state", "live")
    before = int(badge.inner_text())
    assert before == selectors.unread_state(carol, 0)["unread"] and before >= 1
    first.evaluate("() => { window.stillTheSamePage = true; }")

    second = first.context.new_page()
    second.goto("/dashboard/")
    item = second.locator(".feed-item", has_text="Week 1 slides")
    expect(item).to_have_class("feed-item feed-new_resource unread")
    item.get_by_role("link", name="Week 1 slides").click()
    second.wait_for_url(f"**{cs101.get_absolute_url()}*")

    expect(badge).to_have_text(str(before - 1), timeout=1500)
    expect(first.locator(".feed-item", has_text="Week 1 slides")).not_to_have_class("unread")
    assert first.evaluate("() => window.stillTheSamePage") is True
    first.context.close()


def test_live_events_count_as_the_server_counts(browser, daphne, carol_in_cs101, dave_in_cs101, cs101):
    carol, dave = carol_in_cs101.student, dave_in_cs101.student
    page = login_page(browser, daphne, carol)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    badge = page.locator("#unread-count")
    before = int(badge.inner_text())
    feed = page.locator("ol[data-feed]")

    thread = services.start_thread(author=carol, course=cs101, title="My own question", body="Why?")
    expect(feed.locator(".feed-item", has_text="My own question")).to_be_visible(timeout=2000)
    services.reply(author=dave, thread=thread, body="Because.", parent=thread.posts.first())
    expect(feed.locator(".feed-item", has_text="replied to your post")).to_be_visible(timeout=2000)
    # Her own thread added nothing; the reply is one item (her copy), not two.
    expect(badge).to_have_text(str(before + 1))
    assert selectors.unread_state(carol, 0)["unread"] == before + 1
    expect(feed.locator(".feed-item", has_text="New thread: My own question")).not_to_have_class("unread")
    expect(feed.locator(".feed-item.unread", has_text="replied to your post")).to_have_count(1)
    page.context.close()


def test_the_notifications_page_has_no_violations_and_works_from_the_keyboard(
    browser, daphne, axe, carol_in_cs101, cs101
):
    carol = carol_in_cs101.student
    services.add_resource(course=cs101, title="Reading list", body="Text")
    page = login_page(browser, daphne, carol)
    page.goto("/notifications/")
    expect(page.locator(".feed-status")).to_have_text("2 new items shown here are now marked read.")
    found = axe(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in found] == []
    expect(page.locator("ol[data-feed]")).to_have_attribute("aria-live", "polite")

    # Filter from the keyboard: the kind select, then the Filter button.
    page.get_by_label("Kind").focus()
    page.get_by_label("Kind").select_option("new_resource")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/?*kind=new_resource*")
    items = page.locator("ol[data-feed] > .feed-item")
    expect(items).to_have_count(1)

    # Mark it unread from the keyboard: it stays unread when the page is shown again.
    page.get_by_role("button", name="Mark unread: Reading list").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/?*kind=new_resource*")
    expect(page.locator(".feed-item", has_text="Reading list")).to_contain_text("Kept unread.")
    expect(page.locator("#unread-count")).to_have_text("1")
    assert [v["id"] for v in axe(page)] == []
    page.context.close()


def test_a_teachers_activity_adds_one_per_course_and_kind_live(
    browser, daphne, axe, alice, carol_in_cs101, dave_in_cs101, cs101
):
    from lms_site.testing import content

    carol, dave = carol_in_cs101.student, dave_in_cs101.student
    essay = content.assignment_lesson(content.module(cs101))
    page = login_page(browser, daphne, alice)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    badge = page.locator("#unread-count")
    before = int(badge.inner_text())
    feed = page.locator("ol[data-feed]")
    for student in (carol, dave):
        services.submit_assignment(student=student, assignment=essay, text="Mine.")
    expect(feed.locator(".feed-assignment_submitted")).to_have_count(2, timeout=2000)
    expect(feed.locator(".feed-course_completed")).to_have_count(2, timeout=2000)
    # Two submissions are one item, two completions another; the joins were unread already.
    expect(badge).to_have_text(str(before + 2))
    assert selectors.unread_state(alice, selectors.last_read_id(alice))["unread"] == before + 2

    # On /notifications/ each group is one line, which the keyboard follows to its items.
    page.goto("/notifications/")
    group = page.get_by_role("link", name="2 new submissions in CS101")
    expect(group).to_be_visible()
    assert [v["id"] for v in axe(page)] == []
    group.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/notifications/?course=CS101&kind=assignment_submitted")
    expect(page.locator("ol[data-feed] > .feed-assignment_submitted")).to_have_count(2)
    expect(page.locator("#unread-count")).to_have_text(str(before + 1))
    page.context.close()


def test_a_filtered_notifications_page_takes_only_matching_live_events(browser, daphne, alice, carol_in_cs101, cs101):
    page = login_page(browser, daphne, carol_in_cs101.student)
    page.goto("/notifications/?course=CS101&kind=new_resource")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    before = int(page.locator("#unread-count").inner_text())  # CS101's publication, not shown here
    services.post_announcement(author=alice, course=cs101, title="Not a resource", body="Hi")
    services.add_resource(course=cs101, title="A resource", body="Text")
    feed = page.locator("ol[data-feed]")
    expect(feed.locator(".feed-item", has_text="A resource")).to_be_visible(timeout=2000)
    expect(feed.locator(".feed-item", has_text="Not a resource")).to_have_count(0)
    expect(page.locator("#unread-count")).to_have_text(str(before + 2))  # both are news, shown or not
    page.context.close()
