"""What is due, as one selector decides it for the panel, the calendar and the feed: which items,
for whom, in what order, done and overdue."""

import pytest
from django.core.files.base import ContentFile

from courses import selectors, services
from courses.models import Lesson, Subscription
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(cs101):
    return w.module(cs101)


def titles(items):
    return [(item.kind, item.lesson.title) for item in items]


def test_assignments_quizzes_and_scheduled_lessons_are_listed_in_order(carol, carol_in_cs101, week):
    w.assignment_lesson(week, "Essay", due_at=w.later(days=3))
    w.quiz_lesson(week, "Check-in", due_at=w.later(days=1))
    w.lesson(week, "Recursion", release_at=w.later(days=2))
    expected = [("quiz", "Check-in"), ("release", "Recursion"), ("assignment", "Essay")]
    assert titles(selectors.upcoming(carol)) == expected


def test_what_a_student_may_not_see_is_not_listed(carol, carol_in_cs101, week):
    draft = w.assignment_lesson(week, "Draft essay", due_at=w.later(days=1))
    Lesson.objects.filter(pk=draft.lesson_id).update(is_published=False)
    w.lesson(week, "Unpublished later", published=False, release_at=w.later(days=1))
    # A quiz released later shows as its release, not yet as its closing time.
    hidden_quiz = w.quiz_lesson(week, "Later quiz", due_at=w.later(days=5))
    Lesson.objects.filter(pk=hidden_quiz.lesson_id).update(release_at=w.later(days=2))
    w.assignment_lesson(week, "No due date")
    assert titles(selectors.upcoming(carol)) == [("release", "Later quiz")]


def test_only_my_courses_are_listed(carol, dave, alice, bob, carol_in_cs101, cs101, ma201, draft):
    w.assignment_lesson(w.module(cs101), "CS essay", due_at=w.later(days=1))
    w.assignment_lesson(w.module(ma201), "MA essay", due_at=w.later(days=1))
    w.assignment_lesson(w.module(draft), "Draft course essay", due_at=w.later(days=1))
    Subscription.objects.create(student=carol, course=draft)  # an unpublished course has no students
    assert titles(selectors.upcoming(carol)) == [("assignment", "CS essay")]
    assert titles(selectors.upcoming(dave)) == []
    assert titles(selectors.upcoming(bob)) == [("assignment", "MA essay")]  # instructors: their courses
    assert {t for _, t in titles(selectors.upcoming(alice))} == {"CS essay", "Draft course essay"}
    assert titles(selectors.upcoming(carol, course=ma201)) == []


def test_overdue_and_done_are_marked_and_finished_past_items_drop_off(carol, carol_in_cs101, week):
    w.assignment_lesson(week, "Late essay", due_at=w.ago(days=2))
    done_past = w.assignment_lesson(week, "Handed in", due_at=w.ago(days=1), position=21)
    done_future = w.assignment_lesson(week, "Early bird", due_at=w.later(days=1), position=22)
    w.assignment_lesson(week, "Long ago", due_at=w.ago(days=30), position=23)
    quiz = w.quiz_lesson(week, "Quiz", due_at=w.later(days=2))
    w.single(quiz)
    for assignment in (done_past, done_future):
        services.submit_assignment(student=carol, assignment=assignment, text="Done.", file=None)
    w.take(carol, quiz, {})
    items = {item.lesson.title: item for item in selectors.upcoming(carol)}
    assert list(items) == ["Late essay", "Early bird", "Quiz"]
    assert (items["Late essay"].overdue, items["Late essay"].done) == (True, False)
    assert (items["Early bird"].overdue, items["Early bird"].done) == (False, True)
    assert items["Quiz"].done


def test_the_calendar_lists_everything_in_its_range_done_or_not(carol, carol_in_cs101, week):
    done = w.assignment_lesson(week, "Handed in", due_at=w.ago(days=1))
    services.submit_assignment(student=carol, assignment=done, text="x", file=ContentFile(b"x", name="a.txt"))
    w.assignment_lesson(week, "Next", due_at=w.later(days=1), position=21)
    w.assignment_lesson(week, "Far", due_at=w.later(days=40), position=22)
    items = selectors.due_between(carol, start=w.ago(days=3), end=w.later(days=3))
    assert [(i.lesson.title, i.done) for i in items] == [("Handed in", True), ("Next", False)]


def test_a_lessons_item_for_live_parts_carries_no_ones_state(carol, carol_in_cs101, week):
    essay = w.assignment_lesson(week, "Essay", due_at=w.later(days=1))
    services.submit_assignment(student=carol, assignment=essay, text="x", file=None)
    item = selectors.lesson_due_item(essay.lesson_id)
    assert (item.kind, item.done, item.key) == ("assignment", False, f"due-lesson-{essay.lesson_id}")
    assert selectors.lesson_due_item(w.lesson(week, "Plain").pk) is None
