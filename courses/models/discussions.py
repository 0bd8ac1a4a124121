"""Discussions: threads per course, optionally about one lesson, with threaded posts."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..markup import MARKDOWN_HELP
from .catalog import Course
from .learning import Lesson

#: How long an author may edit their post.
EDIT_WINDOW = timedelta(minutes=15)
MAX_POST_LENGTH = 10000


class Thread(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="threads")
    lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=200)
    is_pinned = models.BooleanField("pinned", default=False)
    is_locked = models.BooleanField("locked", default=False, help_text="No new replies.")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:thread", args=[self.course.code, self.pk])

    def set_flags(self, *, pinned: bool | None = None, locked: bool | None = None) -> None:
        fields = []
        if pinned is not None:
            self.is_pinned = pinned
            fields.append("is_pinned")
        if locked is not None:
            self.is_locked = locked
            fields.append("is_locked")
        if fields:
            self.save(update_fields=fields)

    def touch(self) -> None:
        self.last_activity_at = timezone.now()
        self.save(update_fields=["last_activity_at"])


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=MAX_POST_LENGTH, help_text=MARKDOWN_HELP)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_removed = models.BooleanField("removed", default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["author", "created_at"], name="post_author_created")]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return self.thread.get_absolute_url() + f"#post-{self.pk}"

    def editable_until(self):
        return self.created_at + EDIT_WINDOW

    def can_edit(self, user, now=None) -> bool:
        return (
            not self.is_removed
            and user.is_authenticated
            and self.author_id == user.pk
            and (now or timezone.now()) <= self.editable_until()
        )

    def edit(self, *, user, body: str) -> None:
        if not self.can_edit(user):
            raise PermissionDenied("Posts can be edited by their author for 15 minutes.")
        self.body = body
        self.edited_at = timezone.now()
        self.save(update_fields=["body", "edited_at"])

    def remove(self) -> None:
        """Removed, not deleted: replies stay in place under a placeholder."""
        self.is_removed = True
        self.body = ""
        self.save(update_fields=["is_removed", "body"])
