"""Reads of the instructor's workspace and grading queue: a course's content as one tree, what needs
attention in each course, and the submissions waiting for a grade. Every function takes a course
already fetched through `get_taught_course` (404 for anyone who does not teach it), or, for lists,
the courses a user teaches (`teaching`)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from ..models import Course, Lesson, Module, Post, Quiz, Submission, Thread
from ..permissions import teaches


def get_taught_course(user, pk) -> Course:
    """The course for its teacher (its instructor or a site admin); 404 for everyone else, so a
    course one may not change is not confirmed to exist."""
    course = Course.objects.select_related("instructor").filter(pk=pk).first()
    if course is None or not teaches(user, course):
        raise Http404("No such course.")
    return course


def teaching(user) -> QuerySet[Course]:
    """The courses on the admin's home of this user: those they are the instructor of (a site admin
    reaches the others through the course list)."""
    if not (user.is_authenticated and user.is_active):
        return Course.objects.none()
    return Course.objects.filter(instructor=user).order_by("code")


def _count(queryset, field: str = "course") -> Subquery:
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0))


def with_attention(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Each course with what needs attention: `ungraded` submissions, `unanswered` threads and
    `drafts` (unpublished lessons). One query however many courses."""
    unanswered = Thread.objects.filter(~Q(pk__in=Post.objects.filter(parent__isnull=False).values("thread_id")))
    return courses.annotate(
        ungraded=_count(Submission.objects.filter(points__isnull=True), "assignment__lesson__module__course"),
        unanswered=_count(unanswered, "course"),
        drafts=_count(Lesson.objects.filter(is_published=False), "module__course"),
    )


def _tree_lessons() -> QuerySet[Lesson]:
    return (
        Lesson.objects.select_related("quiz", "assignment")
        .prefetch_related("quiz__questions__choices")  # what publish_problems reads, for every draft
        .annotate(question_total=Count("quiz__questions"))
        .order_by("position", "id")
    )


def course_tree(course: Course) -> list[Module]:
    """The course's modules in order, each with `lessons` in order (and their quiz or assignment
    settings, number of questions, and questions with choices for the publish rules). Four queries."""
    return list(Module.objects.filter(course=course).prefetch_related(Prefetch("lessons", queryset=_tree_lessons())))


def tree_module(pk: int) -> Module:
    """One module of the tree, as course_tree gives it (the caller checked its course)."""
    return Module.objects.prefetch_related(Prefetch("lessons", queryset=_tree_lessons())).get(pk=pk)


def tree_lesson(pk: int) -> Lesson:
    """One lesson of the tree, as course_tree gives it (the caller checked its course)."""
    return _tree_lessons().get(pk=pk)


def course_threads_for_moderation(course: Course, limit: int = 50) -> list[Thread]:
    """The course's threads, pinned then most recently active, with their number of posts."""
    return list(
        Thread.objects.filter(course=course)
        .select_related("author")
        .annotate(post_total=Count("posts"))
        .order_by("-is_pinned", "-last_activity_at", "-id")[:limit]
    )


def grading_queue(course: Course) -> QuerySet[Submission]:
    """Submissions of the course waiting for a grade, oldest first."""
    return (
        Submission.objects.filter(assignment__lesson__module__course=course, points__isnull=True)
        .select_related("student", "assignment__lesson")
        .order_by("submitted_at", "id")
    )


def next_to_grade(course: Course, after: Submission) -> Submission | None:
    """The oldest submission still waiting after this one is graded (never this one)."""
    return grading_queue(course).exclude(pk=after.pk).first()


def course_quizzes(course: Course) -> list[Quiz]:
    """The course's quizzes with their number of submitted attempts, in course order."""
    return list(
        Quiz.objects.filter(lesson__module__course=course)
        .select_related("lesson__module")
        .annotate(
            submitted=Count("attempts", filter=Q(attempts__submitted_at__isnull=False), distinct=True),
            question_total=Count("questions", distinct=True),
        )
        .order_by("lesson__module__position", "lesson__module_id", "lesson__position", "lesson_id")
    )
