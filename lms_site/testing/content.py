"""Builders for course content: modules, lessons, quizzes, questions, assignments. Plain functions
over the real models (no factories library); the people and courses come from the root conftest."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from courses import services
from courses.models import Assignment, Choice, Lesson, Module, Question, Quiz


def module(course, title="Week 1", position=0) -> Module:
    return Module.objects.create(course=course, title=title, position=position)


def lesson(mod, title="Variables", kind=Lesson.Kind.TEXT, published=True, position=0, **fields) -> Lesson:
    if kind == Lesson.Kind.TEXT:
        fields.setdefault("body", f"# {title}\n\nSome *text*.")
    return Lesson.objects.create(
        module=mod, title=title, kind=kind, is_published=published, position=position, **fields
    )


def quiz_lesson(mod, title="Check-in quiz", position=10, **quiz_fields) -> Quiz:
    item = lesson(mod, title=title, kind=Lesson.Kind.QUIZ, position=position)
    Quiz.objects.filter(lesson=item).update(**quiz_fields)  # the row came with the lesson
    return Quiz.objects.get(lesson=item)


def single(quiz, text="2 + 2 = ?", right="4", wrong=("3", "5"), points=1, position=0) -> Question:
    question = Question.objects.create(quiz=quiz, kind="single", text=text, points=points, position=position)
    Choice.objects.create(question=question, text=right, is_correct=True, position=0)
    for n, text_ in enumerate(wrong, start=1):
        Choice.objects.create(question=question, text=text_, position=n)
    return question


def multiple(quiz, text="Primes?", right=("2", "3"), wrong=("4",), points=2, position=1) -> Question:
    question = Question.objects.create(quiz=quiz, kind="multiple", text=text, points=points, position=position)
    for n, text_ in enumerate(right):
        Choice.objects.create(question=question, text=text_, is_correct=True, position=n)
    for n, text_ in enumerate(wrong, start=len(right)):
        Choice.objects.create(question=question, text=text_, position=n)
    return question


def true_false(quiz, text="Python is compiled to bytecode.", is_true=True, points=1, position=2) -> Question:
    return Question.objects.create(
        quiz=quiz, kind="true_false", text=text, is_true=is_true, points=points, position=position
    )


def short(quiz, text="Capital of France?", accepted="Paris\nParis, France", points=1, position=3) -> Question:
    return Question.objects.create(
        quiz=quiz, kind="short", text=text, accepted_answers=accepted, points=points, position=position
    )


def choice_id(question, text) -> int:
    return question.choices.get(text=text).pk


def assignment_lesson(mod, title="Essay", position=20, **fields) -> Assignment:
    item = lesson(mod, title=title, kind=Lesson.Kind.ASSIGNMENT, position=position, body="Write 500 words.")
    Assignment.objects.filter(lesson=item).update(**fields)  # the row came with the lesson
    return Assignment.objects.get(lesson=item)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def later(**delta):
    return timezone.now() + timedelta(**delta)


def a_lesson_of_each_kind(course) -> dict[str, Lesson]:
    """One module of CS101-like lessons: text, video, file, a draft, one released later, a quiz."""
    week = module(course)
    return {
        "intro": lesson(week, "Intro", position=0),
        "video": lesson(week, "Talk", kind=Lesson.Kind.VIDEO, embed_url="https://youtu.be/dQw4w9WgXcQ", position=1),
        "file": lesson(
            week, "Sheet", kind=Lesson.Kind.FILE, file=ContentFile(b"cheat sheet", name="s.txt"), position=2
        ),
        "draft": lesson(week, "Draft", published=False, position=3),
        "later": lesson(week, "Later", release_at=later(days=3), position=4),
        "quiz": quiz_lesson(week, position=5).lesson,
    }


def take(student, quiz, responses):
    """A whole attempt through the services: started, answered with `responses`, graded."""
    attempt = services.start_attempt(student=student, quiz=quiz)
    return services.submit_attempt(attempt=attempt, responses=responses)
