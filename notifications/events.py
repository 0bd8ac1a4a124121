"""Writing an event: a row in the caller's transaction, published to its group after commit."""

import json
from functools import partial

from django.db import transaction

from . import topics
from .models import Event
from .publisher import send_to_groups
from .rendering import event_message
from .selectors import reaches_personal_feeds

SUMMARY_LENGTH = 280


def record(
    *,
    kind: str,
    topic: str,
    title: str,
    url: str = "",
    summary: str = "",
    course=None,
    actor=None,
    quiet_for_id: int | None = None,
    group_for_id: int | None = None,
) -> Event:
    """`quiet_for_id` and `group_for_id`: who the unread rule treats apart (Event's fields)."""
    payload = {"title": title, "url": url, "summary": summary[:SUMMARY_LENGTH]}
    if course is not None:
        payload |= {"course_code": course.code, "course_title": course.title}
    event = Event.objects.create(
        kind=kind,
        topic=topic,
        course=course,
        actor=actor,
        quiet_for_id=quiet_for_id,
        group_for_id=group_for_id,
        payload=payload,
    )
    transaction.on_commit(partial(publish, event), robust=True)
    return event


def publish(event: Event) -> None:
    """Render and encode once, send once to the topic's group; each consumer decides for its own
    user from id, topic and kind, and forwards `text` as it is (no JSON encoding per socket)."""
    if not reaches_personal_feeds(event.topic, event.kind):
        # Every socket is in all_courses and would drop a catalog copy of a resource: ringing them
        # all would be one wasted dispatch per socket, half the work of a resource's fan-out
        # (docs/performance.md). The catalog page reads it from the table.
        return
    message = {
        "type": "activity.event",
        "id": event.pk,
        "topic": event.topic,
        "kind": event.kind,
        "text": json.dumps(event_message(event)),
    }
    send_to_groups([topics.group_for(event.topic)], message)


def rewrite(events, **fields) -> int:
    """Change what recorded events say (`title`, `url`, `summary`) when what they quote changed
    or is gone: every reader renders from the payload, so pages, the API and replays follow. Not
    published again: a feed item already shown in an open page stays until it reloads."""
    if "summary" in fields:
        fields["summary"] = fields["summary"][:SUMMARY_LENGTH]
    changed = 0
    for event in events:
        payload = event.payload | fields
        if payload != event.payload:
            event.payload = payload
            event.save(update_fields=["payload"])
            changed += 1
    return changed
