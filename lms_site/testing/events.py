"""Which events exist after a cursor: what a test compares with what a change wrote or a socket got."""

from notifications.models import Event
from notifications.selectors import visible_events


def newest_id() -> int:
    """The newest event id, 0 when there is none: the cursor a test starts from."""
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_after(after: int, fields=("kind", "topic")) -> list[tuple]:
    """`fields` of each event after `after`, oldest first."""
    return list(Event.objects.filter(id__gt=after).order_by("id").values_list(*fields))


def ids_on(topic: str, after: int) -> set[int]:
    return set(Event.objects.filter(topic=topic, id__gt=after).values_list("id", flat=True))


def visible_ids(user, after: int) -> set[int]:
    """The ids after `after` that `user` may see, as the consumer decides it."""
    return set(visible_events(user).filter(id__gt=after).values_list("id", flat=True))
