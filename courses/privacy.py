"""What the courses app holds about a person, for their data export and their erasure
(accounts/privacy/registry.py). What erasure keeps and why is in accounts/privacy/erasure.py."""

from pathlib import PurePosixPath

from django.db.models import Q

from accounts.privacy.erasure import ERASED_POST_BODY, delete_file_on_commit
from accounts.privacy.registry import eraser, export_files, export_section, written_texts

from .models import (
    Announcement,
    Answer,
    Attempt,
    CalendarFeed,
    CourseCompletion,
    Invitation,
    LessonProgress,
    Post,
    Question,
    Submission,
    Subscription,
    Thread,
    Transaction,
    WaitlistEntry,
)


@export_section("subscriptions")
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


@export_section("lesson_progress")
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


@export_section("course_completions")
def completions(user) -> list:
    return [
        {"course": c.course.code, "course_title": c.course.title, "completed_at": c.completed_at}
        for c in CourseCompletion.objects.filter(student=user).select_related("course").order_by("id")
    ]


@export_section("quiz_attempts")
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


@export_section("assignment_submissions")
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


@export_files
def submission_files(user):
    for submission in Submission.objects.filter(student=user).exclude(file=""):
        yield submission_file_path(submission), submission.file


@export_section("discussions")
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


@written_texts
def post_texts(user) -> list[str]:
    """The audit log quotes a post's text (moderation records it); erasure redacts it there."""
    return list(Post.objects.filter(author=user).exclude(body="").values_list("body", flat=True))


@eraser
def erase_discussions(user, names) -> None:
    """A thread nobody else posted in goes; elsewhere the posts stay, without author or text."""
    for thread in Thread.objects.filter(Q(author=user) | Q(posts__author=user)).distinct():
        if not thread.posts.exclude(author=user).exists():
            thread.delete()
    Post.objects.filter(author=user, is_removed=True).update(author=None, body="")
    Post.objects.filter(author=user).update(author=None, body=ERASED_POST_BODY)
    Thread.objects.filter(author=user).update(author=None)
    Announcement.objects.filter(author=user).update(author=None)


@export_section("transactions")
def transactions(user) -> dict:
    """Purchases, refunds and plan payments: what, how much, when, Stripe's reference; we hold no
    card data to export. Erasure keeps these rows under the anonymised account: accounting law
    requires the record of a payment, and it names no one once the account is anonymised."""
    return {
        "transactions": [
            {
                "kind": row.kind,
                "status": row.status,
                "course": row.course.code if row.course else None,
                "amount": str(row.amount),
                "currency": row.currency,
                "reference": row.gateway_reference,
                "created_at": row.created_at,
                "settled_at": row.settled_at,
                "refunded_at": row.refunded_at,
            }
            for row in Transaction.objects.filter(user=user).select_related("course")
        ]
    }


@export_section("calendar_feed")
def calendar_feed(user) -> list:
    """Whether the person has a calendar feed address and since when; not the secret itself."""
    return [{"created_at": feed.created_at.isoformat()} for feed in CalendarFeed.objects.filter(user=user)]


@eraser
def erase_calendar_feed(user, names) -> None:
    """The feed's address stops working (an anonymised account's feed would be empty anyway)."""
    CalendarFeed.objects.filter(user=user).delete()


@eraser
def erase_learning(user, names) -> None:
    """The person's words and files go; the numbers (points, scores, completions) stay."""
    for submission in Submission.objects.filter(student=user).exclude(file=""):
        delete_file_on_commit(submission.file)
    # update(): no save signal, so no "graded" event for clearing the feedback.
    Submission.objects.filter(student=user).update(text="", file="", feedback="")
    Submission.objects.filter(graded_by=user).update(graded_by=None)
    Answer.objects.filter(attempt__student=user, question__kind=Question.Kind.SHORT).update(response=None)


@export_section("waiting_lists")
def waiting_lists(user) -> list:
    return [
        {"course": entry.course.code, "joined_at": entry.joined_at, "position": entry.position}
        for entry in WaitlistEntry.objects.filter(student=user).select_related("course")
    ]


def _invitations_to(user):
    to_address = Q(email__iexact=user.email) if user.email else Q(pk__in=[])
    return Invitation.objects.filter(to_address | Q(accepted_by=user))


@export_section("invitations")
def invitations(user) -> list:
    """Invitations to the person's address (or that they accepted); not those they sent, which name
    other people."""
    return [
        {
            "course": invitation.course.code,
            "email": invitation.email,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "accepted_at": invitation.accepted_at,
        }
        for invitation in _invitations_to(user).select_related("course").order_by("id")
    ]


@eraser
def erase_enrolment(user, names) -> None:
    """Their places in line go (a freed place is no seat: nobody is promoted); invitations to their
    address go; invitations they sent stay, for their invitees, without their name."""
    WaitlistEntry.objects.filter(student=user).delete()
    _invitations_to(user).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
