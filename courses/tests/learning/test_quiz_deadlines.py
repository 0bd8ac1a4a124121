"""Quiz time limits and due dates, enforced on the server: late answers do not count (within the
grace they do), an expired attempt is closed, the due date stops new attempts and caps deadlines."""

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.models import Attempt
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


def test_answers_after_the_time_limit_are_not_counted(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    assert attempt.deadline is not None
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(minutes=1))  # the clock ran out
    attempt.refresh_from_db()
    graded = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    assert (graded.score, graded.expired) == (0, True)


def test_answers_within_the_grace_after_the_limit_still_count(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    question = w.single(quiz)
    attempt = services.start_attempt(student=carol, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(seconds=5))
    attempt.refresh_from_db()
    graded = services.submit_attempt(attempt=attempt, responses={question.pk: [w.choice_id(question, "4")]})
    assert (graded.score, graded.expired) == (1, False)


def test_an_expired_open_attempt_is_closed_and_counts_when_the_student_comes_back(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 5
    quiz.max_attempts = 1
    quiz.save()
    attempt = services.start_attempt(student=carol, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=w.ago(minutes=2))
    with pytest.raises(ValidationError, match="all 1 attempt"):
        services.start_attempt(student=carol, quiz=quiz)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.expired, attempt.is_open) == (0, True, False)


def test_no_attempt_starts_after_the_due_date(carol, carol_in_cs101, quiz):
    quiz.due_at = w.ago(minutes=1)
    quiz.save()
    with pytest.raises(ValidationError, match="closed"):
        services.start_attempt(student=carol, quiz=quiz)


def test_the_due_date_caps_an_attempts_deadline(carol, carol_in_cs101, quiz):
    quiz.time_limit_minutes = 60
    quiz.due_at = w.later(minutes=5)
    quiz.save()
    attempt = services.start_attempt(student=carol, quiz=quiz)
    assert attempt.deadline == quiz.due_at
