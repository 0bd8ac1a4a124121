"""Writes of learning: authoring content, progress, quiz attempts, assignment submissions and
grading. Pages, the admin, the API and commands call these; the events follow from the saves
(notifications/signals.py), and each docstring names the ones it causes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.formats import date_format

from accounts.audit import attributed

from ..models import (
    Answer,
    Assignment,
    Attempt,
    Choice,
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    Submission,
    Subscription,
)
from ..permissions import course_of, teaches
from . import publishing
from .analytics import record_activity


def _lock_subscription(*, student, course: Course) -> Subscription:
    """Lock the student's subscription row: one student's writes in one course (attempt numbers,
    completion) happen one at a time, while other students are not held up."""
    subscription = Subscription.objects.select_for_update().filter(student=student, course=course).first()
    if subscription is None:
        raise PermissionDenied("Only students subscribed to the course take part in it.")
    return subscription


def record_lesson_view(*, student, lesson: Lesson) -> LessonProgress:
    """Remember that a subscribed student opened a lesson ("continue where you left off"). Only
    students track progress: the course's teachers get PermissionDenied. Events: none."""
    course = lesson.module.course
    if teaches(student, course):
        raise PermissionDenied("Only subscribed students track their progress.")
    progress = LessonProgress.objects.filter(student=student, lesson=lesson).first()
    if progress is not None:
        progress.mark_viewed()
    elif not Subscription.objects.filter(student=student, course=course).exists():
        raise PermissionDenied("Only subscribed students track their progress.")
    else:
        progress = LessonProgress.objects.get_or_create(student=student, lesson=lesson)[0]
    record_activity(student_id=student.pk, course_id=course.pk)
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
    record_activity(student_id=student_id, course_id=course.pk, at=now)
    released = Lesson.objects.of_course(course).released(now)
    done = LessonProgress.objects.filter(student_id=student_id, completed_at__isnull=False).values("lesson_id")
    remaining = released.exclude(pk__in=done)
    if released.exists() and not remaining.exists():
        CourseCompletion.objects.get_or_create(student_id=student_id, course=course)


class CompletesOnSubmission(ValidationError):
    """A quiz or assignment lesson completes when it is submitted, never by hand."""


@transaction.atomic
def complete_lesson(*, student, lesson: Lesson) -> None:
    """Mark a lesson complete by hand; the last one completes the course. Idempotent. Only
    subscribed students track progress (PermissionDenied otherwise); a quiz or assignment lesson
    completes when submitted (CompletesOnSubmission). Events: `course_completed`, to the student
    and the instructor, with the last lesson."""
    if not lesson.completes_by_hand:
        raise CompletesOnSubmission("This lesson completes when you submit it.")
    course = lesson.module.course
    if teaches(student, course):
        raise PermissionDenied("Only subscribed students track their progress.")
    _lock_subscription(student=student, course=course)
    if not lesson.is_released():
        raise ValidationError("This lesson is not available yet.")
    _complete(student_id=student.pk, lesson=lesson, course=course)


@transaction.atomic
def close_expired_attempts(*, student, quiz: Quiz) -> int:
    """Close the student's open attempts whose time ran out, graded 0: they count as used.
    Committed on its own, so a refused new attempt does not undo it. Events: `grade_posted`, to
    the student, for each attempt closed."""
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
    attempt whose time ran out is closed first. Events: those of close_expired_attempts."""
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
        raise ValidationError(f"This quiz closed on {date_format(timezone.localtime(quiz.due_at), 'j M Y, H:i T')}.")
    if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
        raise ValidationError(f"You have used all {quiz.max_attempts} attempt(s) of this quiz.")
    max_score = quiz.questions.aggregate(total=Sum("points"))["total"] or 0
    record_activity(student_id=student.pk, course_id=quiz.lesson.module.course_id, at=now)
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
    (plus a short grace) are kept but not counted. Submitting twice grades once. Events:
    `grade_posted`, to the student; `course_completed` when it was the last lesson (to the
    student and the instructor)."""
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
    record_activity(student_id=attempt.student_id, course_id=course.pk)
    _complete(student_id=attempt.student_id, lesson=lesson, course=course)
    return attempt


@attributed("student")
@transaction.atomic
def submit_assignment(*, student, assignment: Assignment, text: str = "", file=None) -> Submission:
    """Submit, or resubmit until the due date. A first submission after the due date is accepted
    and flagged late; a graded submission is final. Events: `assignment_submitted`, to the
    instructor; `course_completed` when it was the last lesson (to the student and the
    instructor)."""
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
    record_activity(student_id=student.pk, course_id=course.pk, at=now)
    _complete(student_id=student.pk, lesson=lesson, course=course)
    return submission


def _place_last(obj) -> None:
    """A module, lesson or question saved without a position goes after its last sibling."""
    parent = {Module: "course", Lesson: "module", Question: "quiz"}.get(type(obj))
    if parent is None or obj.position is not None:
        return
    siblings = type(obj).objects.filter(**{f"{parent}_id": getattr(obj, f"{parent}_id")}).exclude(pk=obj.pk)
    last = siblings.aggregate(last=Max("position"))["last"]
    obj.position = 0 if last is None else last + 1


def _check_teacher(*, obj, by) -> None:
    if by is not None and not teaches(by, course_of(obj)):
        raise PermissionDenied("Only the course's instructor changes its content.")


def _check_lesson_of(obj) -> None:
    """Published content stays usable (services/publishing.py): a lesson is published only when
    complete, and a change to a published lesson's quiz, questions or assignment that would make it
    unusable is refused. Read again from the database, inside the writer's transaction."""
    lesson = publishing.lesson_of(obj)
    if lesson is not None:
        publishing.check_publishable(Lesson.objects.get(pk=lesson.pk))


@attributed("by")
def save_content(*, obj, by) -> None:
    """The instructor's authoring, one door for every piece of a course's content: modules,
    lessons, quiz settings, questions, choices and assignment settings, from the admin's pages and
    inlines, the workspace, commands and the shell. `by` must teach the course (None: the
    operator). A new module, lesson or question without a position goes last. Publishing a lesson
    students cannot use, or making a published one unusable, raises ValidationError with the
    reasons (publishing.publish_problems) and saves nothing. The model keeps its own invariants (a
    quiz or assignment lesson has its settings row: Lesson.save). Events: `new_lesson` when a
    lesson is first saved released; one released later is announced by `manage.py release_due`; a
    quiet `content_changed` or `content_removed` when what students see of a lesson or module changed
    or was withdrawn (open pages follow: notifications/live.py)."""
    _check_teacher(obj=obj, by=by)
    with transaction.atomic():
        _place_last(obj)
        obj.full_clean()
        obj.save()
        _check_lesson_of(obj)


@attributed("by")
def save_question(*, question: Question, choices: list[tuple[str, bool]], by) -> Question:
    """A question and its choices together (text, correct), in their order, so a published quiz is
    never seen half-edited. Choices are kept by position (an existing choice keeps its id, so past
    answers still point at it), extra ones removed; a question of a kind without choices keeps none.
    A draft's question may be incomplete but not contradictory (Question.check_marks); a published
    quiz's must be answerable (save_content's rule). Events: none."""
    _check_teacher(obj=question, by=by)
    wanted = choices if question.has_choices else []
    question.check_marks([correct for _, correct in wanted])
    with transaction.atomic():
        _place_last(question)
        question.full_clean()
        question.save()
        existing = list(question.choices.order_by("position", "id"))
        for position, (text, correct) in enumerate(wanted):
            choice = existing[position] if position < len(existing) else Choice(question=question)
            if choice.pk is None or (choice.text, choice.is_correct, choice.position) != (text, correct, position):
                choice.text, choice.is_correct, choice.position = text, correct, position
                choice.full_clean()
                choice.save()
        Choice.objects.filter(pk__in=[choice.pk for choice in existing[len(wanted) :]]).delete()
        _check_lesson_of(question)
    return question


@attributed("by")
def delete_content(*, obj, by) -> None:
    """Delete a module, lesson, question or choice of a course `by` teaches. Removing what a
    published lesson needs (its last question, a choice its question cannot do without) is
    refused with ValidationError: unpublish the lesson first. Events: those of the deletions."""
    _check_teacher(obj=obj, by=by)
    pk, lesson = obj.pk, publishing.lesson_of(obj)
    try:
        with transaction.atomic():
            obj.delete()
            if lesson is not None and not isinstance(obj, Lesson):
                _check_lesson_of(lesson)
    except ValidationError:
        obj.pk = pk  # rolled back: the row is still there
        raise


@attributed("by")
def grade_submission(*, submission: Submission, points: int | None, feedback: str, by) -> Submission:
    """Grade or regrade a submission of a course `by` teaches. Points stamp who graded and when;
    without points only the feedback is kept. Events: `grade_posted`, to the student, when the
    points or the feedback change."""
    if not teaches(by, submission.assignment.lesson.module.course):
        raise PermissionDenied("Only the course's instructor grades its submissions.")
    changed = (points, feedback) != (submission.saved_value("points"), submission.saved_value("feedback"))
    if changed and points is not None:
        submission.record_grade(points=points, feedback=feedback, grader=by)
    else:
        submission.points, submission.feedback = points, feedback
        submission.save(update_fields=["points", "feedback"])
    return submission


def _renumber(lessons: list[Lesson], module) -> None:
    """Give `lessons` the positions 0, 10, 20... in their module, saving only those that moved."""
    for index, lesson in enumerate(lessons):
        position = index * 10
        if lesson.position != position or lesson.module_id != module.pk:
            lesson.position, lesson.module = position, module
            lesson.save(update_fields=["position", "module"])


@attributed("by")
@transaction.atomic
def move_lesson(*, lesson: Lesson, index: int, by, module: Module | None = None) -> Lesson:
    """Put a lesson at `index` (0 = first; clamped to the ends) of `module`, by default its own; a
    module of another course is refused. The lessons of the modules concerned are renumbered in
    steps of 10. `by` must teach the course (None: the operator). Events: none (the order of what
    students see changes, nothing is new)."""
    course = lesson.module.course
    if by is not None and not teaches(by, course):
        raise PermissionDenied("Only the course's instructor changes its content.")
    target = module or lesson.module
    if target.course_id != course.pk:
        raise ValidationError("A lesson moves only between modules of its own course.")
    source = lesson.module
    siblings = [item for item in Lesson.objects.filter(module=target).select_for_update() if item.pk != lesson.pk]
    siblings.insert(max(0, min(index, len(siblings))), lesson)
    _renumber(siblings, target)
    if source.pk != target.pk:
        _renumber(list(Lesson.objects.filter(module=source)), source)
    return lesson


@attributed("by")
@transaction.atomic
def reorder_content(*, course: Course, modules: list[int], by) -> None:
    """Put the course's modules in the order of the ids in `modules` (ids of other courses are
    refused; modules left out keep their order after the ones named). Events: none."""
    if by is not None and not teaches(by, course):
        raise PermissionDenied("Only the course's instructor changes its content.")
    existing = {module.pk: module for module in Module.objects.filter(course=course).select_for_update()}
    if not set(modules) <= set(existing):
        raise ValidationError("Only modules of this course can be ordered.")
    ordered = [existing[pk] for pk in modules] + [m for pk, m in existing.items() if pk not in set(modules)]
    for index, module in enumerate(ordered):
        if module.position != index * 10:
            module.position = index * 10
            module.save(update_fields=["position"])


def _regraded(attempt: Attempt, questions: list[Question]) -> tuple[int, int]:
    """Grade the attempt's kept answers again against the questions as they are now; a question
    added since counts as unanswered. Returns the new score and maximum; the answers are updated."""
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    score = 0
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None:
            continue
        correct = not attempt.expired and question.is_correct(answer.response)
        points = question.points if correct else 0
        if (answer.is_correct, answer.points) != (correct, points):
            answer.is_correct, answer.points = correct, points
            answer.save(update_fields=["is_correct", "points"])
        score += points
    return score, sum(question.points for question in questions)


@attributed("by")
@transaction.atomic
def regrade_quiz(*, quiz: Quiz, by) -> list[Attempt]:
    """Grade every submitted attempt of a quiz again, after a question was fixed: each answer
    against the question as it is now (a question added since counts as unanswered, a deleted
    one no longer counts). An attempt whose time ran out stays at 0; a score set by hand
    (override_attempt_score) is kept, only its maximum follows the quiz. Returns the attempts whose
    score or maximum changed. Events: `grade_posted`, to each student whose attempt's score
    changed, once per changed attempt (notifications/signals.py)."""
    if not teaches(by, quiz.lesson.module.course):
        raise PermissionDenied("Only the course's instructor regrades its quizzes.")
    questions = list(quiz.questions.prefetch_related("choices"))
    attempts = Attempt.objects.select_for_update().filter(quiz=quiz, submitted_at__isnull=False)
    changed = []
    for attempt in attempts.prefetch_related("answers"):
        score, max_score = _regraded(attempt, questions)
        if attempt.is_overridden or attempt.expired:
            score = min(attempt.score or 0, max_score)
        if (score, max_score) != (attempt.score, attempt.max_score):
            attempt.score, attempt.max_score = score, max_score
            attempt.save(update_fields=["score", "max_score"])
            changed.append(attempt)
    return changed


@attributed("by")
@transaction.atomic
def override_attempt_score(*, attempt: Attempt, score: int, reason: str, by) -> Attempt:
    """Set a submitted attempt's score by hand, with the reason recorded (on the attempt and in the
    audit log, with who and when). `by` must teach the course. The score is between 0 and the
    attempt's maximum; a reason is required. Events: `grade_posted`, to the student, when the
    score changed."""
    if not teaches(by, attempt.quiz.lesson.module.course):
        raise PermissionDenied("Only the course's instructor changes its scores.")
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.is_open:
        raise ValidationError("The attempt is not submitted yet.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the score is changed: the student will see it."})
    if score is None or not 0 <= score <= attempt.max_score:
        raise ValidationError({"score": f"A score from 0 to {attempt.max_score}."})
    attempt.score = score
    attempt.override_reason = reason
    attempt.overridden_at = timezone.now()
    attempt.overridden_by = by
    attempt.save(update_fields=["score", "override_reason", "overridden_at", "overridden_by"])
    return attempt
