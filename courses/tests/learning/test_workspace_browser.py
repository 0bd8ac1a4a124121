"""The instructor's workspace in a real Chromium against a real daphne: a course built from empty,
with the page loads counted, its lessons reaching a student's open course page live; and three
submissions graded with "save and grade next", each student told live. axe-core checks the
workspace, the grading queue and the grading page."""

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Course, Lesson, Module, Question, Submission, Subscription
from lms_site.testing import content as w
from lms_site.testing.browser import admin_login_page

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

#: The same course built before the workspace, counting every page the browser loads (a form's
#: POST and the page it is sent to after it count once): the course page, which had no link to its
#: content (1); the admin's home, typed in (2); Modules (3); Add module (4), with the four lessons
#: as rows of its inline, saved (5); each of the text and video lessons opened and saved for their
#: text and link (6-9); the quiz lesson (10), its "Edit the questions" link (11), the three
#: questions as inline rows of the quiz, saved (12); the single-choice question's page for its
#: choices (13), saved (14); the lessons list (15), positions and "published" changed in place and
#: saved (16); the course page again to see the result (17).
PAGE_LOADS_BEFORE = 17


def page_loads(page) -> list[str]:
    loads = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    return loads


def add_lesson(page, module: Module, title: str, kind: str, **fields):
    box = page.locator(f"#module-{module.pk}")
    if not box.locator("details.ws-add").evaluate("d => d.open"):
        box.get_by_text(f"Add a lesson to {module.title}").click()
    page.fill(f"#id_m{module.pk}-title", title)
    page.select_option(f"#id_m{module.pk}-kind", kind)
    for name, value in fields.items():
        page.fill(f"#id_m{module.pk}-{name}", value)
    box.get_by_role("button", name="Add the lesson").click()
    expect(box.locator("li[data-lesson]", has_text=title)).to_be_visible()


def add_question(page, quiz_id: int, kind: str, text: str, then: str, **fields):
    page.select_option("#id_quiz", str(quiz_id))
    page.select_option("#id_kind", kind)
    page.fill("#id_text", text)
    for selector, value in fields.items():
        if selector.startswith("select:"):
            page.select_option(selector[7:], value)
        elif selector.startswith("check:"):
            page.check(selector[6:])
        else:
            page.fill(selector, value)
    page.click(f"input[name={then}]")
    page.wait_for_load_state()


def test_an_instructor_builds_a_course_in_fewer_than_half_the_page_loads(
    browser, daphne, axe, logged_in_page, alice, carol
):
    course = Course.objects.create(code="CS150", title="Web basics", instructor=alice, is_published=True)
    Subscription.objects.create(student=carol, course=course)
    student = logged_in_page(carol)
    student.goto(course.get_absolute_url())
    expect(student.locator("#live-status")).to_have_attribute("data-state", "live")

    page = admin_login_page(browser, daphne, alice)
    loads = page_loads(page)
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="Edit course").click()
    page.wait_for_url("**/workspace/")
    assert axe(page) == [], "empty workspace"

    page.get_by_label("New module").fill("Week 1")
    page.get_by_role("button", name="Add the module").click()
    expect(page.locator(".ws-module h3")).to_have_text("Week 1")
    module = Module.objects.get(course=course)
    add_lesson(page, module, "Variables", "text", body="Names for *values*.")
    add_lesson(page, module, "Talk", "video", embed_url="https://youtu.be/dQw4w9WgXcQ")
    add_lesson(page, module, "Check-in", "quiz")
    add_lesson(page, module, "Essay", "assignment")
    quiz = Lesson.objects.get(title="Check-in").quiz

    # Questions on the question page opened from the workspace, choices under their question (one
    # per line, "* " marking the right one).
    page.get_by_role("link", name="Add a question to Check-in").click()
    page.wait_for_url("**/question/add/**")
    add_question(page, quiz.pk, "single", "2 + 2 = ?", "_addanother", **{"#id_choices": "* 4\n5"})
    add_question(page, quiz.pk, "true_false", "HTML is a language.", "_addanother", **{"check:#id_is_true_0": ""})
    add_question(page, quiz.pk, "short", "Tag for a link?", "_save", **{"#id_accepted_answers": "a"})
    assert Question.objects.filter(quiz=quiz).count() == 3
    page.goto(f"/admin/courses/course/{course.pk}/workspace/")

    # Keyboard: Talk before Variables, without a page load.
    page.get_by_role("button", name="Move “Talk” (Alt + arrow keys)").focus()
    page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("[data-move-status]")).to_have_text("Talk is now lesson 1 of 4.")
    expect(page.get_by_role("button", name="Move “Talk” (Alt + arrow keys)")).to_be_focused()
    titles = page.locator(f"#module-{module.pk} li[data-lesson] a[id$='-title']")
    expect(titles).to_have_text(["Talk", "Variables", "Check-in", "Essay"])
    assert list(module.lessons.values_list("title", flat=True)) == ["Talk", "Variables", "Check-in", "Essay"]

    page.get_by_role("button", name="Publish every ready draft of Week 1").click()
    expect(page.locator("[data-move-status]")).to_have_text("Published 4 lesson(s) of “Week 1”.")
    expect(page.locator(".ws-lesson .ws-published")).to_have_count(4)
    assert axe(page) == [], "built workspace"

    print(f"\nPage loads to build the course: {len(loads)} (before the workspace: {PAGE_LOADS_BEFORE})")
    assert len(loads) * 2 < PAGE_LOADS_BEFORE, loads
    # The student's open course page is told of each new lesson live.
    expect(student.locator("[data-feed] .feed-new_lesson")).to_have_count(4)
    for title in ("Variables", "Talk", "Check-in", "Essay"):
        expect(student.locator("[data-feed] .feed-new_lesson", has_text=title)).to_have_count(1)
    page.context.close()


def test_three_submissions_are_graded_with_save_and_grade_next_and_each_student_is_told(
    browser, daphne, axe, logged_in_page, django_user_model, alice, carol, dave, cs101
):
    erin = django_user_model.objects.create_user(
        username="erin", password="pw-erinerin", first_name="Erin", last_name="Evans"
    )
    essay = w.assignment_lesson(w.module(cs101), max_points=10)
    students = [carol, dave, erin]
    for hours, student in zip([3, 2, 1], students, strict=True):
        Subscription.objects.create(student=student, course=cs101)
        Submission.objects.create(
            assignment=essay, student=student, text=f"Essay by {student.first_name}", submitted_at=w.ago(hours=hours)
        )
    open_pages = {}
    for student in students:
        open_pages[student.username] = logged_in_page(student)
        open_pages[student.username].goto(essay.lesson.get_absolute_url())  # the assignment page, open
        expect(open_pages[student.username].locator("#live-status")).to_have_attribute("data-state", "live")
    badges = {name: int(open_page.locator("#unread-count").inner_text()) for name, open_page in open_pages.items()}

    page = admin_login_page(browser, daphne, alice)
    page.goto(f"/admin/courses/course/{cs101.pk}/grading/")
    expect(page.locator(".ws-queue tbody tr")).to_have_count(3)
    assert axe(page) == [], "grading queue"
    page.locator(".ws-queue tbody tr").first.get_by_role("link").click()
    for points, student in zip([8, 6, 9], students, strict=True):
        expect(page.locator(".ws-submitted-text")).to_have_text(f"Essay by {student.first_name}")
        expect(page.locator("#out-of")).to_have_text("out of 10")
        if points == 8:
            assert axe(page) == [], "grading page"
        page.get_by_label("Points").fill(str(points))
        page.get_by_label("Feedback").fill(f"Well argued, {student.first_name}.")
        page.get_by_role("button", name="Save and grade next").click()
        page.wait_for_load_state()
    expect(page.get_by_text("Nothing to grade.")).to_be_visible()

    for points, student in zip([8, 6, 9], students, strict=True):
        # In place on the open assignment page (its live part), no reload; and one unread item.
        grade = open_pages[student.username].locator(f'[data-live="assignment-grade-{essay.pk}"]')
        expect(grade).to_contain_text(f"Grade: {points}/10", timeout=2000)
        expect(grade).to_contain_text(f"Well argued, {student.first_name}.")
        expect(open_pages[student.username].locator("#unread-count")).to_have_text(str(badges[student.username] + 1))
    page.context.close()


def test_drag_reorders_a_score_set_by_hand_reaches_the_student_and_the_other_pages_pass_axe(
    browser, daphne, axe, logged_in_page, alice, carol, carol_in_cs101, cs101
):
    week = w.module(cs101)
    for n, title in enumerate(["One", "Two", "Three"]):
        w.lesson(week, title, position=n)
    quiz = w.quiz_lesson(week, position=5)
    w.true_false(quiz)
    w.take(carol, quiz, {})
    thread = services.start_thread(author=carol, course=cs101, title="Stuck", body="Help *please*")
    student = logged_in_page(carol)
    expect(student.locator("#live-status")).to_have_attribute("data-state", "live")
    page = admin_login_page(browser, daphne, alice)
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()
    assert axe(page) == [], "admin home by course"

    page.goto(f"/admin/courses/course/{cs101.pk}/workspace/")
    lessons = page.locator(f"#module-{week.pk} li[data-lesson]")
    lessons.nth(2).locator("[data-handle]").drag_to(lessons.nth(0), target_position={"x": 5, "y": 2})
    expect(page.locator("[data-move-status]")).to_have_text("Three is now lesson 1 of 4.")
    assert list(week.lessons.values_list("title", flat=True)) == ["Three", "One", "Two", "Check-in quiz"]

    page.goto(f"/admin/courses/course/{cs101.pk}/grading/quizzes/{quiz.pk}/")
    page.get_by_label("Score for Carol Chen, attempt 1").fill("1")
    page.get_by_label("Reason for Carol Chen, attempt 1").fill("The statement was ambiguous.")
    page.get_by_role("button", name="Set the score of Carol Chen, attempt 1").click()
    expect(page.locator("[data-score]")).to_contain_text("The statement was ambiguous.")
    assert axe(page) == [], "attempts page"
    told = student.locator("[data-feed] .feed-grade_posted", has_text="Check-in quiz: 1/1")
    expect(told).to_contain_text("The statement was ambiguous.")

    page.goto(f"/admin/courses/course/{cs101.pk}/workspace/threads/{thread.pk}/")
    assert axe(page) == [], "thread moderation page"
    page.context.close()
