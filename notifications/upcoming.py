"""Live parts of the Upcoming panel (dashboard and course outline, courses/templatetags/due.py):
when an event changes what is due in a course, the lesson's item is rendered once, as every member
of the course sees it (no one's own "done", which their page had at load), and replaces the old one
or goes into its place in the panels' lists (`sort`: its time).

Each handled kind names the lesson it concerns (`_LESSON_OF`); the parts follow from the lesson's
state now (courses.selectors.lesson_due_item), so a replayed event renders what is true on replay.
A kind that changes due dates is added by mapping it to its lesson here."""

from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from courses.models import Assignment, Quiz
from courses.selectors import lesson_due_items
from courses.templatetags.due import list_name

from .models import Event
from .rendering import live_parts

ITEM = "courses/calendar/_due_item.html"


def _from_url(event: Event) -> int | None:
    """A new_lesson event's lesson: its payload's address is the lesson's page."""
    try:
        match = resolve(event.payload.get("url", ""))
    except Resolver404:
        return None
    return match.kwargs.get("pk") if match.view_name == "courses:lesson" else None


SETTINGS = {"assignment": Assignment, "quiz": Quiz}


def _from_object(event: Event) -> int | None:
    """A quiet change's lesson: payload {"object": "lesson"|"assignment"|"quiz", "id": pk}."""
    kind, pk = event.payload.get("object"), event.payload.get("id")
    if kind == "lesson":
        return pk
    if kind not in SETTINGS:
        return None
    return SETTINGS[kind].objects.filter(pk=pk).values_list("lesson_id", flat=True).first()


_LESSON_OF = {
    Event.Kind.NEW_LESSON: _from_url,
    Event.Kind.CONTENT_CHANGED: _from_object,
    Event.Kind.CONTENT_REMOVED: _from_object,
}


def prepare(events: list[Event]) -> None:
    """For a page of events: each one's lesson and its item, in a query per settings model and
    one for all the items."""
    settings_ids = {name: set() for name in SETTINGS}
    for event in events:
        name = event.payload.get("object")
        if event.kind != Event.Kind.NEW_LESSON and name in SETTINGS:
            settings_ids[name].add(event.payload.get("id"))
    lesson_of_settings = {
        (name, pk): lesson_id
        for name, ids in settings_ids.items()
        if ids
        for pk, lesson_id in SETTINGS[name].objects.filter(pk__in=ids).values_list("pk", "lesson_id")
    }
    for event in events:
        name = event.payload.get("object")
        if event.kind == Event.Kind.NEW_LESSON:
            event.upcoming_lesson_id = _from_url(event)
        elif name in SETTINGS:
            event.upcoming_lesson_id = lesson_of_settings.get((name, event.payload.get("id")))
        else:
            event.upcoming_lesson_id = event.payload.get("id") if name == "lesson" else None
    ids = {event.upcoming_lesson_id for event in events if event.upcoming_lesson_id is not None}
    items = lesson_due_items(ids) if ids else {}
    for event in events:
        event.upcoming_item = items.get(event.upcoming_lesson_id)


@live_parts(*_LESSON_OF, prepare=prepare)
def upcoming_parts(event: Event) -> list[dict]:
    if not hasattr(event, "upcoming_lesson_id"):
        prepare([event])
    lesson_id = event.upcoming_lesson_id
    if lesson_id is None:
        return []
    key = f"due-lesson-{lesson_id}"
    # Removed first, then added at its place by time: a release becomes a due date elsewhere.
    parts = [{"key": key, "html": ""}]
    item = event.upcoming_item
    if item is not None:
        html = render_to_string(ITEM, {"item": item, "live": True})
        for name in (list_name(), list_name(item.course)):
            parts.append({"key": key, "html": html, "list": name, "sort": item.sort})
    return parts
