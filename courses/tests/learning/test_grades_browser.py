"""Grades where the student is looking, in a real Chromium against a real daphne: an instructor grades
in the admin and the student's open assignment page, course grades page and grades page across
courses show the grade and feedback in place within 2 s, without a reload; a quiz submitted in one
tab updates the quiz page open in another. axe-core checks the grades pages; they work by
keyboard."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from courses import services
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page, login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def mark_page(page):
    page.evaluate("() => { window.stillTheSamePage = true; }")  # gone if the page reloads


def test_a_grade_posted_in_the_admin_appears_in_place_on_the_students_open_pages(
    browser, daphne, axe, alice, carol, carol_in_cs101, cs101
):
    essay = w.assignment_lesson(w.module(cs101), max_points=10, weight=Decimal(2), due_at=w.later(days=2))
    submission = services.submit_assignment(student=carol, assignment=essay, text="My essay")

    lesson = login_page(browser, daphne, carol)
    lesson.goto(essay.lesson.get_absolute_url())
    grades = lesson.context.new_page()
    grades.goto(f"/courses/{cs101.code}/grades/")
    across = lesson.context.new_page()
    across.goto("/grades/")
    for page in (lesson, grades, across):
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
        mark_page(page)
    expect(lesson.locator(f'[data-live="assignment-grade-{essay.pk}"]')).to_contain_text("Not graded yet")
    expect(lesson.get_by_role("button", name="Resubmit")).to_be_visible()
    assert axe(grades) == [], "course grades page"
    assert axe(across) == [], "grades page across courses"

    instructor = admin_login_page(browser, daphne, alice)
    instructor.goto(f"/admin/courses/submission/{submission.pk}/change/")
    instructor.fill("#id_points", "8")
    instructor.fill("#id_feedback", "Clear and **well argued**.")
    instructor.click("input[name=_save]")
    expect(instructor.locator(".messagelist")).to_contain_text("was changed successfully")

    # Within 2 s of the save, in place.
    panel = lesson.locator(f'[data-live="assignment-grade-{essay.pk}"]')
    expect(panel).to_contain_text("Grade: 8/10", timeout=2000)
    expect(panel.locator("strong")).to_have_text("well argued", timeout=2000)
    expect(lesson.get_by_role("button", name="Resubmit")).to_have_count(0)
    row = grades.locator(f'[data-live="grade-row-{essay.lesson.pk}"]')
    expect(row).to_contain_text("8/10", timeout=2000)
    expect(row).to_contain_text("80.0%", timeout=2000)
    expect(grades.locator(f'[data-live="grade-totals-{cs101.pk}"]')).to_contain_text("80.0%", timeout=2000)
    expect(across.locator(f'[data-live="course-grade-{cs101.pk}"]')).to_contain_text("80.0%", timeout=2000)
    for page in (lesson, grades, across):
        assert page.evaluate("() => window.stillTheSamePage") is True
    expect(panel.locator("time[datetime]")).to_have_count(1)  # when it was graded, from {% when %}
    assert axe(grades) == [], "course grades page after the live grade"
    assert axe(lesson) == [], "assignment page after the live grade"
    instructor.context.close()
    lesson.context.close()


def test_a_quiz_submitted_in_one_tab_updates_the_quiz_page_open_in_another(
    browser, daphne, carol, carol_in_cs101, cs101
):
    quiz = w.quiz_lesson(w.module(cs101), max_attempts=2)
    question = w.single(quiz, points=2)
    page = login_page(browser, daphne, carol)
    page.goto(quiz.lesson.get_absolute_url())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    mark_page(page)

    w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})  # as another tab would

    attempts = page.locator(f'[data-live="quiz-attempts-{quiz.pk}"]')
    expect(attempts).to_contain_text("Attempt 1", timeout=2000)
    expect(attempts.locator(".score")).to_have_text("2/2", timeout=2000)
    assert page.evaluate("() => window.stillTheSamePage") is True
    page.context.close()


def test_the_grades_pages_work_by_keyboard(browser, daphne, carol, carol_in_cs101, cs101):
    w.assignment_lesson(w.module(cs101))
    page = login_page(browser, daphne, carol)
    page.goto("/grades/")

    def tab_to(name: str):
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()").startswith(name):
                return
        pytest.fail(f"{name!r} is not reachable by Tab")

    tab_to("How the totals are counted")
    page.keyboard.press("Enter")
    expect(page.locator("details.grade-rule")).to_have_attribute("open", "")
    tab_to(f"{cs101.code} · ")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{cs101.code}/grades/")
    tab_to("Essay")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/**")
    page.context.close()
