"""Reads of what is due: assignments' due times, quizzes' closing times and lessons about to be
released, for the courses a user is a member of. One query builds every list (the Upcoming panel,
the calendar's month and agenda, the iCalendar feed and the live parts of open pages), so they
always agree.

What a student may see decides what is listed, for everyone (an instructor sees what their students
have due, not their drafts): the due times of released quizzes and assignments
(`Lesson.objects.released`), and the release time of lessons published for a later release
(`Lesson.objects.scheduled`), announced in advance on purpose, as "a new lesson" of its course:
their title and content stay hidden until then (the lesson is a 404, like a draft, and is not in
the outline)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from ..models import Attempt, Course, Lesson, Submission
from ..permissions import member_courses

#: How long an unfinished past item stays in the Upcoming panel, marked overdue.
OVERDUE_DAYS = 14
UPCOMING_LIMIT = 8

LABELS = {"assignment": "Assignment due", "quiz": "Quiz closes", "release": "Release"}


@dataclass(frozen=True)
class DueItem:
    """One thing due. A lesson is one item at a time: its release while it is scheduled, then its
    due or closing time (if it is a quiz or an assignment that has one)."""

    kind: str  # "assignment", "quiz" or "release"
    at: datetime
    lesson: Lesson
    course: Course
    done: bool = False  # submitted (an assignment) or a submitted attempt (a quiz): the viewer's own
    overdue: bool = False  # past and not done (a quiz: closed, missed)

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def title(self) -> str:
        """What the item is called: the lesson's title, which a lesson to be released keeps secret."""
        return "A new lesson" if self.kind == "release" else self.lesson.title

    @property
    def key(self) -> str:
        """The live-parts key of the lesson's item, the same whatever its kind: a release becomes a
        due date in place of it."""
        return f"due-lesson-{self.lesson.pk}"

    @property
    def uid(self) -> str:
        """Stable across feed refreshes, so calendar apps update an event instead of adding one."""
        return f"lumen-{self.kind}-{self.lesson.pk}@lumen-lms"

    @property
    def sort(self) -> int:
        return int(self.at.timestamp())

    @property
    def url(self) -> str:
        if self.kind == "release":  # not open yet: its course's outline
            return reverse("courses:outline", args=[self.course.code])
        return reverse("courses:lesson", args=[self.course.code, self.lesson.pk])


def _due_lessons(now) -> QuerySet[Lesson]:
    """Every lesson that is an item, with `due_at` (when) and `scheduled`, in one query."""
    released = Lesson.objects.released(now)
    lessons = (
        released.filter(kind=Lesson.Kind.ASSIGNMENT, assignment__due_at__isnull=False)
        | released.filter(kind=Lesson.Kind.QUIZ, quiz__due_at__isnull=False)
        | Lesson.objects.scheduled(now)
    )
    # Of these, the scheduled ones are those still to be released (released ones' time has come).
    scheduled = Q(release_at__gt=now)
    return (
        lessons.annotate(
            scheduled=Case(When(scheduled, then=True), default=False),
            due_at=Case(
                When(scheduled, then=F("release_at")),
                When(kind=Lesson.Kind.ASSIGNMENT, then=F("assignment__due_at")),
                default=F("quiz__due_at"),
            ),
        )
        .select_related("module__course")
        .only(
            "id",
            "title",
            "kind",
            "is_published",
            "release_at",
            "module__id",
            "module__course__id",
            "module__course__code",
            "module__course__title",
        )
    )


def _items(lessons, now) -> list[DueItem]:
    items = []
    for lesson in lessons:
        kind = "release" if lesson.scheduled else lesson.kind
        done = bool(getattr(lesson, "submitted", False) or getattr(lesson, "attempted", False))
        overdue = kind != "release" and not done and lesson.due_at < now
        items.append(DueItem(kind, lesson.due_at, lesson, lesson.module.course, done=done, overdue=overdue))
    return items


def _for_user(user, now, course: Course | None) -> QuerySet[Lesson]:
    lessons = _due_lessons(now).filter(module__course__in=member_courses(user))
    if course is not None:
        lessons = lessons.filter(module__course=course)
    return lessons.annotate(
        submitted=Exists(Submission.objects.filter(assignment_id=OuterRef("assignment__id"), student=user)),
        attempted=Exists(
            Attempt.objects.filter(quiz_id=OuterRef("quiz__id"), student=user, submitted_at__isnull=False)
        ),
    )


def upcoming(user, *, course: Course | None = None, now=None, limit: int = UPCOMING_LIMIT) -> list[DueItem]:
    """The Upcoming panel: what is due next in my courses (or in one of them), in order, after what
    I have left undone in the last OVERDUE_DAYS (overdue). What I finished and is past drops off.
    One query, however many courses and items."""
    now = now or timezone.now()
    finished = Q(submitted=True) | Q(attempted=True)
    lessons = (
        _for_user(user, now, course)
        .filter(due_at__gte=now - timedelta(days=OVERDUE_DAYS))
        .exclude(Q(due_at__lt=now) & finished)
        .order_by("due_at", "pk")[:limit]
    )
    return _items(lessons, now)


def due_between(user, *, start, end=None, now=None) -> list[DueItem]:
    """Everything due in my courses from `start` until before `end` (open-ended without one), in
    order, finished or not: the calendar and the feed. One query."""
    now = now or timezone.now()
    lessons = _for_user(user, now, None).filter(due_at__gte=start)
    if end is not None:
        lessons = lessons.filter(due_at__lt=end)
    return _items(lessons.order_by("due_at", "pk"), now)


def lesson_due_item(lesson_id: int, *, now=None) -> DueItem | None:
    """A lesson's item as every member of its course sees it (no one's own state), or None if it is
    not one (a draft, a text lesson, no due time): for the live parts of open pages."""
    return lesson_due_items([lesson_id], now=now).get(lesson_id)


def lesson_due_items(lesson_ids, *, now=None) -> dict[int, DueItem]:
    """lesson_due_item for many lessons in one query (a page of events), by lesson id."""
    now = now or timezone.now()
    return {item.lesson.pk: item for item in _items(_due_lessons(now).filter(pk__in=list(lesson_ids)), now)}
