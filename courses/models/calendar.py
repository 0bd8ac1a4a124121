"""What is due: the secret address of a user's calendar feed (iCalendar), one per user."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The token in a personal feed address (`/calendar/<token>.ics`). Whoever has the address reads
    the user's due dates without logging in (calendar apps cannot log in), so it is secret and
    revocable: resetting replaces the token, turning the feed off deletes the row; either way the
    old address answers 404. Written only by courses/services/calendar.py."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
