"""Live parts of a posted grade (`grade_posted`: a quiz attempt submitted or closed, an assignment
graded or regraded). The event goes to the student's own topic (`user:<student id>`), which no one
else follows, so its parts may show that student's grades; they are rendered from what the database
holds now (courses/gradebook.py), so a replayed older event shows the current grade too.

Parts (each page renders the same partial on load):
- `grade-row-<lesson id>`: the item's row on the course's grades page;
- `grade-totals-<course id>`: the totals on the course's grades page;
- `course-grade-<course id>`: the course's row on the grades page across courses (`/grades/`);
- `assignment-grade-<assignment id>`: the grade and feedback in the assignment's panel, and
  `assignment-form-<assignment id>` removed (a graded submission is final);
- `quiz-attempts-<quiz id>`: the student's attempts and scores in the quiz's panel.
The payload names the attempt (`attempt_id`) or the submission (`submission_id`); an event written
before it did changes the totals only."""

from django.template.loader import render_to_string

from courses.gradebook import grade_sheets
from courses.models import Attempt

from .models import Event
from .rendering import live_parts

PARTIALS = "courses/learning/"


def _student_of(topic: str) -> int | None:
    prefix, _, rest = topic.partition(":")
    return int(rest) if prefix == "user" and rest.isdigit() else None


def _part(key: str, template: str, context: dict) -> dict:
    return {"key": key, "html": render_to_string(PARTIALS + template, context).strip()}


@live_parts(Event.Kind.GRADE_POSTED)
def grade_parts(event: Event) -> list[dict]:
    """Six queries: the course, the student's grades in it (four), the quiz's attempts."""
    student_id = _student_of(event.topic)
    course = event.course
    if student_id is None or course is None:
        return []
    sheet = grade_sheets([course], [student_id])[(course.pk, student_id)]
    parts = [
        _part(f"grade-totals-{course.pk}", "_grade_totals.html", {"grades": sheet}),
        _part(f"course-grade-{course.pk}", "_course_grade_row.html", {"grades": sheet}),
    ]
    row = None
    if submission_id := event.payload.get("submission_id"):
        row = next((r for r in sheet.rows if r.submission and r.submission.pk == submission_id), None)
        if row is not None:
            assignment = row.lesson.assignment
            context = {"assignment": assignment, "submission": row.submission}
            parts.append(_part(f"assignment-grade-{assignment.pk}", "_assignment_grade.html", context))
            if row.submission.is_graded:
                parts.append({"key": f"assignment-form-{assignment.pk}", "html": ""})
    elif attempt_id := event.payload.get("attempt_id"):
        attempts = list(Attempt.objects.filter(student_id=student_id, quiz__attempts__pk=attempt_id).order_by("number"))
        if attempts:
            quiz_id = attempts[0].quiz_id
            row = next((r for r in sheet.rows if r.is_quiz and r.lesson.quiz.pk == quiz_id), None)
        if row is not None:
            context = {"quiz": row.lesson.quiz, "attempts": attempts, "course": course}
            parts.append(_part(f"quiz-attempts-{quiz_id}", "_quiz_attempts.html", context))
    if row is not None:
        parts.append(_part(f"grade-row-{row.lesson.pk}", "_grade_row.html", {"row": row}))
    return parts
