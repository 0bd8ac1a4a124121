"""Learning content: ordered modules of ordered lessons with each student's progress, quizzes
(questions, attempts graded on submission, the gradebook's proxy) and assignments (one graded
submission per student)."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..markup import MARKDOWN_HELP, markdown_to_text
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


class Module(RemembersSavedValues):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    position = models.PositiveIntegerField(default=0, help_text="Modules are shown in this order.")

    remembered_fields = ("title", "position")

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

    def scheduled(self, now=None):
        """Published lessons whose release time is still to come: students see their title and
        release time in "Upcoming" (courses/selectors/calendar.py), never their content."""
        now = now or timezone.now()
        return self.filter(is_published=True, release_at__gt=now)

    def due_for_announcement(self, now=None):
        return self.released(now).filter(announced_at__isnull=True)

    def in_order(self):
        return self.order_by("module__position", "module_id", "position", "id")


class Lesson(RemembersSavedValues):
    class Kind(models.TextChoices):  # labels come from the names: "Text", "Video", ...
        TEXT = "text"
        VIDEO = "video"
        FILE = "file"
        QUIZ = "quiz"
        ASSIGNMENT = "assignment"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(
        "text", blank=True, help_text=f"{MARKDOWN_HELP} The lesson itself for a text lesson, an introduction otherwise."
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
    # announced_at: "just released"; the others: what students see of it changed (pushed to open pages).
    remembered_fields = ("announced_at", "title", "body", "kind", "position", "module_id", "is_published", "release_at")

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

    def was_released(self, now=None) -> bool:
        """Students could see it before the save under way (saved_value)."""
        now = now or timezone.now()
        release_at = self.saved_value("release_at")
        return bool(self.saved_value("is_published")) and (release_at is None or release_at <= now)

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
        # What a published lesson needs (its text, its video, its quiz's questions...) is the
        # publishing rule, courses/services/publishing.py: drafts may be incomplete.

    def save(self, *args, **kwargs):
        # A lesson students can already see is announced with this save; one released later is
        # announced by `manage.py release_due` when its time comes (see announce_if_due).
        if self.announced_at is None and self.is_released():
            self.announced_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "announced_at"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A quiz or assignment lesson always has its settings row, however it was made (the
            # lesson page, the module's inline editor, the API, a command or the shell).
            if self.kind == self.Kind.QUIZ:
                Quiz.objects.get_or_create(lesson=self)
            elif self.kind == self.Kind.ASSIGNMENT:
                Assignment.objects.get_or_create(lesson=self)

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


class LessonProgress(RemembersSavedValues):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_viewed_at = models.DateTimeField(default=timezone.now)
    last_viewed_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    remembered_fields = ("completed_at",)  # "just completed": the student's open pages follow

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [models.UniqueConstraint(fields=["student", "lesson"], name="unique_lesson_progress")]
        # The analytics across courses read the recent completions (courses/selectors/analytics.py).
        indexes = [models.Index(fields=["completed_at"], name="progress_completed")]

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


WEIGHT_HELP = (
    "How much this counts in the course total, relative to the course's other quizzes and assignments "
    "(1 for all: each counts the same; 2 counts twice as much as 1; 0: not counted)."
)


def weight_field():
    return models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
        help_text=WEIGHT_HELP,
    )


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
    weight = weight_field()

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
    text = models.TextField(help_text=MARKDOWN_HELP)
    points = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    position = models.PositiveIntegerField(default=0)
    is_true = models.BooleanField(
        "the statement is true", null=True, blank=True, help_text="True-or-false questions only."
    )
    accepted_answers = models.TextField(
        blank=True, help_text="Short-answer questions only: one accepted answer per line (case is ignored)."
    )
    explanation = models.TextField(blank=True, help_text=f"{MARKDOWN_HELP} Shown with the feedback after submission.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        words = markdown_to_text(self.text)  # its text is Markdown: a title shows the words
        return f"{words[:59]}…" if len(words) > 60 else words

    @property
    def has_choices(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}

    def clean(self):
        if self.kind == self.Kind.TRUE_FALSE and self.is_true is None:
            raise ValidationError({"is_true": "Say whether the statement is true."})
        if self.kind == self.Kind.SHORT and not (self.accepted_answers or "").strip():
            raise ValidationError({"accepted_answers": "Give at least one accepted answer."})

    def check_marks(self, correct: list[bool]) -> None:
        """The part of check_choices a draft keeps too: an incomplete question may wait for its
        choices, a contradictory one (a single-choice question with two right answers) may not."""
        if self.kind == self.Kind.SINGLE and sum(correct) > 1:
            raise ValidationError(
                "A single-choice question has one right answer: mark only one, or make it multiple choice."
            )

    def check_choices(self, correct: list[bool]) -> None:
        """The rule for a question's set of choices, given whether each one is correct."""
        if self.kind == self.Kind.SINGLE and (len(correct) < 2 or sum(correct) != 1):
            raise ValidationError("A single-choice question needs at least two choices, exactly one correct.")
        if self.kind == self.Kind.MULTIPLE and (len(correct) < 2 or sum(correct) < 1):
            raise ValidationError("A multiple-choice question needs at least two choices, one or more correct.")
        if not self.has_choices and correct:
            raise ValidationError("Only single- and multiple-choice questions have choices.")

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
    override_reason = models.TextField(
        "reason for the score", blank=True, help_text="Why the instructor set this score by hand (empty: as graded)."
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    remembered_fields = ("submitted_at", "score", "max_score")

    class Meta:
        ordering = ["quiz", "student", "number"]
        constraints = [models.UniqueConstraint(fields=["quiz", "student", "number"], name="unique_attempt_number")]
        indexes = [models.Index(fields=["started_at"], name="attempt_started")]  # analytics across courses

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

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

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
    weight = weight_field()

    def __str__(self) -> str:
        return self.lesson.title

    def clean(self):
        # Even a draft: an assignment that takes nothing is a bare "Submit" button.
        if not (self.accepts_text or self.accepts_file):
            raise ValidationError("An assignment accepts a text, a file or both.")

    def is_past_due(self, now=None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at


class Submission(RemembersSavedValues):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(blank=True, max_length=20000, help_text=MARKDOWN_HELP)
    file = models.FileField(upload_to=submission_path, blank=True, validators=[validate_upload_size])
    submitted_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveSmallIntegerField(default=1)
    is_late = models.BooleanField("late", default=False)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    feedback = models.TextField(blank=True, help_text=f"{MARKDOWN_HELP} Shown to the student with the grade.")
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    remembered_fields = ("points", "feedback", "revision")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="unique_submission")]
        indexes = [models.Index(fields=["submitted_at"], name="submission_submitted")]  # analytics across courses

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
