"""Benchmark-sized learning data for `seed_demo`: what months of a term leave behind in the
generated courses (modules and lessons, lesson progress, quiz attempts with their answers,
assignment submissions, course completions, discussion threads), bulk-inserted.

Bulk inserts skip `save()`, so this module does by hand what the services and `Lesson.save` do for
one row: every quiz lesson gets its `Quiz` and questions, every assignment lesson its `Assignment`,
a student who completed every lesson gets a `CourseCompletion`. The shape is a funnel, as real
courses have: most students start, fewer finish (each subscription reaches `1 - r**3` of the
lessons, three quarters on average). Nothing is published: seeded history is not news.
"""

import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from courses.models import (
    Answer,
    Assignment,
    Attempt,
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Module,
    Post,
    Question,
    Quiz,
    Submission,
    Subscription,
    Thread,
)

MODULES_PER_COURSE = 4
QUESTIONS_PER_QUIZ = 2
THREADS_PER_COURSE = 4
TERM = timedelta(days=120)
BATCH = 5000

Progress = Callable[[str, int, int], None]


def _kind(position: int) -> str:
    """One lesson in ten is a quiz, one in ten an assignment, the rest text."""
    return {4: Lesson.Kind.QUIZ, 9: Lesson.Kind.ASSIGNMENT}.get(position % 10, Lesson.Kind.TEXT)


def generated_courses_without_lessons(courses: Iterable[Course]) -> list[Course]:
    generated = [course for course in courses if course.code.startswith("GEN")]
    filled = set(Module.objects.filter(course__in=generated).values_list("course_id", flat=True))
    return [course for course in generated if course.pk not in filled]


@transaction.atomic
def add_lessons(courses: list[Course], per_course: int, progress: Progress) -> None:
    """`per_course` published lessons in MODULES_PER_COURSE modules for each course, with each quiz's
    questions and each assignment's settings (due dates spread over the term, the early ones past)."""
    if not courses or per_course < 1:
        return
    now = timezone.now()
    start = now - TERM
    per_module = -(-per_course // MODULES_PER_COURSE)
    modules = Module.objects.bulk_create(
        [
            Module(course=course, title=f"Week {m + 1}", position=m)
            for course in courses
            for m in range(MODULES_PER_COURSE)
            if m * per_module < per_course
        ],
        batch_size=BATCH,
    )
    lessons, numbers = [], []
    for module in modules:
        for p in range(per_module):
            n = module.position * per_module + p
            if n >= per_course:
                break
            lessons.append(
                Lesson(
                    module=module,
                    title=f"Lesson {n + 1}",
                    kind=_kind(n),
                    body=f"Notes for lesson {n + 1}.",
                    position=p,
                    is_published=True,
                    announced_at=start,
                    created_at=start,
                )
            )
            numbers.append(n)
    lessons = Lesson.objects.bulk_create(lessons, batch_size=BATCH)
    progress("lessons", len(lessons), len(lessons))
    quizzes = Quiz.objects.bulk_create([Quiz(lesson=lesson) for lesson in lessons if lesson.kind == Lesson.Kind.QUIZ])
    Question.objects.bulk_create(
        [
            Question(
                quiz=quiz,
                kind=Question.Kind.TRUE_FALSE,
                text=f"Statement {q + 1} of {quiz.lesson.title} is true.",
                position=q,
                is_true=q % 2 == 0,
            )
            for quiz in quizzes
            for q in range(QUESTIONS_PER_QUIZ)
        ],
        batch_size=BATCH,
    )
    Assignment.objects.bulk_create(
        [
            Assignment(lesson=lesson, due_at=start + TERM * (n / per_course) + timedelta(days=7))
            for lesson, n in zip(lessons, numbers, strict=True)
            if lesson.kind == Lesson.Kind.ASSIGNMENT
        ],
        batch_size=BATCH,
    )


class _Buffers:
    """Rows waiting for their bulk insert; attempts first, as their answers need the attempts' ids."""

    def __init__(self):
        self.progress: list[LessonProgress] = []
        self.attempts: list[tuple[Attempt, list[bool]]] = []
        self.submissions: list[Submission] = []
        self.completions: list[CourseCompletion] = []

    def __len__(self) -> int:
        return len(self.progress)

    @transaction.atomic
    def flush(self, questions: dict[int, list[int]]) -> None:
        LessonProgress.objects.bulk_create(self.progress, batch_size=BATCH)
        attempts = Attempt.objects.bulk_create([attempt for attempt, _ in self.attempts], batch_size=BATCH)
        Answer.objects.bulk_create(
            [
                Answer(
                    attempt=attempt,
                    question_id=question,
                    is_correct=right,
                    points=int(right),
                    # the statements alternate true, false (add_lessons): the response that is right or wrong
                    response="true" if right == (q % 2 == 0) else "false",
                )
                for attempt, (_, rights) in zip(attempts, self.attempts, strict=True)
                for q, (question, right) in enumerate(zip(questions[attempt.quiz_id], rights, strict=True))
            ],
            batch_size=BATCH,
        )
        Submission.objects.bulk_create(self.submissions, batch_size=BATCH)
        CourseCompletion.objects.bulk_create(self.completions, batch_size=BATCH)
        self.__init__()


def add_progress(total: int, progress: Progress) -> bool:
    """Lesson progress in the generated courses up to `total` rows, with the attempts, submissions
    and completions that go with it. Runs once: data already there is left as it is. Returns
    whether it added any."""
    if total < 1 or LessonProgress.objects.filter(lesson__module__course__code__startswith="GEN").exists():
        return False
    rng = random.Random(2026)
    now = timezone.now()
    outlines: dict[int, list[tuple[int, str]]] = {}
    for lesson_id, course_id, kind in (
        Lesson.objects.filter(module__course__code__startswith="GEN")
        .order_by("module__course_id", "module__position", "position")
        .values_list("id", "module__course_id", "kind")
    ):
        outlines.setdefault(course_id, []).append((lesson_id, kind))
    quiz_of = dict(Quiz.objects.filter(lesson_id__in=_graded_lessons(outlines)).values_list("lesson_id", "id"))
    questions: dict[int, list[int]] = {}
    for quiz_id, question_id in Question.objects.filter(quiz_id__in=quiz_of.values()).values_list("quiz_id", "id"):
        questions.setdefault(quiz_id, []).append(question_id)
    assignment_of = {
        lesson_id: (pk, due)
        for lesson_id, pk, due in Assignment.objects.filter(lesson_id__in=_graded_lessons(outlines)).values_list(
            "lesson_id", "id", "due_at"
        )
    }
    subscriptions = Subscription.objects.filter(course_id__in=outlines).order_by("id")
    buffers, written = _Buffers(), 0
    for student_id, course_id, since in subscriptions.values_list("student_id", "course_id", "subscribed_at"):
        outline = outlines[course_id]
        reached = min(round(len(outline) * (1 - rng.random() ** 3)), total - written)
        when = since
        for index, (lesson_id, kind) in enumerate(outline[:reached]):
            when = min(when + timedelta(hours=rng.uniform(4, 60)), now)
            done = index < reached - 1 or reached == len(outline)
            buffers.progress.append(
                LessonProgress(
                    student_id=student_id,
                    lesson_id=lesson_id,
                    first_viewed_at=when,
                    last_viewed_at=when,
                    completed_at=when if done else None,
                )
            )
            if done and kind == Lesson.Kind.QUIZ:
                _attempt(buffers, rng, quiz_of[lesson_id], student_id, when, len(questions[quiz_of[lesson_id]]))
            elif done and kind == Lesson.Kind.ASSIGNMENT:
                _submission(buffers, rng, *assignment_of[lesson_id], student_id, when)
        if reached == len(outline):
            buffers.completions.append(CourseCompletion(student_id=student_id, course_id=course_id, completed_at=when))
        written += reached
        if len(buffers) >= BATCH * 4 or written >= total:
            buffers.flush(questions)
            progress("progress", written, total)
        if written >= total:
            break
    buffers.flush(questions)
    progress("progress", total, total)
    return True


def _graded_lessons(outlines: dict[int, list[tuple[int, str]]]) -> list[int]:
    return [lesson_id for outline in outlines.values() for lesson_id, kind in outline if kind != Lesson.Kind.TEXT]


def _attempt(buffers: _Buffers, rng: random.Random, quiz_id: int, student_id: int, when, questions: int) -> None:
    # The second statement of every quiz is the harder one: the "hardest questions" have a shape.
    rights = [rng.random() < (0.85 if q == 0 else 0.55) for q in range(questions)]
    attempt = Attempt(
        quiz_id=quiz_id,
        student_id=student_id,
        number=1,
        started_at=when,
        submitted_at=when,
        score=sum(rights),
        max_score=questions,
    )
    buffers.attempts.append((attempt, rights))


def _submission(
    buffers: _Buffers, rng: random.Random, assignment_id: int, due: datetime, student_id: int, when
) -> None:
    graded = rng.random() < 0.8  # a fifth waits for grading: the backlog
    buffers.submissions.append(
        Submission(
            assignment_id=assignment_id,
            student_id=student_id,
            text="My answer.",
            submitted_at=when,
            is_late=when > due,
            points=rng.randint(50, 100) if graded else None,
            graded_at=when + timedelta(days=2) if graded else None,
        )
    )


@transaction.atomic
def add_threads(courses: list[Course], progress: Progress) -> None:
    """THREADS_PER_COURSE threads in each course, opened by a subscriber, with zero to three replies
    (so some stay unanswered), over the term."""
    rng = random.Random(2026)
    now = timezone.now()
    members: dict[int, list[int]] = {}
    for course_id, student_id in Subscription.objects.filter(course__in=courses).values_list("course_id", "student_id"):
        members.setdefault(course_id, []).append(student_id)
    threads, bodies = [], []
    for course in courses:
        people = members.get(course.pk)
        if not people:
            continue
        for t in range(THREADS_PER_COURSE):
            opened = now - TERM * rng.random()
            replies = [opened + timedelta(hours=rng.uniform(1, 72)) for _ in range(rng.randint(0, 3))]
            threads.append(
                Thread(
                    course=course,
                    author_id=rng.choice(people),
                    title=f"Question {t + 1} about {course.code}",
                    created_at=opened,
                    last_activity_at=max([opened, *replies]),
                )
            )
            bodies.append([(rng.choice(people), opened)] + [(rng.choice(people), when) for when in replies])
    threads = Thread.objects.bulk_create(threads, batch_size=BATCH)
    openings = Post.objects.bulk_create(
        [
            Post(thread=thread, author_id=author, body="Can someone explain this?", created_at=when)
            for thread, ((author, when), *_) in zip(threads, bodies, strict=True)
        ],
        batch_size=BATCH,
    )
    Post.objects.bulk_create(
        [
            Post(thread=opening.thread, parent=opening, author_id=author, body="Here is how I see it.", created_at=when)
            for opening, (_, *replies) in zip(openings, bodies, strict=True)
            for author, when in replies
        ],
        batch_size=BATCH,
    )
    progress("threads", len(threads), len(threads))
