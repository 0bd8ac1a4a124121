"""An event becomes one feed item, rendered from one partial, the same for page load and push;
and the live parts of open pages it changes, rendered once per event as well.

Live parts: besides the feed, an event may change what other parts of an open page show (a
course page's resource list, a lesson, a grade). A feature registers a renderer for the event
kinds that concern it (`@live_parts(Event.Kind.NEW_RESOURCE, ...)`, from its own module, imported
by its AppConfig.ready); the event's message then carries `parts`, a list of
`{"key", "html", "list", "sort"}`:
- `key`: the page elements it replaces (`[data-live="<key>"]`, all of them, wherever they are);
- `html`: the new element (its root carries the same `data-live`), or "" to remove them;
- `list` (optional): where a new one goes when the page has none yet (`[data-live-list="<list>"]`),
  first by default, or by `sort` (a number: before the first child with a larger `data-sort`).
A part is rendered once for everyone who receives the event, so it may show only what every
receiver of its topic may see, and nothing about the viewer (no "you", no local time: `{% when %}`
renders UTC here and the browser rewrites it). static/js/activity.js applies the parts.
"""

from collections import defaultdict
from collections.abc import Callable

from django.template.loader import render_to_string

from .models import Event

PARTIAL = "notifications/_event.html"

PartRenderer = Callable[[Event], list[dict]]
_part_renderers: dict[str, list[PartRenderer]] = defaultdict(list)


def live_parts(*kinds: str):
    """Register a renderer of live parts for events of these kinds."""

    def register(renderer: PartRenderer) -> PartRenderer:
        for kind in kinds:
            _part_renderers[kind].append(renderer)
        return renderer

    return register


def render_parts(event: Event) -> list[dict]:
    parts = []
    for renderer in _part_renderers.get(event.kind, ()):
        parts += renderer(event)
    return parts


def render_event(event: Event) -> str:
    """The feed item; none for a quiet event, which only changes parts of pages."""
    return "" if event.is_quiet else render_to_string(PARTIAL, {"event": event})


def event_message(event: Event, html: str | None = None) -> dict:
    """The JSON a client receives for an event, over the socket and from the API alike."""
    return {
        "type": "event",
        "id": event.pk,
        "kind": event.kind,
        "topic": event.topic,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
        # The unread rule's facts about people (selectors.counts_for), for the browser to mirror:
        # not unread for these users; counted once per `group` for `group_for`.
        "not_for": [pk for pk in (event.actor_id, event.quiet_for_id) if pk],
        "group_for": event.group_for_id,
        "group": event.group_key,
        "html": render_event(event) if html is None else html,
        "parts": render_parts(event),
    }
