"""Enrolment options of a course (an enrolment key, open and close dates, a capacity) and what they
make: a waiting list and invitations. The rules are in courses/services/enrolment.py."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone


class EnrolmentOptions(models.Model):
    """Course's enrolment fields, kept apart from the catalog's so each feature's fields are read
    in one place. Empty means "no such restriction"."""

    # A salted hash (Django's password hashers): the key itself is never stored, and checking it
    # compares in constant time.
    enrolment_key = models.CharField(max_length=128, blank=True, editable=False)
    enrolment_opens_at = models.DateTimeField(
        "enrolment opens", null=True, blank=True, help_text="Empty: open from the start."
    )
    enrolment_closes_at = models.DateTimeField(
        "enrolment closes", null=True, blank=True, help_text="Empty: open while the course is published."
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=(
            "Seats. Empty: no limit. When full, students join a waiting list; a freed seat goes to the first in line."
        ),
    )

    class Meta:
        abstract = True

    def seats_taken(self) -> int:
        """The seats held: by subscribers whose account is active. An account deactivated or erased
        keeps its subscription (the course's numbers count it) but not its seat, which goes to the
        first in line (courses/signals.py); reactivated, it has its subscription back, even in a
        course that filled meanwhile."""
        return self.subscriptions.filter(student__is_active=True).count()

    @property
    def has_enrolment_key(self) -> bool:
        return bool(self.enrolment_key)

    def set_enrolment_key(self, raw: str) -> None:
        """An empty key removes it."""
        self.enrolment_key = make_password(raw) if raw else ""

    def check_enrolment_key(self, raw: str) -> bool:
        return not self.enrolment_key or (bool(raw) and check_password(raw, self.enrolment_key))

    def enrolment_state(self, now=None) -> str:
        """ "open", "not_yet" (before enrolment_opens_at) or "closed" (after enrolment_closes_at)."""
        now = now or timezone.now()
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return "not_yet"
        if self.enrolment_closes_at and now >= self.enrolment_closes_at:
            return "closed"
        return "open"

    def clean(self) -> None:
        super().clean()
        if self.enrolment_opens_at and self.enrolment_closes_at and self.enrolment_closes_at <= self.enrolment_opens_at:
            raise ValidationError({"enrolment_closes_at": "Enrolment must close after it opens."})


class WaitlistEntry(models.Model):
    """A student in line for a seat of a full course. The first in line (joined first) gets the
    next freed seat (services.enrolment.fill_free_seats), which deletes the entry."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="waitlist")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = "waiting list entry"
        verbose_name_plural = "waiting list"
        constraints = [models.UniqueConstraint(fields=["course", "student"], name="one_waitlist_entry")]

    def __str__(self) -> str:
        return f"{self.student} waiting for {self.course.code}"

    @property
    def position(self) -> int:
        """1 for the first in line."""
        earlier = WaitlistEntry.objects.filter(course_id=self.course_id).filter(
            models.Q(joined_at__lt=self.joined_at) | models.Q(joined_at=self.joined_at, id__lt=self.id)
        )
        return earlier.count() + 1


def _mail_safety_net():
    return timezone.now() + timedelta(seconds=settings.DELIVERY_CLAIM_TIMEOUT_SECONDS)


class Invitation(models.Model):
    """An instructor invited an email address to a course: the mailed, signed link enrols the
    account of that address once (services.enrolment.accept_invitation), until it expires."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    # The worker's (notifications/delivery/invitations.py): when the mail went out; else the failed
    # tries and when the scheduler sends it again (at first a safety net, should the task be lost).
    mailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    mail_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    mail_due_at = models.DateTimeField(null=True, blank=True, editable=False, default=_mail_safety_net)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.course.code}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "expired" if self.expires_at <= timezone.now() else "pending"
