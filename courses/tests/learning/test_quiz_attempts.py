"""Quiz attempts: an open one is resumed, the limit is enforced on the server, a submission is graded
once, only subscribed students take quizzes; starting tells nobody, grading tells the student."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services
from courses.models import Attempt
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


def test_an_open_attempt_is_resumed_not_duplicated(carol, carol_in_cs101, quiz):
    first = services.start_attempt(student=carol, quiz=quiz)
    assert services.start_attempt(student=carol, quiz=quiz) == first


def test_the_attempt_limit_is_enforced(carol, carol_in_cs101, quiz):
    w.single(quiz)
    w.take(carol, quiz, {})
    w.take(carol, quiz, {})
    with pytest.raises(ValidationError, match="all 2 attempt"):
        services.start_attempt(student=carol, quiz=quiz)
    assert Attempt.objects.filter(student=carol).count() == 2


def test_unlimited_attempts(carol, carol_in_cs101, quiz):
    quiz.max_attempts = None
    quiz.save()
    for _ in range(4):
        w.take(carol, quiz, {})
    assert Attempt.objects.filter(student=carol).count() == 4


def test_submitting_twice_grades_once(carol, carol_in_cs101, quiz):
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    again = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "3")]})
    assert again.score == 1
    assert attempt.answers.count() == 1


def test_only_subscribed_students_take_quizzes(alice, dave, quiz):
    for person in (alice, dave):
        with pytest.raises(PermissionDenied):
            services.start_attempt(student=person, quiz=quiz)


def test_grading_tells_only_the_student_once(carol, carol_in_cs101, quiz):
    w.lesson(quiz.lesson.module, "Still to read")  # so the course is not completed by this quiz
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    before = newest_id()
    services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    services.submit_attempt(attempt=attempt, responses={})
    # and quiet content_changed: the lesson completed, her open progress bars, her instructor's
    # open analytics and the site admins' follow
    assert events_after(before) == [
        ("grade_posted", f"user:{carol.pk}"),
        ("content_changed", f"user:{carol.pk}"),
        ("content_changed", f"user:{quiz.lesson.module.course.instructor_id}"),
        ("content_changed", "staff"),
    ]


def test_starting_an_attempt_tells_nobody(carol, carol_in_cs101, quiz):
    before = newest_id()
    services.start_attempt(student=carol, quiz=quiz)
    assert events_after(before) == []
