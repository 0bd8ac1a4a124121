"""A course's gradebook: one row per subscribed student with progress, the best score of each quiz
and the grade of each assignment. The admin's CSV export and `manage.py export_grades` share it."""

from django.db.models import Sum

from . import csv_writer
from .models import Attempt, Course, Lesson, LessonProgress, Question, Submission


def gradebook_filename(course: Course) -> str:
    return f"gradebook-{course.code}.csv"


def gradebook(course: Course) -> tuple[list[str], list[list]]:
    """(header, rows) in six queries however many students and items."""
    lessons = list(Lesson.objects.of_course(course).in_order().select_related("quiz", "assignment"))
    released = [lesson for lesson in lessons if lesson.is_released()]
    quizzes = [lesson for lesson in lessons if lesson.kind == Lesson.Kind.QUIZ]
    assignments = [lesson for lesson in lessons if lesson.kind == Lesson.Kind.ASSIGNMENT]
    students = [s.student for s in course.subscriptions.select_related("student").order_by("student__last_name")]
    best: dict[tuple[int, int], Attempt] = {}
    for attempt in Attempt.objects.filter(quiz__lesson__module__course=course, submitted_at__isnull=False):
        key = (attempt.student_id, attempt.quiz_id)
        if key not in best or attempt.score > best[key].score:
            best[key] = attempt
    points = {
        (s.student_id, s.assignment_id): s for s in Submission.objects.filter(assignment__lesson__module__course=course)
    }
    done: dict[int, int] = {}
    released_ids = {lesson.pk for lesson in released}
    for student_id, lesson_id in LessonProgress.objects.filter(
        lesson__module__course=course, completed_at__isnull=False
    ).values_list("student_id", "lesson_id"):
        if lesson_id in released_ids:
            done[student_id] = done.get(student_id, 0) + 1

    header = ["username", "name", f"lessons completed (of {len(released)})"]
    maxima = dict(
        Question.objects.filter(quiz__lesson__module__course=course)
        .values_list("quiz_id")
        .annotate(total=Sum("points"))
        .values_list("quiz_id", "total")
    )
    header += [f"quiz: {lesson.title} (/{maxima.get(lesson.quiz.pk, 0)})" for lesson in quizzes]
    header += [f"assignment: {lesson.title} (/{lesson.assignment.max_points})" for lesson in assignments]
    header += ["late submissions"]
    rows = []
    for student in students:
        row = [student.username, student.display_name(), done.get(student.pk, 0)]
        for lesson in quizzes:
            attempt = best.get((student.pk, lesson.quiz.pk))
            row.append("" if attempt is None else attempt.score)
        late = 0
        for lesson in assignments:
            submission = points.get((student.pk, lesson.assignment.pk))
            row.append("" if submission is None or submission.points is None else submission.points)
            late += bool(submission and submission.is_late)
        row.append(late)
        rows.append(row)
    return header, rows


def write_gradebook_csv(course: Course, stream) -> int:
    """Write the gradebook to a text stream; returns the number of students."""
    header, rows = gradebook(course)
    writer = csv_writer.writer(stream)
    writer.writerow(["course", *header])
    writer.writerows([course.code, *row] for row in rows)
    return len(rows)
