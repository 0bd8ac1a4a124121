"""For the privacy tests: a student with data in every table that holds something about people, made
through the real services, and a search of every text column of every table for a string."""

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from rest_framework.authtoken.models import Token

from courses import services
from notifications.models import Event, ReadCursor

from . import content

ESSAY_TEXT = "essay-text-written-by-the-student"
FILE_BYTES = b"%PDF-1.4 the student's own file bytes"
FILE_NAME = "my-essay.pdf"
SHORT_ANSWER = "short-answer-typed-by-the-student"
POST_TEXTS = ("post-text-opening-a-thread", "post-text-replying-to-a-classmate", "post-text-alone-in-a-thread")


def a_student_with_data_everywhere(*, student, classmate, instructor, course) -> dict:
    """`student` and `classmate` are subscribed to `course` (taught by `instructor`). Afterwards
    `student` has: lesson progress and a course completion, a graded quiz attempt (with a short
    answer), a graded assignment submission with a file, two threads and a reply (the classmate
    replied in one), events addressed to them and a read cursor, an API token, an optional consent
    and an admin log entry about their account."""
    from accounts.privacy import services as privacy_services

    week = content.module(course)
    intro = content.lesson(week, "Intro", position=0)
    quiz = content.quiz_lesson(week, position=1)
    single = content.single(quiz)
    short = content.short(quiz)
    assignment = content.assignment_lesson(week, position=2)

    services.record_lesson_view(student=student, lesson=intro)
    services.complete_lesson(student=student, lesson=intro)
    attempt = content.take(student, quiz, {single.pk: [content.choice_id(single, "4")], short.pk: SHORT_ANSWER})
    submission = services.submit_assignment(
        student=student, assignment=assignment, text=ESSAY_TEXT, file=ContentFile(FILE_BYTES, name=FILE_NAME)
    )
    services.grade_submission(
        submission=submission, points=80, feedback=f"Well argued, {student.first_name}.", by=instructor
    )
    # The classmate's work, so the course's statistics have more than one person in them.
    services.complete_lesson(student=classmate, lesson=intro)
    content.take(classmate, quiz, {single.pk: [content.choice_id(single, "3")], short.pk: "Paris"})

    thread = services.start_thread(author=student, course=course, title="How do loops end?", body=POST_TEXTS[0])
    opening = thread.posts.get()
    answer = services.reply(author=classmate, thread=thread, body="When the condition is false.", parent=opening)
    services.reply(author=student, thread=thread, body=POST_TEXTS[1], parent=answer)
    alone = services.start_thread(author=student, course=course, title="Nobody answered this", body=POST_TEXTS[2])

    ReadCursor.objects.create(user=student, last_read_id=Event.objects.order_by("-id").values_list("id", flat=True)[0])
    token = Token.objects.create(user=student)
    privacy_services.set_optional_consent(user=student, purpose="email_digest", given=True)
    LogEntry.objects.create(
        user=instructor,
        content_type=ContentType.objects.get_for_model(student),
        object_id=str(student.pk),
        object_repr=str(student),
        action_flag=CHANGE,
        change_message="[]",
    )
    return {
        "intro": intro,
        "quiz": quiz,
        "attempt": attempt,
        "assignment": assignment,
        "submission": submission,
        "thread": thread,
        "alone": alone,
        "token": token,
    }


TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)


def rows_containing(needle: str) -> list[str]:
    """Every "app.Model.field #pk" whose text contains `needle` (any case), over every table of
    every installed app. Binary and encoded columns (the session store) are not searched."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                for pk in model._default_manager.filter(**{f"{field.name}__icontains": needle}).values_list(
                    "pk", flat=True
                ):
                    found.append(f"{model._meta.label}.{field.name} #{pk}")
    return found
