"""What leaves the site by mail or Web Push, and how each person wants it.

A `Delivery` is one event for one person on one channel: the acknowledgement the worker keeps
(queued, sent, failed and waiting for a retry, dead after the last attempt, or read in the site
before it went out). Its `key` is the idempotency key: unique, so planning an event twice makes
no second row, and the Message-ID of the mail that carries it (docs/architecture.md, "Mail and
push"). Preferences are rows only where someone chose something other than the default."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PUSH = "push", "Push"


class EmailMode(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    OFF = "off", "Off"


class SitePreference(models.Model):
    """A site administrator's default for one kind of notification, and whether users may change
    it (a locked channel cannot be turned off, e.g. urgent announcements)."""

    kind = models.CharField(max_length=32, unique=True)
    email = models.CharField(max_length=16, choices=EmailMode.choices)
    push = models.BooleanField()
    email_locked = models.BooleanField(default=False, help_text="Users cannot change the email setting.")
    push_locked = models.BooleanField(default=False, help_text="Users cannot change the push setting.")

    class Meta:
        verbose_name = "site notification default"

    def __str__(self) -> str:
        return self.kind


class Preference(models.Model):
    """One user's choice for one kind, where it differs from the site's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    email = models.CharField(max_length=16, choices=EmailMode.choices)
    push = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_preference")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class DeliverySettings(models.Model):
    """A user's quiet hours and digest time (in their own time zone) and muted courses."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_settings")
    quiet_from = models.TimeField(null=True, blank=True, help_text="No mail or push from this time…")
    quiet_until = models.TimeField(null=True, blank=True, help_text="…until this time (your time zone).")
    digest_hour = models.PositiveSmallIntegerField(default=8, help_text="The hour your digests arrive (0-23).")
    digest_weekday = models.PositiveSmallIntegerField(default=0, help_text="Weekly digests: 0 is Monday.")
    muted_courses = models.ManyToManyField("courses.Course", blank=True, related_name="+")
    # The scheduled time of the last digest sent of each kind: a second run sends nothing twice.
    last_daily_digest_at = models.DateTimeField(null=True, blank=True)
    last_weekly_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "delivery settings"

    def __str__(self) -> str:
        return f"delivery settings of {self.user}"


class Delivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        DEAD = "dead", "Dead"
        READ = "read", "Read in the site first"

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        DAILY = "daily", "Daily digest"
        WEEKLY = "weekly", "Weekly digest"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey("notifications.Event", on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IMMEDIATE)
    urgent = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # the sending run that holds it
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "user", "channel"], name="one_delivery_per_channel")]
        indexes = [
            models.Index(fields=["state", "channel", "due_at"], name="delivery_due"),
            models.Index(fields=["user", "state", "channel"], name="delivery_user_state"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} of event #{self.event_id} to user #{self.user_id}: {self.state}"


class PushSubscription(models.Model):
    """One browser on one device that asked to be notified (the Push API's subscription)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"push for {self.user}"

    def as_subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class WorkerHeartbeat(models.Model):
    """Each worker process's last sign of life (`manage.py lms_worker`), for `lms_health` and
    `/healthz`."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} at {self.seen_at:%H:%M:%S}"
