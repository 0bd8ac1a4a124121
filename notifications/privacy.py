"""What the notifications app holds about a person, for their data export and their erasure
(accounts/privacy/registry.py)."""

from django.db.models import Q

from accounts.privacy.erasure import mentioning, replacer
from accounts.privacy.registry import eraser, export_section

from . import topics
from .models import Event, ReadCursor, ReadMark


@export_section("notifications")
def notifications(user) -> dict:
    """Events addressed to the person (their own topic) and whether each is read, plus the events
    their own actions caused."""
    cursor = ReadCursor.objects.filter(user=user).first()
    last_read = cursor.last_read_id if cursor else 0
    marks = dict(ReadMark.objects.filter(user=user).values_list("event_id", "is_read"))

    def row(event: Event) -> dict:
        return {"id": event.pk, "kind": event.kind, "created_at": event.created_at, **event.payload}

    own_topic = topics.user_topic(user.pk)
    addressed = Event.objects.filter(topic=own_topic).order_by("id")
    caused = Event.objects.filter(actor=user).exclude(topic=own_topic).order_by("id")
    return {
        "read_up_to_event": last_read,
        "marked_read_or_unread": [{"event": pk, "read": is_read} for pk, is_read in sorted(marks.items())],
        "addressed_to_you": [row(e) | {"read": marks.get(e.pk, e.pk <= last_read)} for e in addressed],
        "caused_by_you": [row(e) for e in caused],
    }


@eraser
def erase_events(user, names) -> None:
    """Events addressed to the person go. The others stay (they are other people's history too),
    with no actor, FORMER_MEMBER wherever a title or summary named the person, and no summary for
    their own discussion posts (it was the post's text)."""
    ReadCursor.objects.filter(user=user).delete()
    ReadMark.objects.filter(user=user).delete()
    Event.objects.filter(topic=topics.user_topic(user.pk)).delete()
    # Who the unread rule treated apart: nobody now.
    Event.objects.filter(quiet_for=user).update(quiet_for=None)
    Event.objects.filter(group_for=user).update(group_for=None)
    replace = replacer(names)
    for event in Event.objects.filter(Q(actor=user) | mentioning("payload", names)):
        payload = dict(event.payload)
        for key in ("title", "summary"):
            if key in payload:
                payload[key] = replace(payload[key])
        if event.actor_id == user.pk:
            event.actor = None
            if event.kind == Event.Kind.DISCUSSION_POST:
                payload["summary"] = ""
        event.payload = payload
        event.save(update_fields=["payload", "actor"])
