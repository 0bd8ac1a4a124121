"""Reads of learning: lessons, outlines, progress, attempts, submissions, grades and the reports. Every
function that takes a course expects one fetched through get_member_course, so membership is checked
once per request; these add what a student may not see (drafts, unreleased lessons, other students'
work) and the 404s."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from lms_site.databases import reports_db

from ..models import (
    Attempt,
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Submission,
    Subscription,
)
from ..permissions import is_member, is_site_admin, teaches


def visible_lessons(user, course: Course) -> QuerySet:
    lessons = Lesson.objects.of_course(course)
    return lessons if teaches(user, course) else lessons.released()


@dataclass
class Outline:
    """A course's modules and the lessons this user may see, with their progress."""

    modules: list
    lessons: list
    completed_ids: set[int]
    continue_lesson: object | None
    completed_at: object | None = None

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.completed_ids)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)

    def neighbours(self, lesson) -> tuple:
        ids = [item.pk for item in self.lessons]
        if lesson.pk not in ids:
            return None, None
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(ids) else None
        return previous, following


def course_outline(user, course: Course) -> Outline:
    """Four queries however many modules and lessons: modules, visible lessons, my progress, my
    completion."""
    modules = list(course.modules.all())
    by_id = {module.pk: module for module in modules}
    for module in modules:
        module.course = course
        module.visible_lessons = []
    lessons = list(visible_lessons(user, course).in_order())
    for lesson in lessons:
        lesson.module = by_id[lesson.module_id]
        lesson.module.visible_lessons.append(lesson)
    progress = list(
        LessonProgress.objects.filter(student=user, lesson__module__course=course).values(
            "lesson_id", "completed_at", "last_viewed_at"
        )
    )
    completed = {row["lesson_id"] for row in progress if row["completed_at"]}
    completed_at = (
        CourseCompletion.objects.filter(student=user, course=course).values_list("completed_at", flat=True).first()
    )
    return Outline(
        modules=modules,
        lessons=lessons,
        completed_ids=completed,
        continue_lesson=_continue_lesson(lessons, completed, progress),
        completed_at=completed_at,
    )


def _continue_lesson(lessons: list, completed: set[int], progress: list[dict]):
    """The lesson last opened if unfinished, else the next unfinished one after it, else the first
    unfinished; None when all are done."""
    unfinished = [lesson for lesson in lessons if lesson.pk not in completed]
    if not unfinished:
        return None
    visible = {lesson.pk: index for index, lesson in enumerate(lessons)}
    viewed = [row for row in progress if row["lesson_id"] in visible]
    if not viewed:
        return unfinished[0]
    last = max(viewed, key=lambda row: row["last_viewed_at"])
    last_index = visible[last["lesson_id"]]
    after = [lesson for lesson in unfinished if visible[lesson.pk] >= last_index]
    return after[0] if after else unfinished[0]


#: The one 404 for a lesson a user may not see: another course's, a draft, an unreleased one and an
#: id never used read alike, so an answer never confirms that a lesson exists.
NO_SUCH_LESSON = "No such lesson."


def get_lesson_for_user(user, course: Course, pk: int):
    """A lesson of the course this user may see, else 404 (a draft or unreleased lesson does not
    exist for students)."""
    lesson = visible_lessons(user, course).select_related("module").filter(pk=pk).first()
    if lesson is None:
        raise Http404(NO_SUCH_LESSON)
    lesson.module.course = course
    return lesson


def get_lesson_by_id_for_user(user, pk: int):
    """A lesson found by its id alone (the progress API), if this user is a member of its course
    and may see it; else the same 404 as get_lesson_for_user, whatever the reason."""
    found = Lesson.objects.select_related("module__course").filter(pk=pk).first()
    if found is None or not is_member(user, found.module.course):
        raise Http404(NO_SUCH_LESSON)
    return get_lesson_for_user(user, found.module.course, pk)


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def learning_progress(user) -> dict[int, dict]:
    """For the dashboard: {course id: {"done", "total", "percent"}} over my subscribed courses, in
    one query however many courses."""
    completed = LessonProgress.objects.filter(lesson=OuterRef("pk"), student=user, completed_at__isnull=False)
    rows = (
        Lesson.objects.released()
        .filter(module__course__subscriptions__student=user)
        .annotate(completed=Exists(completed))
        .values("module__course_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(completed=True)))
        .values_list("module__course_id", "total", "done")
    )
    return {
        course_id: {"total": total, "done": done, "percent": _percent(done, total)} for course_id, total, done in rows
    }


def _released_titles(course: Course) -> QuerySet:
    """The course's released lessons in order, with their module: titles only, never content."""
    return (
        Lesson.objects.of_course(course)
        .released()
        .in_order()
        .select_related("module")
        .only("id", "title", "position", "module_id", "module__id", "module__title", "module__position")
    )


def _by_module(lessons: list) -> list:
    """The modules that have a released lesson, in order, each with `.visible_lessons`."""
    modules: dict[int, object] = {}
    for lesson in lessons:
        if lesson.module_id not in modules:
            modules[lesson.module_id] = lesson.module
            lesson.module.visible_lessons = []
        modules[lesson.module_id].visible_lessons.append(lesson)
    return list(modules.values())


def public_outline(course: Course) -> list:
    """For the course page, to anyone who may see the course: module and lesson titles of its
    released lessons (no drafts, no unreleased lessons, no content), in one query."""
    return _by_module(list(_released_titles(course)))


def public_outline_modules(module_ids) -> dict[int, object]:
    """public_outline's modules of these ids (any course), by id, in one query; a module without
    a released lesson is not among them. For the live parts of the course page (notifications/live.py)."""
    lessons = (
        Lesson.objects.filter(module_id__in=module_ids)
        .released()
        .in_order()
        .select_related("module")
        .only("id", "title", "position", "module_id", "module__id", "module__title", "module__position")
    )
    return {module.pk: module for module in _by_module(list(lessons))}


def course_progress(user, course: Course) -> dict:
    """For the course page: my progress bar, the lesson to continue with and the outline
    (public_outline's modules), in one query."""
    mine = LessonProgress.objects.filter(lesson=OuterRef("pk"), student=user)
    lessons = list(
        _released_titles(course).annotate(
            completed=Exists(mine.filter(completed_at__isnull=False)),
            viewed_at=Subquery(mine.values("last_viewed_at")[:1]),
        )
    )
    completed = {lesson.pk for lesson in lessons if lesson.completed}
    viewed = [{"lesson_id": lesson.pk, "last_viewed_at": lesson.viewed_at} for lesson in lessons if lesson.viewed_at]
    return {
        "total": len(lessons),
        "done": len(completed),
        "percent": _percent(len(completed), len(lessons)),
        "continue_lesson": _continue_lesson(lessons, completed, viewed),
        "modules": _by_module(lessons),
    }


def student_attempts(user, quiz) -> list:
    return list(quiz.attempts.filter(student=user).order_by("number"))


def get_attempt_for_user(user, course: Course, pk: int):
    """An attempt at a quiz of this course: a student's own, or any for the course's instructor.
    Another student's attempt is a 404, whatever the URL."""
    attempts = Attempt.objects.filter(quiz__lesson__module__course=course).select_related(
        "quiz__lesson__module", "student"
    )
    if not teaches(user, course):
        attempts = attempts.filter(student=user)
    attempt = get_object_or_404(attempts, pk=pk)
    attempt.quiz.lesson.module.course = course
    return attempt


def quiz_questions(quiz) -> list:
    return list(quiz.questions.prefetch_related("choices"))


def attempt_feedback(attempt) -> list[tuple]:
    """(question, answer or None) pairs, in two queries more: questions with choices, answers."""
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    return [(question, answers.get(question.pk)) for question in quiz_questions(attempt.quiz)]


def own_submission(user, assignment):
    return assignment.submissions.filter(student=user).first()


def get_submission_for_user(user, course: Course, pk: int):
    """A submission: its student's, or any for the course's instructor; else 404."""
    submissions = Submission.objects.filter(assignment__lesson__module__course=course)
    if not teaches(user, course):
        submissions = submissions.filter(student=user)
    return get_object_or_404(submissions, pk=pk)


def student_progress(viewer, student) -> list[dict]:
    """A student's progress in each course they are subscribed to, as `viewer` may see it: all of
    it for the student and admins, only the viewer's own courses for an instructor. Anyone else,
    and an instructor who teaches none of them, gets a 404: we do not confirm who studies what."""
    if not viewer.is_authenticated:
        raise Http404("No such user.")
    sees_all = viewer.pk == student.pk or is_site_admin(viewer)
    subscriptions = Subscription.objects.filter(student=student).select_related("course").order_by("course__code")
    if not sees_all:
        subscriptions = subscriptions.filter(course__instructor=viewer)
    subscriptions = list(subscriptions)
    if not sees_all and not subscriptions:
        raise Http404("No such user.")
    course_ids = [subscription.course_id for subscription in subscriptions]
    completions = CourseCompletion.objects.filter(student=student, course__in=course_ids)
    completed = dict(completions.values_list("course_id", "completed_at"))
    counts = learning_progress(student)
    return [
        {
            "course": subscription.course,
            **counts.get(subscription.course_id, {"total": 0, "done": 0, "percent": 0}),
            "completed_at": completed.get(subscription.course_id),
        }
        for subscription in subscriptions
    ]


def count_of(rows: QuerySet, grouped_by: str) -> Coalesce:
    """The number of `rows` (filtered on an OuterRef, one group per outer row: `grouped_by`) as a
    value of the outer query: a correlated subquery, where joining would multiply the rows."""
    counted = rows.order_by().values(grouped_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def completion_report(user) -> QuerySet[Course]:
    """Per course: its current subscribers and how many of them completed it. Admins get every
    course, instructors their own, anyone else none."""
    if is_site_admin(user):
        courses = Course.objects.all()
    elif user.is_instructor:
        courses = Course.objects.taught_by(user)
    else:
        courses = Course.objects.none()
    courses = courses.using(reports_db())
    # Counted per course by a subquery each (indexed by course), not by joining every course to its
    # subscriptions and completions at once, which multiplied the rows (1.3 s on the benchmark data).
    still_subscribed = Subscription.objects.filter(course=OuterRef("course"), student=OuterRef("student"))
    completed = CourseCompletion.objects.filter(Exists(still_subscribed), course=OuterRef("pk"))
    return (
        courses.select_related("instructor")
        .annotate(
            subscribers=count_of(Subscription.objects.filter(course=OuterRef("pk")), "course"),
            completed=count_of(completed, "course"),
        )
        .order_by("code")
    )
