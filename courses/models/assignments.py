"""Assignments: instructions and a due date on a lesson; one submission per student, graded by hand."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .catalog import validate_upload_size
from .content import Lesson
from .tracking import RemembersSavedValues


def submission_path(instance, filename: str) -> str:
    # A random folder: names students chose never collide, and paths cannot be guessed.
    return f"submissions/{instance.assignment_id}/{uuid.uuid4().hex}/{filename}"


class Assignment(models.Model):
    """The instructions are the lesson's text."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="assignment")
    due_at = models.DateTimeField(
        "due", null=True, blank=True, help_text="Later submissions are accepted, flagged late."
    )
    max_points = models.PositiveSmallIntegerField("points", default=100)
    accepts_file = models.BooleanField("accept a file", default=True)
    accepts_text = models.BooleanField("accept a text", default=True)

    def __str__(self) -> str:
        return self.lesson.title

    def is_past_due(self, now=None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at


class Submission(RemembersSavedValues):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(blank=True, max_length=20000)
    file = models.FileField(upload_to=submission_path, blank=True, validators=[validate_upload_size])
    submitted_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveSmallIntegerField(default=1)
    is_late = models.BooleanField("late", default=False)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True, help_text="Markdown, shown to the student with the grade.")
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    remembered_fields = ("points", "feedback", "revision")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="unique_submission")]

    def __str__(self) -> str:
        return f"{self.student} · {self.assignment}"

    @property
    def is_graded(self) -> bool:
        return self.points is not None

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    def clean(self):
        if self.points is not None and self.points > self.assignment.max_points:
            raise ValidationError({"points": f"At most {self.assignment.max_points} points."})

    def record_grade(self, *, points: int, feedback: str, grader) -> None:
        """Grade or regrade. The student is told (notifications/signals.py) when points or
        feedback change."""
        self.points = points
        self.feedback = feedback
        self.clean()
        self.graded_at = timezone.now()
        self.graded_by = grader
        self.save(update_fields=["points", "feedback", "graded_at", "graded_by"])
