"""Authoring in the admin, in a real Chromium against a real daphne: the question forms show only
their kind's fields, the quiz's page stays short, publishing what students cannot use is refused
with the reason on the form, and axe-core finds nothing on the changed admin pages."""

import re

import pytest
from playwright.sync_api import expect

from courses import services
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def authored(cs101, carol, dave):
    week = w.module(cs101)
    quiz = w.quiz_lesson(week)
    w.single(quiz), w.multiple(quiz), w.true_false(quiz), w.short(quiz)
    video = w.lesson(week, "Clip", kind="video", embed_url="https://youtu.be/dQw4w9WgXcQ", position=1)
    thread = services.start_thread(author=alice_or(cs101), course=cs101, title="Welcome", body="Hello")
    return {"week": week, "quiz": quiz, "video": video, "thread": thread}


def alice_or(course):
    return course.instructor


def assert_clean(axe, page, what) -> None:
    found = [(v["id"], v["help"], [node["html"][:160] for node in v["nodes"][:3]]) for v in axe(page)]
    assert found == [], what


def visible(page, selector) -> bool:
    return page.locator(selector).first.is_visible()


def test_a_quizs_questions_show_only_their_kinds_fields(browser, daphne, axe, alice, authored):
    page = admin_login_page(browser, daphne, alice)
    page.goto(f"/admin/courses/quiz/{authored['quiz'].pk}/change/")
    assert visible(page, "#questions-0 .field-choices")
    assert not visible(page, "#questions-0 .field-is_true")
    assert not visible(page, "#questions-0 .field-accepted_answers")
    assert visible(page, "#questions-2 .field-is_true")
    assert not visible(page, "#questions-2 .field-choices")
    assert visible(page, "#questions-3 .field-accepted_answers")
    # Four questions with their choices: no longer a 5,140 px page.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3600, height
    assert_clean(axe, page, "quiz page with its questions")

    page.select_option("#id_questions-2-kind", "short")
    assert visible(page, "#questions-2 .field-accepted_answers")
    assert not visible(page, "#questions-2 .field-is_true")

    page.get_by_role("button", name=re.compile("Add another question", re.I)).click()
    expect(page.locator("#questions-4 .field-choices")).to_be_visible()
    page.select_option("#id_questions-4-kind", "true_false")
    expect(page.locator("#questions-4 .field-choices")).to_be_hidden()
    expect(page.locator("#questions-4 .field-is_true")).to_be_visible()
    page.context.close()


def test_publishing_an_unusable_lesson_is_refused_on_the_form(browser, daphne, axe, alice, authored):
    page = admin_login_page(browser, daphne, alice)
    page.goto(f"/admin/courses/module/{authored['week'].pk}/change/")
    assert_clean(axe, page, "module page with its lesson rows")
    page.get_by_role("button", name=re.compile("Add another lesson", re.I)).click()
    row = page.locator("tr.dynamic-lessons").last
    row.locator("input[name$='-title']").fill("Intro")
    row.locator("input[name$='-is_published']").check()
    page.click("input[name=_save]")
    expect(page.locator(".errorlist").first).to_contain_text("A published text lesson needs its text.")
    assert_clean(axe, page, "module page with a refused row")

    page.goto("/admin/courses/lesson/")
    page.get_by_role("link", name="Add a video lesson").click()
    expect(page.get_by_label("Video link")).to_be_visible()
    expect(page.locator("#id_file")).to_have_count(0)
    assert_clean(axe, page, "new video lesson")
    page.select_option("#id_module", index=1)
    page.fill("#id_title", "Talk")
    page.check("#id_is_published")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist").first).to_contain_text("A published video lesson needs its video.")
    assert_clean(axe, page, "new video lesson refused")
    page.context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/courses/lesson/",
        "/admin/courses/lesson/{video}/change/",
        "/admin/courses/lesson/{quiz_lesson}/change/",
        "/admin/courses/question/{question}/change/",
        "/admin/courses/course/add/",
        "/admin/courses/announcement/add/",
        "/admin/courses/resource/add/",
        "/admin/courses/thread/{thread}/delete/",
    ],
)
def test_the_changed_admin_pages_pass_axe(browser, daphne, axe, alice, authored, path):
    page = admin_login_page(browser, daphne, alice)
    url = path.format(
        video=authored["video"].pk,
        quiz_lesson=authored["quiz"].lesson.pk,
        question=authored["quiz"].questions.first().pk,
        thread=authored["thread"].pk,
    )
    response = page.goto(url)
    assert response.status == 200, url
    assert_clean(axe, page, url)
    page.context.close()
