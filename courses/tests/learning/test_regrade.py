"""Fixing a quiz after students took it: a regrade recomputes each submitted attempt once and tells
each student whose score changed, once; a score set by hand keeps its reason, in the attempt and the
audit log, and the student is told. And the workspace's reordering service."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services
from courses.models import Attempt, Choice, Lesson
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id
from notifications.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    w.single(quiz, text="2 + 2 = ?", right="5", wrong=("4", "3"))  # the instructor's mistake
    w.true_false(quiz, is_true=True)
    return quiz


@pytest.fixture
def attempts(quiz, carol, dave, carol_in_cs101, dave_in_cs101):
    single = quiz.questions.get(kind="single")
    return {
        # carol answered 4 (right, marked wrong), dave answered 5 (wrong, marked right)
        "carol": w.take(
            carol, quiz, {single.pk: [w.choice_id(single, "4")], quiz.questions.get(kind="true_false").pk: "true"}
        ),
        "dave": w.take(
            dave, quiz, {single.pk: [w.choice_id(single, "5")], quiz.questions.get(kind="true_false").pk: "true"}
        ),
    }


def fix_the_question(quiz):
    single = quiz.questions.get(kind="single")
    Choice.objects.filter(question=single).update(is_correct=False)
    Choice.objects.filter(question=single, text="4").update(is_correct=True)


def grade_events(after):
    return [topic for kind, topic in events_after(after) if kind == Event.Kind.GRADE_POSTED]


def test_a_regrade_changes_each_affected_score_once_and_tells_each_student_once(
    quiz, attempts, alice, carol, dave, bob
):
    assert (attempts["carol"].score, attempts["dave"].score) == (1, 2)
    fix_the_question(quiz)
    after = newest_id()

    changed = services.regrade_quiz(quiz=quiz, by=alice)

    assert {attempt.student for attempt in changed} == {carol, dave}
    assert dict(Attempt.objects.values_list("student__username", "score")) == {"carol": 2, "dave": 1}
    assert sorted(grade_events(after)) == sorted([f"user:{carol.pk}", f"user:{dave.pk}"])
    # A second regrade finds nothing to change and tells no one.
    after = newest_id()
    assert services.regrade_quiz(quiz=quiz, by=alice) == []
    assert grade_events(after) == []


def test_only_students_whose_score_changed_are_told(quiz, attempts, alice, carol, dave):
    single = quiz.questions.get(kind="single")
    Choice.objects.filter(question=single, text="4").update(is_correct=True)  # 4 also right: multiple now
    single.kind = "multiple"
    single.save()
    after = newest_id()
    services.regrade_quiz(quiz=quiz, by=alice)
    # Multiple choice is all or nothing: neither {4} nor {5} is exactly {4, 5}. Carol was marked
    # wrong already (unchanged, not told); dave loses his point.
    assert grade_events(after) == [f"user:{dave.pk}"]
    after = newest_id()
    single.kind = "single"
    single.save()
    Choice.objects.filter(question=single, text="5").update(is_correct=False)
    services.regrade_quiz(quiz=quiz, by=alice)
    assert grade_events(after) == [f"user:{carol.pk}"]  # dave stays at 1, carol goes up to 2


def test_another_instructor_may_not_regrade(quiz, attempts, bob):
    with pytest.raises(PermissionDenied):
        services.regrade_quiz(quiz=quiz, by=bob)


def test_an_override_keeps_its_reason_tells_the_student_and_survives_a_regrade(quiz, attempts, alice, carol):
    attempt = attempts["carol"]
    after = newest_id()
    services.override_attempt_score(attempt=attempt, score=2, reason="Question 1 was wrong.", by=alice)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.override_reason, attempt.overridden_by) == (2, "Question 1 was wrong.", alice)
    told = Event.objects.get(pk__gt=after, kind=Event.Kind.GRADE_POSTED)
    assert told.topic == f"user:{carol.pk}"
    assert "Question 1 was wrong." in told.payload["summary"]
    entry = LogEntry.objects.get_for_object(attempt).latest("timestamp")
    assert entry.actor == alice
    assert entry.changes_dict["override_reason"] == ["", "Question 1 was wrong."]
    after = newest_id()
    services.regrade_quiz(quiz=quiz, by=alice)  # the question is still the old one: kept by hand
    attempt.refresh_from_db()
    assert attempt.score == 2
    assert grade_events(after) == []


@pytest.mark.parametrize(
    ("score", "reason"),
    [(3, "Too many"), (-1, "Negative"), (1, ""), (1, "   ")],
    ids=["over", "negative", "no-reason", "blank"],
)
def test_an_override_needs_a_score_in_range_and_a_reason(quiz, attempts, alice, score, reason):
    with pytest.raises(ValidationError):
        services.override_attempt_score(attempt=attempts["carol"], score=score, reason=reason, by=alice)


def test_another_instructor_may_not_override(quiz, attempts, bob):
    with pytest.raises(PermissionDenied):
        services.override_attempt_score(attempt=attempts["carol"], score=0, reason="Mine now", by=bob)


def test_move_lesson_renumbers_the_module_and_moves_between_modules(cs101, ma201, alice, bob):
    week1, week2 = w.module(cs101, "Week 1"), w.module(cs101, "Week 2", position=1)
    a, b, c = (w.lesson(week1, title, position=n) for n, title in enumerate("ABC"))
    services.move_lesson(lesson=c, index=0, by=alice)
    assert list(week1.lessons.values_list("title", flat=True)) == ["C", "A", "B"]
    services.move_lesson(lesson=a, index=5, module=week2, by=alice)
    assert list(week1.lessons.values_list("title", flat=True)) == ["C", "B"]
    assert list(week2.lessons.values_list("title", flat=True)) == ["A"]
    with pytest.raises(PermissionDenied):
        services.move_lesson(lesson=b, index=0, by=bob)
    with pytest.raises(ValidationError):
        services.move_lesson(lesson=b, index=0, module=w.module(ma201), by=alice)


def test_moving_lessons_announces_nothing(cs101, alice):
    week = w.module(cs101)
    first, second = w.lesson(week, "A", position=0), w.lesson(week, "B", position=1, kind=Lesson.Kind.TEXT)
    after = newest_id()
    services.move_lesson(lesson=second, index=0, by=alice)
    # Not news: only quiet events, so open outlines follow the new order.
    assert {kind for kind, _ in events_after(after)} <= {"content_changed"}
    assert list(week.lessons.values_list("pk", flat=True)) == [second.pk, first.pk]
