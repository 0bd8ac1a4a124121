"""The rollups' bookkeeping that must follow every path a subscription begins or ends by (the
services, the admin's deletes, a course's deletion): the site's active weeks count only current
subscribers (services.analytics.subscription_changed). Connected by CoursesConfig.ready."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Subscription
from .services.analytics import subscription_changed


@receiver(post_save, sender=Subscription, dispatch_uid="site_weeks_subscribed")
def subscribed(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        subscription_changed(student_id=instance.student_id)


@receiver(post_delete, sender=Subscription, dispatch_uid="site_weeks_left")
def left(sender, instance: Subscription, origin=None, **kwargs):
    # Deleted with their student, the student's rows go too (nothing to count, nothing to write).
    User = get_user_model()
    if not (isinstance(origin, User) or getattr(origin, "model", None) is User):
        subscription_changed(student_id=instance.student_id)
