"""Writes of discussions: threads, replies, edits and moderation. Pages, the admin, the API and
commands call these; the events follow from the saves (notifications/signals.py), and each
docstring names the ones it causes."""

from datetime import timedelta
from math import ceil

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import attributed

from ..models import (
    Course,
    Lesson,
    Post,
    Thread,
)
from ..permissions import is_member, teaches
from .analytics import record_activity


class RateLimited(ValidationError):
    """Too many posts in a short time; the message says how long to wait."""


def _rate_limit() -> tuple[int, int]:
    return (
        settings.DISCUSSION_POSTS_PER_WINDOW,
        settings.DISCUSSION_RATE_WINDOW_SECONDS,
    )


def check_post_rate(author) -> None:
    """At most N posts per window per user, counted in the database so every process agrees."""
    limit, window = _rate_limit()
    now = timezone.now()
    recent = list(
        Post.objects.filter(author=author, created_at__gt=now - timedelta(seconds=window))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        wait = max(1, ceil((recent[-1] + timedelta(seconds=window) - now).total_seconds()))
        raise RateLimited(
            f"You are posting too quickly: at most {limit} posts in {window} seconds. "
            f"Please wait {wait} second{'s' if wait != 1 else ''} and try again."
        )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    return body


@attributed("author")
@transaction.atomic
def start_thread(*, author, course: Course, title: str, body: str, lesson: Lesson | None = None) -> Thread:
    """A new thread with its opening post, by a member of the course, within the post rate.
    Events: `discussion_post` on the course's topic."""
    if not is_member(author, course):
        raise PermissionDenied("Only members of the course post in its discussions.")
    if lesson is not None and lesson.module.course_id != course.pk:
        raise ValidationError("That lesson belongs to another course.")
    title = title.strip()
    if not title:
        raise ValidationError("Give the thread a title.")
    body = _clean_body(body)
    check_post_rate(author)
    thread = Thread.objects.create(course=course, lesson=lesson, author=author, title=title)
    Post.objects.create(thread=thread, author=author, body=body)
    record_activity(student_id=author.pk, course_id=course.pk)
    return thread


@attributed("author")
@transaction.atomic
def reply(*, author, thread: Thread, body: str, parent: Post | None = None) -> Post:
    """A reply to a post of the thread (by default its opening post); a locked thread takes replies
    from its teachers only. Events: `discussion_post` on the course's topic, and to the author of
    the post replied to."""
    course = thread.course
    if not is_member(author, course):
        raise PermissionDenied("Only members of the course post in its discussions.")
    if thread.is_locked and not teaches(author, course):
        raise ValidationError("This thread is locked: no new replies.")
    if parent is None:
        parent = thread.posts.filter(parent__isnull=True).order_by("created_at", "id").first()
    elif parent.thread_id != thread.pk:
        raise ValidationError("That post belongs to another thread.")
    body = _clean_body(body)
    check_post_rate(author)
    post = Post.objects.create(thread=thread, parent=parent, author=author, body=body)
    thread.touch()
    record_activity(student_id=author.pk, course_id=course.pk)
    return post


@attributed("user")
def edit_post(*, user, post: Post, body: str) -> Post:
    """The author's edit, within the edit window (Post.edit). Events: none."""
    post.edit(user=user, body=_clean_body(body))
    return post


@attributed("user")
def moderate_thread(*, user, thread: Thread, action: str) -> None:
    """Pin, unpin, lock, unlock or delete a thread: the course's instructor and admins only.
    Events: none."""
    if not teaches(user, thread.course):
        raise PermissionDenied("Only the course's instructor moderates its discussions.")
    if action == "delete":
        thread.delete()
        return
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
    }
    if action not in flags:
        raise ValidationError("Unknown moderation action.")
    thread.set_flags(**flags[action])


@attributed("user")
def rename_thread(*, user, thread: Thread, title: str) -> None:
    """A moderator's correction of a thread's title. Events: none."""
    if not teaches(user, thread.course):
        raise PermissionDenied("Only the course's instructor moderates its discussions.")
    thread.title = title
    thread.full_clean()
    thread.save(update_fields=["title"])


@attributed("user")
def remove_post(*, user, post: Post) -> None:
    """A moderator removes a post: it stays in the tree, its text hidden. Events: none."""
    if not teaches(user, post.thread.course):
        raise PermissionDenied("Only the course's instructor removes posts.")
    post.remove()


@attributed("user")
def delete_post(*, user, post: Post) -> None:
    """A moderator deletes a post and its replies (the opening post: the whole thread). The course's
    instructor and admins only. Events: none new; the post's events stop quoting it
    (notifications/signals.py)."""
    thread = post.thread
    if not teaches(user, thread.course):
        raise PermissionDenied("Only the course's instructor deletes posts.")
    if post.parent_id is None:
        thread.delete()
    else:
        post.delete()
