"""Live parts of course pages (notifications/rendering.py): what an event changes on open pages,
rendered once per event. Here and not in courses: courses never imports notifications (the
dependency rule), so the renderers that know both live on this side."""

from django.template.loader import render_to_string

from courses import selectors
from courses.models import Announcement

from .models import Event
from .rendering import live_parts


@live_parts(Event.Kind.CONTENT_CHANGED)
def acknowledgement_count(event: Event) -> list[dict]:
    """A member acknowledged an announcement: its count on the instructor's open course page."""
    if event.payload.get("object") != "acknowledgements":
        return []
    announcement = Announcement.objects.filter(pk=event.payload.get("id")).select_related("course").first()
    if announcement is None or announcement.course is None:
        return []
    context = {
        "announcement_id": announcement.pk,
        "done": announcement.acknowledgements.count(),
        "expected": selectors.acknowledgement_expected(announcement.course),
    }
    key = f"acknowledgements-{announcement.pk}"
    return [{"key": key, "html": render_to_string("courses/catalog/_acknowledgement_count.html", context)}]
