"""An event becomes one feed item, rendered from one partial, the same for page load and push."""

from django.template.loader import render_to_string

from .models import Event

PARTIAL = "notifications/_event.html"


def render_event(event: Event) -> str:
    return render_to_string(PARTIAL, {"event": event})


def event_message(event: Event, html: str | None = None) -> dict:
    """The JSON a client receives for an event, over the socket and from the API alike."""
    return {
        "type": "event",
        "id": event.pk,
        "kind": event.kind,
        "topic": event.topic,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
        "html": render_event(event) if html is None else html,
    }
