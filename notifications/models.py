from django.conf import settings
from django.db import models
from django.utils import timezone

from .delivery.models import (  # noqa: F401  (delivery by mail and push: models of this app)
    Delivery,
    DeliverySettings,
    Preference,
    PushSubscription,
    SitePreference,
    WorkerHeartbeat,
)


class Event(models.Model):
    """One thing that happened, as users are told of it. The table is the source of truth:
    the id is the cursor clients resume from; the channel layer only rings the doorbell."""

    class Kind(models.TextChoices):
        NEW_RESOURCE = "new_resource", "New resource"
        ANNOUNCEMENT = "announcement", "Announcement"
        SUBSCRIPTION = "subscription", "Subscription"
        USER_REGISTERED = "user_registered", "User registered"
        COURSE_PUBLISHED = "course_published", "Course published"
        NEW_LESSON = "new_lesson", "New lesson"
        GRADE_POSTED = "grade_posted", "Grade posted"
        DISCUSSION_POST = "discussion_post", "Discussion"
        COURSE_COMPLETED = "course_completed", "Course completed"
        ASSIGNMENT_SUBMITTED = "assignment_submitted", "Assignment submitted"
        MODERATION = "moderation", "Moderation"  # a moderator removed or deleted your post, locked your thread
        PAYMENT = (
            "payment",
            "Payments and receipts",
        )  # your purchase settled (a receipt), failed, was refunded; your plan ended
        # Quiet kinds: something already shown changed or went away (a renamed resource, a deleted
        # announcement). Open pages and replays follow them (their live parts); they are not news,
        # so no feed shows them and nobody counts them unread. payload: {"object": <what>, "id": <pk>}.
        CONTENT_CHANGED = "content_changed", "Content changed"
        CONTENT_REMOVED = "content_removed", "Content removed"

    QUIET_KINDS = frozenset({Kind.CONTENT_CHANGED, Kind.CONTENT_REMOVED})

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    topic = models.CharField(max_length=64)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who the unread rule (notifications/selectors.py, "The unread rule") treats apart, decided
    # when the event is written: `quiet_for` sees it but it is not news to them (the author of the
    # post replied to, who gets their own copy of the reply; the teacher whose lesson was released);
    # `group_for` counts it within one item per course and kind (a teacher's joins, submissions,
    # completions and posts in their course).
    quiet_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["topic", "id"], name="event_topic_id"),
            # The feed's rule reads all_courses by kind (a new course, not resource copies): without
            # kind in an index that term scanned every catalog copy (docs/performance.md).
            models.Index(fields=["topic", "kind", "id"], name="event_topic_kind_id"),
            models.Index(fields=["course", "id"], name="event_course_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} on {self.topic}"

    @property
    def is_quiet(self) -> bool:
        return self.kind in self.QUIET_KINDS

    @property
    def group_key(self) -> str:
        """The group a grouped event counts in (for `group_for`): its course and kind."""
        return f"{self.course_id}:{self.kind}" if self.group_for_id else ""


class ReadCursor(models.Model):
    """How far a user has read their feed: events up to last_read_id are read.
    One row per user, not one per user and event, so a broadcast writes one row, not thousands."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_cursor")
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} read up to #{self.last_read_id}"


class ReadMark(models.Model):
    """An exception to the cursor for one user and event: read above the cursor (opened, shown on
    /notifications/, "mark read") or unread at or below it ("mark unread"). Written only for what
    one person did to one item, so a broadcast still writes no row per recipient; "mark all read"
    moves the cursor and deletes the marks."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    is_read = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="unique_read_mark")]

    def __str__(self) -> str:
        return f"{self.user} {'read' if self.is_read else 'unread'} #{self.event_id}"
