from django.db import transaction

from . import control, selectors
from .models import ReadCursor


@transaction.atomic
def mark_all_read(*, user) -> int:
    """Move the user's read cursor to the newest event they may see, and tell every open tab."""
    latest = selectors.latest_visible_id(selectors.membership_for(user))
    cursor, _ = ReadCursor.objects.select_for_update().get_or_create(user=user)
    if latest > cursor.last_read_id:
        cursor.last_read_id = latest
        cursor.save(update_fields=["last_read_id", "updated_at"])
    control.feed_read(user.pk, cursor.last_read_id)
    return cursor.last_read_id
