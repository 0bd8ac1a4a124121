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
  first by default, or by `sort` (a number: before the first child with a larger `data-sort`);
- `add_only` (optional, true): only add it where the page has none; leave existing elements be
  (a row that also holds something of the viewer's, like "Completed", while another part
  replaces what changed inside it).
A part is rendered once for everyone who receives the event, so it may show only what every
receiver of its topic may see, and nothing about the viewer (no "you", no local time: `{% when %}`
renders UTC here and the browser rewrites it). static/js/activity.js applies the parts.
"""

from collections import defaultdict
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import Event

PARTIAL = "notifications/_event.html"
TITLE_PARTIAL = "notifications/_event_title.html"

PartRenderer = Callable[[Event], list[dict]]
PartPreparer = Callable[[list[Event]], None]
_part_renderers: dict[str, list[PartRenderer]] = defaultdict(list)
_part_preparers: dict[PartPreparer, set[str]] = {}


def live_parts(*kinds: str, prepare: PartPreparer | None = None):
    """Register a renderer of live parts for events of these kinds. `prepare`, if given, reads
    what the renderer needs for many events at once (a page of the API, a replay), in a fixed
    number of queries, and leaves it on the events for the renderer; without it (one published
    event) the renderer reads for itself."""

    def register(renderer: PartRenderer) -> PartRenderer:
        for kind in kinds:
            _part_renderers[kind].append(renderer)
        if prepare is not None:
            _part_preparers.setdefault(prepare, set()).update(kinds)
        return renderer

    return register


def render_parts(event: Event) -> list[dict]:
    parts = []
    for renderer in _part_renderers.get(event.kind, ()):
        parts += renderer(event)
    return parts


def _quoted_events(events: list[Event]) -> None:
    ids = {pk for event in events for pk in event.payload.get("events") or ()}
    quoted = {event.pk: event for event in Event.objects.filter(pk__in=ids)} if ids else {}
    for event in events:
        event.quoted_events = [quoted[pk] for pk in event.payload.get("events") or () if pk in quoted]


@live_parts(*Event.QUIET_KINDS, prepare=_quoted_events)
def feed_titles(event: Event) -> list[dict]:
    """The open feed items of the events a change rewrote (payload `events`: a renamed resource's
    "New resource" item shows its new title; a deleted one's loses its link). Only the title
    line, so an item keeps its unread mark."""
    if not event.payload.get("events"):
        return []
    if not hasattr(event, "quoted_events"):
        _quoted_events([event])
    return [
        {"key": f"event-title-{quoted.pk}", "html": render_to_string(TITLE_PARTIAL, {"event": quoted})}
        for quoted in event.quoted_events
    ]


def event_messages(events) -> list[dict]:
    """The messages of many events (the API's page, a replay): what their parts need is read once
    for all of them, so the queries do not grow with the events."""
    events = list(events)
    for prepare, kinds in _part_preparers.items():
        concerned = [event for event in events if event.kind in kinds]
        if concerned:
            prepare(concerned)
    return [event_message(event) for event in events]


def replays(asks: list[tuple]) -> list[tuple[list[dict], bool]]:
    """For each socket's (membership, after, limit, only_topics, held): the messages of what it lacks
    above `after` (selectors.replay_after), at most `limit` of them, and whether there were more.
    Each socket's events are read for it, and each event is rendered once however many sockets
    replay it (a message is the same for everyone it reaches), so the sockets of a reconnect storm,
    which mostly missed the same events, do not render them once each."""
    found = [
        (selectors.replay_after(membership, after, limit, only_topics=only_topics, held=held), limit)
        for membership, after, limit, only_topics, held in asks
    ]
    distinct = {event.pk: event for events, limit in found for event in events[:limit]}
    messages = dict(zip(distinct, event_messages(distinct.values()), strict=True))
    return [([messages[event.pk] for event in events[:limit]], len(events) > limit) for events, limit in found]


def render_event(event: Event) -> str:
    """The feed item; none for a quiet event, which only changes parts of pages."""
    return "" if event.is_quiet else render_to_string(PARTIAL, {"event": event})


def event_message(event: Event, html: str | None = None) -> dict:
    """The JSON a client receives for an event, over the socket and from the API alike. Rendered in
    UTC whoever's request published it (an instructor's save publishes from their request, in their
    zone): static/js/when.js shows its times in each viewer's."""
    with timezone.override(None):
        return _message(event, html)


def _message(event: Event, html: str | None) -> dict:
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
