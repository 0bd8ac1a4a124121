"""Privacy rows: the policies people accept, what they consented to, their data exports and their
erasure requests. Imported by accounts/models.py, so they belong to the accounts app."""

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_ROOT (read at each use, so tests may move it) that have no URL:
    they leave only through a view that checks who asks."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL; a view streams them to their owner.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class PolicyQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())


class PolicyDocument(models.Model):
    """One version of the privacy policy or the terms of use. The newest published version of each
    kind is in force; publishing a higher version asks everyone to accept again."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", "Privacy policy"
        TERMS = "terms", "Terms of use"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(help_text="A higher number than the last version asks everyone again.")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    published_at = models.DateTimeField(
        "published", null=True, blank=True, help_text="Empty: a draft. In force from this time."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="unique_policy_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Consent(models.Model):
    """One answer a person gave, with the version of the text they answered: accepting a policy
    (at sign-up or after a new version) or granting or withdrawing an optional purpose. Rows are
    never changed; the newest row for a purpose is the person's current answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, help_text="A policy kind (privacy, terms) or an optional purpose.")
    version = models.PositiveIntegerField()
    given = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-recorded_at"], name="consent_user_purpose")]

    def __str__(self) -> str:
        return f"{self.user} {'gave' if self.given else 'withdrew'} {self.purpose} v{self.version}"


def _export_token() -> str:
    return secrets.token_urlsafe(24)


class DataExport(models.Model):
    """A zip of everything about one person, built by a background task and downloadable by that
    person only, until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    token = models.CharField(max_length=64, unique=True, default=_export_token, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=private_storage, upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"export #{self.pk} of {self.user} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("privacy:export_download", args=[self.token])

    def is_downloadable(self, now=None) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and self.expires_at is not None
            and (now or timezone.now()) < self.expires_at
        )


class ErasureRequest(models.Model):
    """A request to erase an account, carried out at `due_at` unless cancelled before. Kept after
    the erasure (it names no one: its user is then the anonymised account) as the record that it
    was done."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one request waits per account.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(cancelled_at__isnull=True, erased_at__isnull=True),
                name="one_pending_erasure",
            )
        ]

    def __str__(self) -> str:
        return f"erasure of {self.user} due {self.due_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.erased_at is None

    def cancel(self) -> None:
        self.cancelled_at = timezone.now()
        self.save(update_fields=["cancelled_at"])


class OptionalPurpose(models.TextChoices):
    """What a person may agree to or not, beyond the policies. The version goes up whenever the
    wording of a purpose changes, so a recorded answer always names the text it answered."""

    EMAIL_DIGEST = "email_digest", "Email me a weekly digest of activity in my courses"


OPTIONAL_PURPOSE_VERSIONS = {OptionalPurpose.EMAIL_DIGEST: 1}
