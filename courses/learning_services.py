"""Writes of the learning side (progress, quizzes, assignments, discussions) that touch more than
one row. Views, admin actions and management commands call these, so each rule exists once; the
events follow from the saves (notifications/signals.py). Kept beside services.py, which holds the
catalog's writes, so each file stays readable."""

from datetime import timedelta
from math import ceil

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from .models import (
    Answer,
    Assignment,
    Attempt,
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Post,
    Quiz,
    Submission,
    Subscription,
    Thread,
)
from .selectors import teaches


class RateLimited(ValidationError):
    """Too many posts in a short time; the message says how long to wait."""


def _lock_subscription(*, student, course: Course) -> Subscription:
    """Lock the student's subscription row: one student's writes in one course (attempt numbers,
    completion) happen one at a time, while other students are not held up."""
    subscription = Subscription.objects.select_for_update().filter(student=student, course=course).first()
    if subscription is None:
        raise PermissionDenied("Only students subscribed to the course take part in it.")
    return subscription


# Progress


def record_lesson_view(*, student, lesson: Lesson) -> LessonProgress:
    """Remember that a subscribed student opened a lesson ("continue where you left off")."""
    progress, created = LessonProgress.objects.get_or_create(student=student, lesson=lesson)
    if not created:
        progress.mark_viewed()
    return progress


def _complete(*, student_id: int, lesson: Lesson, course: Course) -> None:
    now = timezone.now()
    progress, _ = LessonProgress.objects.get_or_create(
        student_id=student_id, lesson=lesson, defaults={"first_viewed_at": now, "last_viewed_at": now}
    )
    if progress.completed_at is not None:
        return
    progress.completed_at = now
    progress.save(update_fields=["completed_at"])
    released = Lesson.objects.of_course(course).released(now)
    done = LessonProgress.objects.filter(student_id=student_id, completed_at__isnull=False).values("lesson_id")
    remaining = released.exclude(pk__in=done)
    if released.exists() and not remaining.exists():
        CourseCompletion.objects.get_or_create(student_id=student_id, course=course)


@transaction.atomic
def complete_lesson(*, student, lesson: Lesson) -> None:
    """Mark a lesson complete; the last one completes the course. Idempotent."""
    course = lesson.module.course
    _lock_subscription(student=student, course=course)
    if not lesson.is_released():
        raise ValidationError("This lesson is not available yet.")
    _complete(student_id=student.pk, lesson=lesson, course=course)


# Quizzes


@transaction.atomic
def close_expired_attempts(*, student, quiz: Quiz) -> int:
    """Close the student's open attempts whose time ran out, graded 0: they count as used.
    Committed on its own, so a refused new attempt does not undo it."""
    _lock_subscription(student=student, course=quiz.lesson.module.course)
    now = timezone.now()
    closed = 0
    for attempt in Attempt.objects.select_for_update().filter(quiz=quiz, student=student, submitted_at__isnull=True):
        if attempt.is_past_deadline(now):
            attempt.finish(score=0, max_score=attempt.max_score, expired=True)
            closed += 1
    return closed


def start_attempt(*, student, quiz: Quiz) -> Attempt:
    """The student's open attempt, or a new one if the attempt limit and due date allow. An open
    attempt whose time ran out is closed first."""
    close_expired_attempts(student=student, quiz=quiz)
    return _start_attempt(student=student, quiz=quiz)


@transaction.atomic
def _start_attempt(*, student, quiz: Quiz) -> Attempt:
    _lock_subscription(student=student, course=quiz.lesson.module.course)
    now = timezone.now()
    attempts = list(Attempt.objects.filter(quiz=quiz, student=student).order_by("number"))
    open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    if open_attempt is not None:
        return open_attempt
    if quiz.is_closed(now):
        raise ValidationError(f"This quiz closed on {date_format(timezone.localtime(quiz.due_at), 'j M Y, H:i')}.")
    if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
        raise ValidationError(f"You have used all {quiz.max_attempts} attempt(s) of this quiz.")
    max_score = quiz.questions.aggregate(total=Sum("points"))["total"] or 0
    return Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=len(attempts) + 1,
        started_at=now,
        deadline=quiz.deadline_for(now),
        max_score=max_score,
    )


@transaction.atomic
def submit_attempt(*, attempt: Attempt, responses: dict[int, object]) -> Attempt:
    """Grade an attempt: each question's points if correct, 0 otherwise. `responses` maps question
    ids to a list of choice ids, "true"/"false", or a text. Answers that arrive after the deadline
    (plus a short grace) are kept but not counted. Submitting twice grades once."""
    lesson = attempt.quiz.lesson
    course = lesson.module.course
    _lock_subscription(student=attempt.student_id, course=course)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        return attempt
    expired = attempt.is_past_deadline()
    questions = list(attempt.quiz.questions.prefetch_related("choices"))
    answers = []
    for question in questions:
        response = responses.get(question.pk)
        correct = not expired and question.is_correct(response)
        answers.append(
            Answer(
                attempt=attempt,
                question=question,
                response=response,
                is_correct=correct,
                points=question.points if correct else 0,
            )
        )
    Answer.objects.bulk_create(answers)
    attempt.finish(
        score=sum(answer.points for answer in answers),
        max_score=sum(question.points for question in questions),
        expired=expired,
    )
    _complete(student_id=attempt.student_id, lesson=lesson, course=course)
    return attempt


# Assignments


@transaction.atomic
def submit_assignment(*, student, assignment: Assignment, text: str = "", file=None) -> Submission:
    """Submit, or resubmit until the due date. A first submission after the due date is accepted
    and flagged late; a graded submission is final."""
    lesson = assignment.lesson
    course = lesson.module.course
    _lock_subscription(student=student, course=course)
    text = text.strip()
    if file is not None and not assignment.accepts_file:
        raise ValidationError("This assignment takes no file.")
    if text and not assignment.accepts_text:
        raise ValidationError("This assignment takes no text.")
    if not text and file is None:
        raise ValidationError("Write a text or attach a file.")
    now = timezone.now()
    submission = Submission.objects.select_for_update().filter(assignment=assignment, student=student).first()
    if submission is not None:
        if submission.is_graded:
            raise ValidationError("Your submission is graded; it can no longer be changed.")
        if assignment.is_past_due(now):
            raise ValidationError("The due date has passed: your submission can no longer be changed.")
        submission.revision += 1
    else:
        submission = Submission(assignment=assignment, student=student)
    submission.text = text
    if file is not None:
        submission.file = file
    submission.submitted_at = now
    submission.is_late = assignment.is_past_due(now)
    submission.full_clean(exclude=["assignment", "student"])
    submission.save()
    _complete(student_id=student.pk, lesson=lesson, course=course)
    return submission


# Discussions


def _rate_limit() -> tuple[int, int]:
    return (
        settings.DISCUSSION_POSTS_PER_WINDOW,
        settings.DISCUSSION_RATE_WINDOW_SECONDS,
    )


def check_post_rate(author) -> None:
    """At most N posts per window per user, counted in the database so every process agrees."""
    limit, window = _rate_limit()
    now = timezone.now()
    recent = list(
        Post.objects.filter(author=author, created_at__gt=now - timedelta(seconds=window))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        wait = max(1, ceil((recent[-1] + timedelta(seconds=window) - now).total_seconds()))
        raise RateLimited(
            f"You are posting too quickly: at most {limit} posts in {window} seconds. "
            f"Please wait {wait} second{'s' if wait != 1 else ''} and try again."
        )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    return body


@transaction.atomic
def start_thread(*, author, course: Course, title: str, body: str, lesson: Lesson | None = None) -> Thread:
    if not course.is_member(author):
        raise PermissionDenied("Only members of the course post in its discussions.")
    if lesson is not None and lesson.module.course_id != course.pk:
        raise ValidationError("That lesson belongs to another course.")
    title = title.strip()
    if not title:
        raise ValidationError("Give the thread a title.")
    body = _clean_body(body)
    check_post_rate(author)
    thread = Thread.objects.create(course=course, lesson=lesson, author=author, title=title)
    Post.objects.create(thread=thread, author=author, body=body)
    return thread


@transaction.atomic
def reply(*, author, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """A reply to a post of the thread (by default its opening post)."""
    course = thread.course
    if not course.is_member(author):
        raise PermissionDenied("Only members of the course post in its discussions.")
    if thread.is_locked and not teaches(author, course):
        raise ValidationError("This thread is locked: no new replies.")
    if parent is None:
        parent = thread.posts.filter(parent__isnull=True).order_by("created_at", "id").first()
    elif parent.thread_id != thread.pk:
        raise ValidationError("That post belongs to another thread.")
    body = _clean_body(body)
    check_post_rate(author)
    post = Post.objects.create(thread=thread, parent=parent, author=author, body=body)
    thread.touch()
    return post


def edit_post(*, user, post: Post, body: str) -> Post:
    post.edit(user=user, body=_clean_body(body))
    return post


def moderate_thread(*, user, thread: Thread, action: str) -> None:
    """Pin, unpin, lock, unlock or delete a thread: the course's instructor and admins only."""
    if not teaches(user, thread.course):
        raise PermissionDenied("Only the course's instructor moderates its discussions.")
    if action == "delete":
        thread.delete()
        return
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
    }
    if action not in flags:
        raise ValidationError("Unknown moderation action.")
    thread.set_flags(**flags[action])


def remove_post(*, user, post: Post) -> None:
    if not teaches(user, post.thread.course):
        raise PermissionDenied("Only the course's instructor removes posts.")
    post.remove()
