"""Read state, the one door for every change of it (pages, the API, the shell). Each change tells
every open tab of the user (control.feed_read: the socket's `read` message) what is unread now."""

from django.db import transaction

from . import control, selectors
from .models import Event, ReadCursor, ReadMark


def _cursor(user) -> ReadCursor:
    cursor, _ = ReadCursor.objects.select_for_update().get_or_create(user=user)
    return cursor


def _tell_tabs(user, last_read: int, *, read=(), unread=(), everything: bool = False) -> dict:
    """Every open tab learns the new state; so does this request's page header (the state is kept
    on the request's user, as selectors.request_membership keeps membership)."""
    state = selectors.unread_state(user, last_read)
    control.feed_read(
        user.pk,
        last_read,
        unread=state["unread"],
        groups=state["groups"],
        read_ids=sorted(read),
        unread_ids=sorted(unread),
        all=everything,
    )
    user._request_read_state = {"last_read": last_read, **state}
    return state


@transaction.atomic
def mark_all_read(*, user) -> int:
    """Move the user's read cursor to the newest event they may see, drop their per-item marks, and
    tell every open tab."""
    latest = selectors.latest_visible_id(selectors.membership_for(user))
    cursor = _cursor(user)
    if latest > cursor.last_read_id:
        cursor.last_read_id = latest
        cursor.save(update_fields=["last_read_id", "updated_at"])
    ReadMark.objects.filter(user=user).delete()
    _tell_tabs(user, cursor.last_read_id, everything=True)
    return cursor.last_read_id


def mark_read(*, user, events: list[Event], keep_marked_unread: bool = False) -> list[int]:
    """These events, which the caller has checked the user may see, are read (opened, or shown on
    /notifications/). `keep_marked_unread`: what the user marked unread stays so (being listed is
    not reading what one asked to keep). Returns the ids that changed from unread to read.

    Not one transaction, and the cursor is not locked: each statement is a whole change on its own
    and marks are idempotent (a read mark at or below a cursor that "mark all read" moved meanwhile
    says what the cursor says, and that one deletes the marks)."""
    if not events:
        return []
    last_read = selectors.last_read_id(user)
    ids = {event.pk for event in events}
    marks = dict(ReadMark.objects.filter(user=user, event_id__in=ids).values_list("event_id", "is_read"))
    if keep_marked_unread:
        ids = {pk for pk in ids if marks.get(pk) is not False}
    kept_unread = {pk for pk in ids if marks.get(pk) is False}
    changed = kept_unread | {pk for pk in ids if pk > last_read and pk not in marks}
    if not changed:
        return []
    if kept_unread:
        ReadMark.objects.filter(user=user, event_id__in=kept_unread, is_read=False).delete()
    above = sorted(pk for pk in changed if pk > last_read)
    marks = [ReadMark(user=user, event_id=pk, is_read=True) for pk in above]
    ReadMark.objects.bulk_create(marks, ignore_conflicts=True)
    _tell_tabs(user, last_read, read=changed)
    return sorted(changed)


def mark_unread(*, user, event: Event) -> None:
    """The user keeps this event unread until they open it or mark it read; being shown on
    /notifications/ does not read it."""
    ReadMark.objects.update_or_create(user=user, event=event, defaults={"is_read": False})
    _tell_tabs(user, selectors.last_read_id(user), unread=[event.pk])
