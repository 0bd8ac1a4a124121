"""The foundation, as people use it: in a real Chromium, against a real daphne."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts.tokens import activation_token
from lms_site.testing.browser import admin_login_page, login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def sign_up(browser, daphne, username):
    context = browser.new_context(base_url=daphne.url)
    page = context.new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.edu")
    page.fill("#id_password1", "a-long-pass-phrase-42")
    page.fill("#id_password2", "a-long-pass-phrase-42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/sent/")
    # The mailed link, made as the sign-up mail makes it (the mail itself stays in daphne's process).
    user = get_user_model().objects.get(username=username)
    page.goto(
        reverse(
            "accounts:activate", args=[urlsafe_base64_encode(force_bytes(user.pk)), activation_token.make_token(user)]
        )
    )
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
    return page


def admin_adds_resource(browser, daphne, instructor, course, title):
    page = admin_login_page(browser, daphne, instructor)
    page.goto("/admin/courses/resource/add/")
    page.select_option("#id_course", label=str(course))
    page.fill("#id_title", title)
    page.fill("#id_body", "Read chapters 1 and 2 before Monday.")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.context.close()


def test_a_new_student_subscribes_and_sees_what_the_instructor_adds(browser, daphne, alice, cs101):
    student = sign_up(browser, daphne, "erin")

    student.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    student.get_by_label("Search courses").fill("CS101")
    student.get_by_role("button", name="Search").click()
    student.get_by_role("link", name="Introduction to Programming").click()
    student.get_by_role("button", name="Subscribe").click()
    expect(student.get_by_text("You are subscribed to CS101.")).to_be_visible()

    student.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    course_card = student.locator("li.card", has_text="CS101")
    expect(course_card).to_contain_text("Nothing new")

    admin_adds_resource(browser, daphne, alice, cs101, "Week 1 reading")

    student.reload()
    expect(course_card).to_contain_text("Week 1 reading")

    course_card.get_by_role("link", name=re.compile("Introduction to Programming")).first.click()
    expect(student.locator("#resources-heading")).to_be_visible()
    student.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(course_card).to_contain_text("Nothing new")
    expect(course_card).not_to_contain_text("Week 1 reading")
    student.context.close()


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/courses/", None),
        ("/courses/CS101/", "carol"),
        ("/dashboard/", "carol"),
        ("/accounts/login/", None),
        ("/accounts/signup/", None),
    ],
)
def test_pages_have_no_accessibility_violations(request, browser, daphne, axe, carol_in_cs101, path, who):
    if who:
        page = login_page(browser, daphne, request.getfixturevalue(who))
    else:
        page = browser.new_context(base_url=daphne.url).new_page()
    page.goto(path)
    violations = axe(page)
    page.context.close()
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]
