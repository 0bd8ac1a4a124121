from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..markup import MARKDOWN_HELP
from .enrolment import EnrolmentOptions
from .tracking import RemembersSavedValues

course_code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]+$", "Use only letters, digits, '-' and '_' (for example CS101)."
)


def validate_upload_size(file) -> None:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if file.size == 0:
        raise ValidationError("The file is empty.")
    if file.size > limit:
        raise ValidationError(f"The file is larger than {settings.MAX_UPLOAD_MB} MB.")


def upload_help(what: str = "") -> str:
    """A file field's help, said before validate_upload_size would say it (the limit is a setting,
    so forms add it, not the model: no migration when it changes)."""
    return f"{what} At most {settings.MAX_UPLOAD_MB} MB.".strip()


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def taught_by(self, user):
        return self.filter(instructor=user)


class Course(EnrolmentOptions, RemembersSavedValues):
    code = models.CharField(max_length=20, unique=True, validators=[course_code_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses_taught",
        limit_choices_to={"role": "instructor"},
    )
    is_published = models.BooleanField("published", default=False)
    # A paid course (courses/models/payments.py): both set, or both empty (free).
    price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.50"))],
        help_text="Leave empty for a free course. Students buy a paid course before they join it.",
    )
    # Nullable, unlike most text fields: SQLite adds a nullable column in place, where a NOT NULL
    # one rebuilds the table, which its full-text triggers (migration 0008) do not survive.
    currency = models.CharField(
        max_length=3, null=True, blank=True, choices=[("eur", "EUR"), ("usd", "USD"), ("gbp", "GBP")]
    )
    # Set by the save that first publishes the course, and never again: only that save announces it.
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CourseQuerySet.as_manager()
    # So a save can tell "just published" from "already published", and "first published" from
    # "published again after being unpublished".
    remembered_fields = ("is_published", "first_published_at")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.code])

    def save(self, *args, **kwargs):
        if self.is_published and self.first_published_at is None:
            self.first_published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_published_at"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()  # the enrolment options' dates
        if (self.price is None) != (not self.currency):
            raise ValidationError("Give both a price and a currency for a paid course, or neither for a free one.")

    @property
    def is_paid(self) -> bool:
        return self.price is not None

    @property
    def was_first_published(self) -> bool:
        """This save published the course for the first time: the one save that announces it."""
        return self.first_published_at is not None and self.saved_value("first_published_at") is None


class Resource(RemembersSavedValues):
    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"
        TEXT = "text", "Text"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="resources/%Y/%m/", blank=True, validators=[validate_upload_size])
    url = models.URLField("link", blank=True)
    body = models.TextField("text", blank=True, help_text=MARKDOWN_HELP)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    # What the course page shows of it (title, kind): an edit of these is pushed to open pages.
    remembered_fields = ("title", "file", "url", "body")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:resource", args=[self.course.code, self.pk])

    @property
    def kind(self) -> str:
        return self._kind_of(self.file, self.url)

    @property
    def saved_kind(self) -> str:
        return self._kind_of(self.saved_value("file"), self.saved_value("url"))

    @classmethod
    def _kind_of(cls, file, url) -> str:
        if file:
            return cls.Kind.FILE
        if url:
            return cls.Kind.LINK
        return cls.Kind.TEXT

    def clean(self):
        given = [bool(self.file), bool(self.url), bool(self.body.strip())]
        if sum(given) != 1:
            raise ValidationError("Give exactly one of: a file, a link or a text.")


class AnnouncementQuerySet(models.QuerySet):
    def site_wide(self):
        return self.filter(course__isnull=True)


class Announcement(RemembersSavedValues):
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="announcements",
        null=True,
        blank=True,
        help_text="Leave empty for a site-wide announcement (admins only).",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=MARKDOWN_HELP)
    is_urgent = models.BooleanField(
        "urgent",
        default=False,
        help_text="Goes out at once on every channel each member has, past quiet hours, digests and muting.",
    )
    requires_acknowledgement = models.BooleanField(
        default=False, help_text='Members get an "I have read this" button; you see who has acknowledged.'
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = AnnouncementQuerySet.as_manager()
    remembered_fields = ("title", "body")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.course_id:
            return reverse("courses:detail", args=[self.course.code]) + f"#announcement-{self.pk}"
        return reverse("courses:dashboard") + f"#announcement-{self.pk}"


class Acknowledgement(models.Model):
    """A member read an announcement that asks for it ("I have read this"). Written by
    services.acknowledge only."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="one_acknowledgement")]

    def __str__(self) -> str:
        return f"{self.user} read {self.announcement}"


class Reminder(models.Model):
    """An instructor reminded a member to acknowledge an announcement (services.remind_unacknowledged);
    the row's save is what tells the member (notifications/signals.py)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} reminded of {self.announcement}"


class Subscription(models.Model):
    class Source(models.TextChoices):
        SELF = "self", "Subscribed"
        WAITLIST = "waitlist", "From the waiting list"
        INVITATION = "invitation", "Invited"

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="subscriptions")
    subscribed_at = models.DateTimeField(default=timezone.now, editable=False)
    last_viewed_at = models.DateTimeField(default=timezone.now)
    # How the student got the seat (services.enrolment): a seat freed for the first in line is news
    # told at once (notifications/signals.py).
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF, editable=False)

    class Meta:
        ordering = ["course__code"]
        constraints = [models.UniqueConstraint(fields=["student", "course"], name="unique_subscription")]

    def __str__(self) -> str:
        return f"{self.student} in {self.course.code}"
