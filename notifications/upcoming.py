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
from courses.selectors import lesson_due_item
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


def _from_object(event: Event) -> int | None:
    """A quiet change's lesson: payload {"object": "lesson"|"assignment"|"quiz", "id": pk}."""
    kind, pk = event.payload.get("object"), event.payload.get("id")
    if kind == "lesson":
        return pk
    settings_model = {"assignment": Assignment, "quiz": Quiz}.get(kind)
    if settings_model is None:
        return None
    return settings_model.objects.filter(pk=pk).values_list("lesson_id", flat=True).first()


_LESSON_OF = {
    Event.Kind.NEW_LESSON: _from_url,
    Event.Kind.CONTENT_CHANGED: _from_object,
    Event.Kind.CONTENT_REMOVED: _from_object,
}


@live_parts(*_LESSON_OF)
def upcoming_parts(event: Event) -> list[dict]:
    lesson_id = _LESSON_OF[event.kind](event)
    if lesson_id is None:
        return []
    key = f"due-lesson-{lesson_id}"
    # Removed first, then added at its place by time: a release becomes a due date elsewhere.
    parts = [{"key": key, "html": ""}]
    item = lesson_due_item(lesson_id)
    if item is not None:
        html = render_to_string(ITEM, {"item": item, "live": True})
        for name in (list_name(), list_name(item.course)):
            parts.append({"key": key, "html": html, "list": name, "sort": item.sort})
    return parts
