"""What must follow every path a subscription begins or ends by (the services, the admin's deletes,
a course's or an account's deletion): the site's active weeks count only current subscribers
(services.analytics.subscription_changed), and a seat freed by deleting its student's account goes
to the first in line, as one freed by leaving does (services.enrolment.leave does it itself). So
does the seat of an account deactivated or erased, whichever door saved it (the admin, the
erasure, the shell): an inactive account holds no seat (Course.seats_taken).
Connected by CoursesConfig.ready."""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Course, Subscription, WaitlistEntry
from .services.analytics import subscription_changed
from .services.enrolment import fill_free_seats


@receiver(post_save, sender=Subscription, dispatch_uid="site_weeks_subscribed")
def subscribed(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        subscription_changed(student_id=instance.student_id)


@receiver(post_delete, sender=Subscription, dispatch_uid="site_weeks_left")
def left(sender, instance: Subscription, origin=None, **kwargs):
    User = get_user_model()
    if not (isinstance(origin, User) or getattr(origin, "model", None) is User):
        subscription_changed(student_id=instance.student_id)
        return
    # Deleted with their student: the student's rows go too (nothing to count, nothing to write),
    # and their seat is free once the deletion commits.
    course_id = instance.course_id
    transaction.on_commit(lambda: _seat_the_line(course_id))


@receiver(post_save, sender=get_user_model(), dispatch_uid="seats_of_an_inactive_account")
def account_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    # One query, for inactive accounts only (a new account has no subscription yet): the capped
    # courses they are subscribed to where someone waits. Filling is a no-op where no seat is free.
    if created or raw or instance.is_active:
        return
    waiting = WaitlistEntry.objects.filter(course__subscriptions__student=instance, course__capacity__isnull=False)
    for course_id in set(waiting.values_list("course_id", flat=True)):
        transaction.on_commit(partial(_seat_the_line, course_id))


def _seat_the_line(course_id: int) -> None:
    if WaitlistEntry.objects.filter(course_id=course_id).exists():
        fill_free_seats(course=Course.objects.get(pk=course_id))
