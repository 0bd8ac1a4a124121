"""The analytics rollups: which students were active in which course in which week (`ActiveWeek`),
and which were active in any course of theirs in which week (`SiteActiveWeek`, the dashboard across
courses: a distinct count over every course's rows was the slowest figure of the site's page, see
docs/performance.md). Kept current by `services.analytics`: `record_activity`, which every service
that leaves a moment of a student's work calls (a lesson viewed or completed, a quiz attempt started
or submitted, an assignment submitted, a post), and `subscription_changed`, run when a subscription
begins or ends; rebuilt from the source rows by `manage.py rebuild_analytics` (after a bulk insert)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from .catalog import Course, Subscription


class ActiveWeekQuerySet(models.QuerySet):
    def of_subscribers(self) -> "ActiveWeekQuerySet":
        """Rows of current subscribers in their own courses: an instructor's posts are not a
        student's, nor is the work of a student who left."""
        subscribed = Subscription.objects.filter(student=OuterRef("student_id"), course=OuterRef("course_id"))
        return self.filter(Exists(subscribed))


class ActiveWeek(models.Model):
    """Someone did something in a course in the week starting `week` (a Monday, UTC). Whether they
    count (a current subscriber) is the reader's question (`of_subscribers`)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()

    objects = ActiveWeekQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "course", "student"], name="unique_active_week")]
        indexes = [models.Index(fields=["course", "week"], name="active_week_course")]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.course_id}, week of {self.week}"


class SiteActiveWeek(models.Model):
    """A student was active in the week starting `week` in a course they are subscribed to now:
    the `ActiveWeek` rows of current subscribers, one per student and week."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["week", "student"], name="unique_site_active_week")]
        indexes = [models.Index(fields=["student"], name="site_active_week_student")]

    def __str__(self) -> str:
        return f"{self.student_id}, week of {self.week}"
