"""Enrolment in a real Chromium against a real daphne: the seats left follow enrolments on an open
course page without a reload (a live part, notifications/live_seats.py), for a visitor who is not a
member; the waiting list (whose first in line sees their page turn to "Subscribed" when a seat frees), the
key's form error and the invitation page are axe-clean."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses import services

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_seats_left_follow_enrolments_live(logged_in_page, axe, alice, carol, dave, erin, cs101):
    cs101.capacity = 2
    services.save_course(course=cs101, by=alice)
    page = logged_in_page(dave)
    page.goto(cs101.get_absolute_url())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads
    seats = page.locator("[data-live='course-seats-CS101']")
    expect(seats).to_have_text("2 of 2 seats left")
    assert axe(page) == [], "course page with seats"

    services.subscribe(user=carol, course=cs101)
    expect(seats).to_have_text("1 of 2 seats left")
    services.subscribe(user=erin, course=cs101)
    expect(seats).to_have_text("Full: new students join the waiting list")
    services.unsubscribe(user=carol, course=cs101)
    expect(seats).to_have_text("1 of 2 seats left")
    services.subscribe(user=carol, course=cs101)
    expect(seats).to_have_text("Full: new students join the waiting list")
    assert page.evaluate("() => window.stillTheSamePage") is True

    # Full: the page offers the line; in it, dave sees his place and can leave.
    page.reload()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator(".course-actions")).to_contain_text("number 1 in line")
    assert axe(page) == [], "course page of a student in line"
    page.get_by_role("button", name="Leave the waiting list").click()
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()


def test_the_first_in_line_sees_the_page_turn_to_subscribed_when_a_seat_frees(
    logged_in_page, axe, alice, carol, dave, cs101
):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    services.subscribe(user=carol, course=cs101)
    services.subscribe(user=dave, course=cs101)  # full: dave waits
    page = logged_in_page(dave)
    page.goto(cs101.get_absolute_url())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads
    actions = page.locator(".course-actions")
    expect(actions).to_contain_text("On the waiting list")

    services.unsubscribe(user=carol, course=cs101)
    expect(actions).to_contain_text("Subscribed")
    expect(actions).to_contain_text("A seat opened and it is yours")
    expect(actions).not_to_contain_text("On the waiting list")
    assert page.evaluate("() => window.stillTheSamePage") is True
    assert axe(page) == [], "course page after the seat came"
    page.get_by_role("link", name="Open the course").click()
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()


def test_a_wrong_key_and_an_invitation_are_axe_clean(logged_in_page, axe, alice, bob, dave, cs101, ma201):
    ma201.set_enrolment_key("open sesame")
    services.save_course(course=ma201, by=bob)
    page = logged_in_page(dave)
    page.goto(ma201.get_absolute_url())
    page.get_by_label("Enrolment key").fill("guess")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#enrolment-key-error")).to_have_text("That enrolment key is not right.")
    expect(page.get_by_label("Enrolment key")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == [], "course page with the key's error"
    page.get_by_label("Enrolment key").fill("open sesame")
    page.get_by_label("Enrolment key").press("Enter")  # the keyboard alone enrols
    expect(page.locator(".course-actions")).to_contain_text("Subscribed")

    invitation = services.invite(course=cs101, email=dave.email, by=alice)
    page.goto(reverse("courses:invitation", args=[services.invitation_token(invitation)]))
    assert axe(page) == [], "invitation page"
    page.get_by_role("button", name="Accept and enrol").click()
    expect(page.locator(".course-actions")).to_contain_text("Subscribed")
