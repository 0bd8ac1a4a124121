"""Grades: what each graded item (a released quiz or assignment lesson) gives each student, and the
one rule that turns those into a course total. The student's grades pages, the across-courses page,
the live grade parts (notifications/live_grades.py) and the instructor's CSV export (the admin's
and `manage.py export_grades`) all read it here.

The course total (say it the same way on the page and in docs/architecture.md):
- an item's percentage is its points over its maximum: an assignment's grade, a quiz's best
  submitted attempt (an attempt whose time ran out scores 0);
- each quiz and assignment has a weight (default 1; 0: not counted); a total is the weighted mean
  of the percentages it counts: sum(weight x percentage) / sum(weight);
- "so far" counts graded work only;
- "with missed work" also counts, as 0 %, every item whose due date has passed with nothing
  handed in (a closed quiz never attempted, an assignment past due without a submission);
- neither counts work handed in and not graded yet, nor an item not yet due (or without a due
  date) that the student has not handed in, nor a quiz without questions (it has no points).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Sum
from django.utils import timezone

from lms_site.databases import reports_db

from . import csv_writer
from .models import Attempt, Course, Lesson, LessonProgress, Question, Submission, Subscription


class Status:
    GRADED = "graded"
    AWAITING = "awaiting"  # handed in, not graded yet
    MISSED = "missed"  # the due date passed with nothing handed in: 0 in "with missed work"
    OPEN = "open"  # not handed in, not due yet (or no due date)


STATUS_LABELS = {
    Status.GRADED: "Graded",
    Status.AWAITING: "Waiting for grading",
    Status.MISSED: "Missed",
    Status.OPEN: "Not handed in yet",
}


def _percent(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Row:
    """One student's standing in one graded item."""

    lesson: Lesson
    weight: Decimal
    max_points: int  # the item's maximum now (a quiz: its questions' points)
    status: str = Status.OPEN
    score: int | None = None  # points, when graded
    out_of: int | None = None  # what the score is out of (a quiz attempt keeps its own maximum)
    late: bool = False
    attempt: Attempt | None = None  # a quiz's best attempt
    submission: Submission | None = None  # an assignment's submission

    @property
    def is_quiz(self) -> bool:
        return self.lesson.kind == Lesson.Kind.QUIZ

    @property
    def due_at(self):
        return self.lesson.quiz.due_at if self.is_quiz else self.lesson.assignment.due_at

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def fraction(self) -> Fraction | None:
        """What this item counts as in a total (0 to 1), or None when it counts in neither."""
        if self.status == Status.GRADED and self.out_of:
            return Fraction(self.score, self.out_of)
        if self.status == Status.MISSED and self.max_points:
            return Fraction(0)
        return None

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.fraction) if self.status == Status.GRADED and self.fraction is not None else None


@dataclass(frozen=True)
class Total:
    weight: Decimal  # the weights counted
    points: Decimal  # sum(weight x fraction): the weighted points out of `weight`
    percent: Decimal | None  # None when nothing is counted yet


def total(rows: list[Row], *, with_missed: bool) -> Total:
    """THE rule (see the module's docstring): the weighted mean of the counted items' percentages."""
    counted = [
        (Fraction(row.weight), row.fraction)
        for row in rows
        if row.fraction is not None and row.weight > 0 and (with_missed or row.status == Status.GRADED)
    ]
    weight = sum((w for w, _ in counted), Fraction(0))
    points = sum((w * f for w, f in counted), Fraction(0))
    as_decimal = Decimal(points.numerator) / Decimal(points.denominator)
    return Total(
        weight=Decimal(weight.numerator) / Decimal(weight.denominator),
        points=as_decimal.quantize(Decimal("0.01"), ROUND_HALF_UP),
        percent=_percent(points / weight) if weight else None,
    )


@dataclass
class CourseGrades:
    """A student's grades in one course: a row per graded item, in course order, and the totals."""

    course: Course
    rows: list[Row] = field(default_factory=list)

    @property
    def so_far(self) -> Total:
        return total(self.rows, with_missed=False)

    @property
    def with_missed(self) -> Total:
        return total(self.rows, with_missed=True)

    @property
    def graded_count(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.GRADED)

    def row_for(self, lesson_id: int) -> Row | None:
        return next((row for row in self.rows if row.lesson.pk == lesson_id), None)


def graded_items(courses, using: str = "default") -> list[Lesson]:
    """The released quiz and assignment lessons of these courses, in course order, with their
    settings, module and course, each with `max_points` (a quiz: its questions' points): two
    queries, on the database `using` (the gradebook export reads lms_site.databases.reports_db)."""
    lessons = list(
        Lesson.objects.using(using)
        .filter(module__course__in=courses, kind__in=[Lesson.Kind.QUIZ, Lesson.Kind.ASSIGNMENT])
        .released()
        .in_order()
        .select_related("module__course", "quiz", "assignment")
    )
    quiz_ids = [lesson.quiz.pk for lesson in lessons if lesson.kind == Lesson.Kind.QUIZ]
    maxima = dict(
        Question.objects.using(using)
        .filter(quiz_id__in=quiz_ids)
        .values_list("quiz_id")
        .annotate(total=Sum("points"))
        .values_list("quiz_id", "total")
    )
    for lesson in lessons:
        is_quiz = lesson.kind == Lesson.Kind.QUIZ
        lesson.max_points = maxima.get(lesson.quiz.pk, 0) if is_quiz else lesson.assignment.max_points
    return lessons


def grade_sheets(
    courses, student_ids, now=None, lessons=None, using: str = "default"
) -> dict[tuple[int, int], CourseGrades]:
    """{(course id, student id): CourseGrades} for every pair, in four queries however many
    courses, students and items: items, quiz maxima (none when `lessons` from graded_items is
    given), submitted attempts, submissions; on the database `using`."""
    now = now or timezone.now()
    courses = list(courses)
    student_ids = list(student_ids)
    lessons = graded_items(courses, using) if lessons is None else lessons
    quiz_ids = [lesson.quiz.pk for lesson in lessons if lesson.kind == Lesson.Kind.QUIZ]
    assignment_ids = [lesson.assignment.pk for lesson in lessons if lesson.kind == Lesson.Kind.ASSIGNMENT]
    best: dict[tuple[int, int], Attempt] = {}
    attempts = Attempt.objects.using(using).filter(
        quiz_id__in=quiz_ids, student_id__in=student_ids, submitted_at__isnull=False
    )
    for attempt in attempts.order_by("number"):
        key = (attempt.student_id, attempt.quiz_id)
        if key not in best or _better(attempt, best[key]):
            best[key] = attempt
    submissions = {
        (s.student_id, s.assignment_id): s
        for s in Submission.objects.using(using)
        .filter(assignment_id__in=assignment_ids, student_id__in=student_ids)
        .defer("text")
    }
    sheets = {(course.pk, student_id): CourseGrades(course=course) for course in courses for student_id in student_ids}
    for lesson in lessons:
        for student_id in student_ids:
            if lesson.kind == Lesson.Kind.QUIZ:
                quiz = lesson.quiz
                row = Row(lesson=lesson, weight=quiz.weight, max_points=lesson.max_points)
                attempt = best.get((student_id, quiz.pk))
                if attempt is not None:
                    row.status, row.attempt = Status.GRADED, attempt
                    row.score, row.out_of = attempt.score, attempt.max_score
                elif quiz.is_closed(now):
                    row.status = Status.MISSED
            else:
                assignment = lesson.assignment
                row = Row(lesson=lesson, weight=assignment.weight, max_points=assignment.max_points)
                submission = submissions.get((student_id, assignment.pk))
                if submission is not None:
                    row.submission, row.late = submission, submission.is_late
                    if submission.is_graded:
                        row.status, row.score, row.out_of = Status.GRADED, submission.points, assignment.max_points
                    else:
                        row.status = Status.AWAITING
                elif assignment.is_past_due(now):
                    row.status = Status.MISSED
            sheets[(lesson.module.course_id, student_id)].rows.append(row)
    return sheets


def _better(attempt: Attempt, than: Attempt) -> bool:
    """The best attempt has the highest percentage (an attempt keeps the maximum it was taken with),
    then the highest score; the earlier one wins a tie."""

    def key(a: Attempt):
        return (Fraction(a.score, a.max_score) if a.max_score else Fraction(0), a.score)

    return key(attempt) > key(than)


def course_grades(user, course: Course, now=None) -> CourseGrades:
    """One student's grades in one course (the course fetched through get_member_course)."""
    return grade_sheets([course], [user.pk], now)[(course.pk, user.pk)]


def my_courses_grades(user, now=None) -> list[CourseGrades]:
    """A student's grades in each published course they are subscribed to, by course code: five
    queries however many courses and items."""
    courses = [
        s.course
        for s in Subscription.objects.filter(student=user, course__is_published=True)
        .select_related("course")
        .order_by("course__code")
    ]
    sheets = grade_sheets(courses, [user.pk], now)
    return [sheets[(course.pk, user.pk)] for course in courses]


# The instructor's CSV export.


def gradebook_filename(course: Course) -> str:
    return f"gradebook-{course.code}.csv"


def _cell(value) -> str | Decimal:
    return "" if value is None else value


def gradebook(course: Course, now=None) -> tuple[list[str], list[list]]:
    """(header, rows): one row per subscribed student with progress, the best score of each quiz,
    the grade of each assignment, late submissions and the two totals; seven queries however many
    students and items. An export: it reads the reports' database (a replica when one is fit)."""
    db = reports_db()
    subscriptions = Subscription.objects.using(db).filter(course=course).select_related("student")
    students = [s.student for s in subscriptions.order_by("student__last_name")]
    lessons = graded_items([course], db)
    sheets = grade_sheets([course], [student.pk for student in students], now, lessons, db)
    released_ids = set(Lesson.objects.using(db).of_course(course).released().values_list("pk", flat=True))
    done: dict[int, int] = {}
    for student_id, lesson_id in (
        LessonProgress.objects.using(db)
        .filter(lesson__module__course=course, completed_at__isnull=False)
        .values_list("student_id", "lesson_id")
    ):
        if lesson_id in released_ids:
            done[student_id] = done.get(student_id, 0) + 1
    quizzes = [lesson for lesson in lessons if lesson.kind == Lesson.Kind.QUIZ]
    assignments = [lesson for lesson in lessons if lesson.kind == Lesson.Kind.ASSIGNMENT]
    header = ["username", "name", f"lessons completed (of {len(released_ids)})"]
    header += [f"quiz: {lesson.title} (/{lesson.max_points})" for lesson in quizzes]
    header += [f"assignment: {lesson.title} (/{lesson.max_points})" for lesson in assignments]
    header += ["late submissions", "total so far (%)", "total with missed work as 0 (%)"]
    rows = []
    for student in students:
        sheet = sheets[(course.pk, student.pk)]
        by_kind = {True: [], False: []}
        for row in sheet.rows:
            by_kind[row.is_quiz].append(row)
        row = [student.username, student.display_name(), done.get(student.pk, 0)]
        row += [_cell(item.score) for item in by_kind[True]]
        row += [_cell(item.score) for item in by_kind[False]]
        row += [sum(item.late for item in by_kind[False])]
        row += [_cell(sheet.so_far.percent), _cell(sheet.with_missed.percent)]
        rows.append(row)
    return header, rows


def write_gradebook_csv(course: Course, stream) -> int:
    """Write the gradebook to a text stream; returns the number of students."""
    header, rows = gradebook(course)
    writer = csv_writer.writer(stream)
    writer.writerow(["course", *header])
    writer.writerows([course.code, *row] for row in rows)
    return len(rows)
