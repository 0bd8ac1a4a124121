"""Writes that touch more than one row. Views, admin actions, the API and management commands
all call these, so each rule exists once. Events follow from the saves (notifications/signals.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Announcement, Course, Resource, Subscription


@transaction.atomic
def subscribe(*, user, course: Course) -> tuple[Subscription, bool]:
    """Idempotent: subscribing twice keeps the first subscription. Returns (subscription, created)."""
    if not course.is_published:
        raise ValidationError("This course is not open for subscription.")
    if course.instructor_id == user.pk:
        raise ValidationError("You teach this course.")
    existing = Subscription.objects.filter(student=user, course=course).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return Subscription.objects.create(student=user, course=course), True
    except IntegrityError:  # a concurrent request won the race
        return Subscription.objects.get(student=user, course=course), False


@transaction.atomic
def unsubscribe(*, user, course: Course) -> bool:
    """Idempotent. Returns whether a subscription was removed."""
    deleted, _ = Subscription.objects.filter(student=user, course=course).delete()
    return bool(deleted)


def mark_course_viewed(*, user, course: Course) -> None:
    Subscription.objects.filter(student=user, course=course).update(last_viewed_at=timezone.now())


def add_resource(*, course: Course, title: str, file=None, url: str = "", body: str = "") -> Resource:
    resource = Resource(course=course, title=title, url=url, body=body)
    if file is not None:
        resource.file = file
    resource.full_clean()
    resource.save()
    return resource


def post_announcement(*, author, title: str, body: str, course: Course | None = None) -> Announcement:
    if course is None and not author.is_site_admin:
        raise PermissionDenied("Only administrators post site-wide announcements.")
    if course is not None and not (author.is_site_admin or course.instructor_id == author.pk):
        raise PermissionDenied("Only the course's instructor posts its announcements.")
    announcement = Announcement(author=author, title=title, body=body, course=course)
    announcement.full_clean()
    announcement.save()
    return announcement
