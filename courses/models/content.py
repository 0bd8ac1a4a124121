"""Course content: ordered modules of ordered lessons, and each student's progress through them."""

import re
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .catalog import Course, validate_upload_size
from .tracking import RemembersSavedValues

VIDEO_EXTENSIONS = ["mp4", "m4v", "webm", "ogv", "ogg", "mov"]
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^[0-9]{3,12}$")


def embed_src(url: str) -> str | None:
    """The iframe address for a video link from an allowed host (YouTube, Vimeo), else None.
    Only addresses we build ourselves reach an iframe: never a URL as an author typed it."""
    try:
        parts = urlparse(url.strip())
    except ValueError:
        return None
    if parts.scheme != "https":
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    video_id = None
    if host in {"youtube.com", "www.youtube.com", "m.youtube.com"}:
        if segments == ["watch"]:
            video_id = parse_qs(parts.query).get("v", [None])[0]
        elif len(segments) == 2 and segments[0] in {"embed", "shorts", "live"}:
            video_id = segments[1]
    elif host in {"youtube-nocookie.com", "www.youtube-nocookie.com"}:
        if len(segments) == 2 and segments[0] == "embed":
            video_id = segments[1]
    elif host == "youtu.be" and len(segments) == 1:
        video_id = segments[0]
    if video_id is not None:
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if _YOUTUBE_ID.match(video_id) else None
    if host in {"vimeo.com", "www.vimeo.com"} and len(segments) == 1:
        vimeo_id = segments[0]
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        vimeo_id = segments[1]
    else:
        return None
    return f"https://player.vimeo.com/video/{vimeo_id}" if _VIMEO_ID.match(vimeo_id) else None


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Modules are shown in this order.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.title}"


class LessonQuerySet(models.QuerySet):
    def of_course(self, course):
        return self.filter(module__course=course)

    def released(self, now=None):
        """What students see: published lessons whose release time, if any, has come."""
        now = now or timezone.now()
        return self.filter(is_published=True).filter(Q(release_at__isnull=True) | Q(release_at__lte=now))

    def due_for_announcement(self, now=None):
        return self.released(now).filter(announced_at__isnull=True)

    def in_order(self):
        return self.order_by("module__position", "module_id", "position", "id")


class Lesson(RemembersSavedValues):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        VIDEO = "video", "Video"
        FILE = "file", "File"
        QUIZ = "quiz", "Quiz"
        ASSIGNMENT = "assignment", "Assignment"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(
        "text", blank=True, help_text="Markdown. The lesson itself for a text lesson, an introduction otherwise."
    )
    video = models.FileField(
        "video file",
        upload_to="lessons/video/%Y/%m/",
        blank=True,
        validators=[validate_upload_size, FileExtensionValidator(VIDEO_EXTENSIONS)],
    )
    embed_url = models.URLField(
        "video link", blank=True, help_text="Instead of a file: a YouTube or Vimeo address (https)."
    )
    file = models.FileField(upload_to="lessons/files/%Y/%m/", blank=True, validators=[validate_upload_size])
    position = models.PositiveIntegerField(default=0, help_text="Lessons are shown in this order in their module.")
    is_published = models.BooleanField("published", default=False)
    release_at = models.DateTimeField(
        "release time", null=True, blank=True, help_text="Students see the lesson from this time. Empty: at once."
    )
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()
    remembered_fields = ("announced_at",)

    class Meta:
        ordering = ["position", "id"]  # within a module; LessonQuerySet.in_order() across a course
        indexes = [models.Index(fields=["is_published", "announced_at"], name="lesson_announce")]

    def __str__(self) -> str:
        return self.title

    @property
    def course(self) -> Course:
        return self.module.course

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.module.course.code, self.pk])

    def is_released(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and (self.release_at is None or self.release_at <= now)

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    @property
    def embed_src(self) -> str | None:
        return embed_src(self.embed_url) if self.embed_url else None

    @property
    def completes_by_hand(self) -> bool:
        """Quizzes and assignments complete when submitted; other lessons by the student."""
        return self.kind not in {self.Kind.QUIZ, self.Kind.ASSIGNMENT}

    def clean(self):
        if self.embed_url and embed_src(self.embed_url) is None:
            raise ValidationError({"embed_url": "Only YouTube and Vimeo links (https) can be embedded."})
        if self.video and self.embed_url:
            raise ValidationError("Give either a video file or a video link, not both.")
        # Drafts may be incomplete (quick authoring in the module's list); what students see may not.
        if self.is_published:
            missing = {
                self.Kind.TEXT: not self.body.strip() and "A published text lesson needs its text.",
                self.Kind.VIDEO: not (self.video or self.embed_url) and "A published video lesson needs its video.",
                self.Kind.FILE: not self.file and "A published file lesson needs its file.",
            }.get(self.kind)
            if missing:
                raise ValidationError(missing)

    def save(self, *args, **kwargs):
        # A lesson students can already see is announced with this save; one released later is
        # announced by `manage.py release_due` when its time comes (see announce_if_due).
        if self.announced_at is None and self.is_released():
            self.announced_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "announced_at"}
        super().save(*args, **kwargs)

    def announce_if_due(self) -> bool:
        """Announce this lesson if it is released and not yet announced. Safe to race: the row is
        locked, so two runs of release_due announce it once."""
        with transaction.atomic():
            locked = Lesson.objects.select_for_update().get(pk=self.pk)
            if locked.announced_at is not None or not locked.is_released():
                return False
            locked.save(update_fields=["announced_at"])  # save() stamps announced_at
        self.announced_at = locked.announced_at
        return True


class LessonProgress(models.Model):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_viewed_at = models.DateTimeField(default=timezone.now)
    last_viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [models.UniqueConstraint(fields=["student", "lesson"], name="unique_lesson_progress")]

    def __str__(self) -> str:
        return f"{self.student} · {self.lesson}"

    def mark_viewed(self) -> None:
        self.last_viewed_at = timezone.now()
        self.save(update_fields=["last_viewed_at"])


class CourseCompletion(models.Model):
    """A student finished every lesson of a course. Kept once written, even if lessons are added."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "course"], name="unique_course_completion")]

    def __str__(self) -> str:
        return f"{self.student} completed {self.course.code}"
