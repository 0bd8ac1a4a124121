"""Writing an event: a row in the caller's transaction, published to its group after commit."""

import json
from functools import partial

from django.db import connections, transaction

from . import topics
from .delivery.tasks import plan_deliveries
from .models import Event
from .publisher import send_to_groups
from .rendering import event_message
from .selectors import reaches_sockets

SUMMARY_LENGTH = 280

# The transaction-level advisory lock that puts PostgreSQL's event writers in line (any constant
# that no other lock in the project uses; "LMSE" in ASCII).
EVENT_ORDER_LOCK = 0x4C4D5345


def take_turn(using: str) -> None:
    """Make event ids follow commit order, so the newest committed id is a cursor that nothing
    still in flight can fall below (docs/architecture.md, "Event ids follow commit order").

    On PostgreSQL a sequence hands out ids at insert, while transactions commit in another order:
    a client could pass id 51 before the transaction holding 50 commits, and replay (`id > 51`)
    would never send 50. The lock is taken before the id is drawn and released by PostgreSQL only
    after the commit is visible to everyone, so the next event writer draws its id after this one
    committed. Writers queue only from their first event to their commit (bench/writes.py measures
    the cost). SQLite already serialises writers (BEGIN IMMEDIATE), so it needs nothing."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_ORDER_LOCK])


def record(
    *,
    kind: str,
    topic: str,
    title: str,
    url: str = "",
    summary: str = "",
    course=None,
    actor=None,
    about: tuple[str, int] | None = None,
    quoted_by: list[int] | None = None,
    extra: dict | None = None,
    quiet_for_id: int | None = None,
    group_for_id: int | None = None,
) -> Event:
    """`about`: the object the event is about, ("resource", pk), so live parts can find it
    (payload `object`, `id`). `quoted_by`: the ids of earlier events just rewritten because they
    quote it (payload `events`), whose open feed items follow. `extra`: more payload fields (the ids
    a live-parts renderer needs, `urgent`, `acknowledge`). `quiet_for_id` and `group_for_id`: who the
    unread rule treats apart (Event's fields)."""
    payload = {"title": title, "url": url, "summary": summary[:SUMMARY_LENGTH], **(extra or {})}
    if about is not None:
        payload |= {"object": about[0], "id": about[1]}
    if quoted_by:
        payload["events"] = quoted_by
    if course is not None:
        payload |= {"course_code": course.code, "course_title": course.title}
    using = Event.objects.db
    # An event written outside a transaction gets one of its own, so the turn lasts to its commit.
    with transaction.atomic(using=using, savepoint=False):
        take_turn(using)
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
    if not event.is_quiet:
        # Mail and push are the worker's: the request only enqueues, after commit.
        transaction.on_commit(partial(plan_deliveries.enqueue, event.pk), robust=True)
    return event


def publish(event: Event) -> None:
    """Render and encode once, send once to the topic's group; each consumer decides for its own
    user from id, topic and kind, and forwards `text` as it is (no JSON encoding per socket)."""
    if not reaches_sockets(event.topic, event.kind):
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


def rewrite(events, **fields) -> list[int]:
    """Change what recorded events say (`title`, `url`, `summary`) when what they quote changed
    or is gone: every reader renders from the payload, so pages, the API and replays follow. Not
    published again; a feed item already shown in an open page follows when the caller records a
    quiet event naming the returned ids (`record(quoted_by=...)`, rendering.feed_titles)."""
    if "summary" in fields:
        fields["summary"] = fields["summary"][:SUMMARY_LENGTH]
    changed = []
    for event in events:
        payload = event.payload | fields
        if payload != event.payload:
            event.payload = payload
            event.save(update_fields=["payload"])
            changed.append(event.pk)
    return changed
