"""Quizzes: questions of four kinds, attempts graded on submission, and the gradebook's proxy."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from .catalog import Course
from .content import Lesson
from .tracking import RemembersSavedValues

#: Submissions this late after an attempt's deadline still count: the network is not instant.
DEADLINE_GRACE = timedelta(seconds=30)


def normalise_answer(text: str) -> str:
    """Short answers compare exactly, but ignoring case and surrounding or repeated spaces."""
    return " ".join(str(text).split()).casefold()


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    max_attempts = models.PositiveSmallIntegerField(
        "attempts allowed", null=True, blank=True, default=1, help_text="Empty for unlimited attempts."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        "time limit (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty for no limit. Enforced on the server.",
    )
    due_at = models.DateTimeField("due", null=True, blank=True, help_text="No attempt may start or end after this.")

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.lesson.title

    def is_closed(self, now=None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at

    def deadline_for(self, started_at):
        """When an attempt started at `started_at` must be submitted: the time limit or the due
        date, whichever comes first (None: no deadline)."""
        limits = []
        if self.time_limit_minutes:
            limits.append(started_at + timedelta(minutes=self.time_limit_minutes))
        if self.due_at:
            limits.append(self.due_at)
        return min(limits) if limits else None


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TRUE_FALSE = "true_false", "True or false"
        SHORT = "short", "Short answer"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SINGLE)
    text = models.TextField(help_text="Markdown.")
    points = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    position = models.PositiveIntegerField(default=0)
    is_true = models.BooleanField(
        "the statement is true", null=True, blank=True, help_text="True-or-false questions only."
    )
    accepted_answers = models.TextField(
        blank=True, help_text="Short-answer questions only: one accepted answer per line (case is ignored)."
    )
    explanation = models.TextField(blank=True, help_text="Markdown, shown with the feedback after submission.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def has_choices(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}

    def accepted_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def correct_choice_ids(self) -> set[int]:
        return {choice.pk for choice in self.choices.all() if choice.is_correct}

    def is_correct(self, response) -> bool:
        """Grade one response: a list of choice ids, "true"/"false", or a text. Multiple choice is
        all or nothing: exactly the correct choices."""
        if self.has_choices:
            try:
                chosen = {int(value) for value in (response or [])}
            except (TypeError, ValueError):
                return False
            correct = self.correct_choice_ids()
            if self.kind == self.Kind.SINGLE and len(chosen) != 1:
                return False
            return bool(correct) and chosen == correct
        if self.kind == self.Kind.TRUE_FALSE:
            if response not in {"true", "false"} or self.is_true is None:
                return False
            return (response == "true") == self.is_true
        accepted = {normalise_answer(answer) for answer in self.accepted_list()}
        return bool(response) and normalise_answer(response) in accepted


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Attempt(RemembersSavedValues):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveIntegerField(null=True, blank=True)
    max_score = models.PositiveIntegerField(default=0)
    expired = models.BooleanField(
        "time ran out", default=False, help_text="Submitted after the deadline: the answers were not counted."
    )

    remembered_fields = ("submitted_at",)

    class Meta:
        ordering = ["quiz", "student", "number"]
        constraints = [models.UniqueConstraint(fields=["quiz", "student", "number"], name="unique_attempt_number")]

    def __str__(self) -> str:
        return f"{self.student} · {self.quiz} · attempt {self.number}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline + DEADLINE_GRACE

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    def finish(self, *, score: int, max_score: int, expired: bool = False) -> None:
        self.score = score
        self.max_score = max_score
        self.expired = expired
        self.submitted_at = timezone.now()
        self.save(update_fields=["score", "max_score", "expired", "submitted_at"])


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField(default=None, null=True, blank=True)
    is_correct = models.BooleanField(default=False)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="unique_answer")]

    def __str__(self) -> str:
        return f"{self.attempt} · question {self.question_id}"


class Gradebook(Course):
    """A course seen as its gradebook, for the admin (same table, no migration of data)."""

    class Meta:
        proxy = True
