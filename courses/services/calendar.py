"""Writes of what is due: a user's personal calendar feed address. The calendar page calls these;
nothing else writes CalendarFeed rows."""

from django.db import transaction

from ..models import CalendarFeed
from ..models.calendar import new_feed_token


@transaction.atomic
def reset_calendar_feed(*, user) -> CalendarFeed:
    """Give the user a new feed address: the first one, or a new token in place of the old, which
    then answers 404 (a calendar app subscribed to it stops updating). Events: none."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user) -> bool:
    """Turn the user's feed off: its address answers 404 from now on. Returns whether there was
    one. Events: none."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
