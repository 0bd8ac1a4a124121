"""What a data export holds: one JSON file per section, plus the files the person handed in.

Each section is a function of the user returning JSON-ready data; `SECTIONS` lists them in the
order of the zip. A feature that stores something about people adds its section here (and its
step to accounts/privacy/erasure.py). Payments: when a transaction model exists, add a
`transactions` section; `transactions()` below is the hook and says so in the zip.
"""

import json
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.authtoken.models import Token

from courses.models import Attempt, CourseCompletion, LessonProgress, Post, Submission, Subscription, Thread
from notifications import topics
from notifications.models import Event, ReadCursor

from .models import Consent, ErasureRequest

README = """Your data from {site}, prepared {when}.

Each .json file holds one kind of record about you; times are in UTC (ISO 8601).
files/ holds the files you handed in, named as in submissions.json.
API tokens are listed without their secret value.
"""


def profile(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "role": user.role,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }


def subscriptions(user) -> list:
    return [
        {
            "course": s.course.code,
            "course_title": s.course.title,
            "subscribed_at": s.subscribed_at,
            "last_viewed_at": s.last_viewed_at,
        }
        for s in Subscription.objects.filter(student=user).select_related("course")
    ]


def lesson_progress(user) -> list:
    return [
        {
            "course": p.lesson.module.course.code,
            "lesson": p.lesson.title,
            "first_viewed_at": p.first_viewed_at,
            "last_viewed_at": p.last_viewed_at,
            "completed_at": p.completed_at,
        }
        for p in LessonProgress.objects.filter(student=user).select_related("lesson__module__course").order_by("id")
    ]


def completions(user) -> list:
    return [
        {"course": c.course.code, "course_title": c.course.title, "completed_at": c.completed_at}
        for c in CourseCompletion.objects.filter(student=user).select_related("course").order_by("id")
    ]


def quiz_attempts(user) -> list:
    attempts = (
        Attempt.objects.filter(student=user)
        .select_related("quiz__lesson__module__course")
        .prefetch_related("answers__question")
        .order_by("id")
    )
    return [
        {
            "course": a.quiz.lesson.module.course.code,
            "quiz": a.quiz.lesson.title,
            "number": a.number,
            "started_at": a.started_at,
            "submitted_at": a.submitted_at,
            "score": a.score,
            "max_score": a.max_score,
            "expired": a.expired,
            "answers": [
                {
                    "question": answer.question.text,
                    "response": answer.response,
                    "is_correct": answer.is_correct,
                    "points": answer.points,
                }
                for answer in sorted(a.answers.all(), key=lambda x: (x.question.position, x.question_id))
            ],
        }
        for a in attempts
    ]


def submission_file_path(submission) -> str:
    return f"files/submissions/{submission.pk}/{PurePosixPath(submission.file.name).name}"


def submissions(user) -> list:
    return [
        {
            "course": s.assignment.lesson.module.course.code,
            "assignment": s.assignment.lesson.title,
            "text": s.text,
            "file": submission_file_path(s) if s.file else None,
            "submitted_at": s.submitted_at,
            "revision": s.revision,
            "is_late": s.is_late,
            "points": s.points,
            "max_points": s.assignment.max_points,
            "feedback": s.feedback,
            "graded_at": s.graded_at,
        }
        for s in Submission.objects.filter(student=user).select_related("assignment__lesson__module__course")
    ]


def discussions(user) -> dict:
    return {
        "threads_started": [
            {"id": t.pk, "course": t.course.code, "title": t.title, "created_at": t.created_at}
            for t in Thread.objects.filter(author=user).select_related("course").order_by("id")
        ],
        "posts": [
            {
                "id": p.pk,
                "course": p.thread.course.code,
                "thread": p.thread.title,
                "thread_id": p.thread_id,
                "in_reply_to": p.parent_id,
                "body": p.body,
                "created_at": p.created_at,
                "edited_at": p.edited_at,
                "removed": p.is_removed,
            }
            for p in Post.objects.filter(author=user).select_related("thread__course").order_by("id")
        ],
    }


def notifications(user) -> dict:
    """Events addressed to the person (their own topic) and whether each is read, plus the events
    their own actions caused."""
    cursor = ReadCursor.objects.filter(user=user).first()
    last_read = cursor.last_read_id if cursor else 0

    def row(event: Event) -> dict:
        return {"id": event.pk, "kind": event.kind, "created_at": event.created_at, **event.payload}

    addressed = Event.objects.filter(topic=topics.user_topic(user.pk)).order_by("id")
    caused = Event.objects.filter(actor=user).exclude(topic=topics.user_topic(user.pk)).order_by("id")
    return {
        "read_up_to_event": last_read,
        "addressed_to_you": [row(e) | {"read": e.pk <= last_read} for e in addressed],
        "caused_by_you": [row(e) for e in caused],
    }


def api_tokens(user) -> list:
    """Metadata only: the key is a secret and never leaves the server."""
    return [{"created_at": token.created} for token in Token.objects.filter(user=user)]


def consents(user) -> list:
    return [
        {"purpose": c.purpose, "version": c.version, "given": c.given, "recorded_at": c.recorded_at}
        for c in Consent.objects.filter(user=user)
    ]


def erasure_requests(user) -> list:
    return [
        {"requested_at": r.requested_at, "due_at": r.due_at, "cancelled_at": r.cancelled_at}
        for r in ErasureRequest.objects.filter(user=user)
    ]


def transactions(user) -> dict:
    """The hook for payments: there is no transaction model yet. When one exists, return the
    person's transactions here (amounts, dates, what was bought; never card data)."""
    return {"transactions": [], "note": "This site records no payments."}


SECTIONS: list[tuple[str, Callable]] = [
    ("profile", profile),
    ("subscriptions", subscriptions),
    ("lesson_progress", lesson_progress),
    ("course_completions", completions),
    ("quiz_attempts", quiz_attempts),
    ("assignment_submissions", submissions),
    ("discussions", discussions),
    ("notifications", notifications),
    ("api_tokens", api_tokens),
    ("consents", consents),
    ("erasure_requests", erasure_requests),
    ("transactions", transactions),
]


def write_export(user, stream, *, site: str, when) -> None:
    """Write the zip of everything about `user` to a binary stream."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(site=site, when=when.isoformat()))
        for name, section in SECTIONS:
            data = json.dumps(section(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
            archive.writestr(f"{name}.json", data)
        for submission in Submission.objects.filter(student=user).exclude(file=""):
            try:
                with submission.file.open("rb") as source:
                    archive.writestr(submission_file_path(submission), source.read())
            except FileNotFoundError:
                archive.writestr(submission_file_path(submission) + ".missing.txt", "This file was lost.")
