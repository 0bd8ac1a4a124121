"""The seats left of a course with a capacity, live on every open page that shows them (the course
page): a quiet `content_changed` (object "seats") on the catalog topic, written when a seat is
taken or freed, or a subscriber's account is deactivated or active again (notifications/signals.py;
only active accounts hold seats), reaches every socket (selectors.LIVE_CATALOG_KINDS),
members or not, since the public course page shows the count to anyone who may see the course.
Rendered once from the page's own partial, as counted at publish time; not replayed (a page loaded
later counts for itself).

And the waiting list's own block on the course page of the student a seat came to: their
"A seat opened" event is on their own topic, which no one else follows, so the part may speak to
them; it turns "On the waiting list" into "Subscribed" without a reload."""

from django.template.loader import render_to_string

from courses import selectors
from courses.models import Course

from .models import Event
from .rendering import live_parts


@live_parts(Event.Kind.CONTENT_CHANGED)
def seats_left(event: Event) -> list[dict]:
    if event.payload.get("object") != "seats":
        return []
    course = Course.objects.filter(pk=event.payload["id"], is_published=True).first()
    if course is None:
        return []
    key = f"course-seats-{course.code}"
    if course.capacity is None:
        return [{"key": key, "html": ""}]
    context = {"course": course, "seats_left": selectors.seats_left(course)}
    return [{"key": key, "html": render_to_string("courses/catalog/_seats.html", context).strip()}]


@live_parts(Event.Kind.SUBSCRIPTION)
def promoted_from_waitlist(event: Event) -> list[dict]:
    if not event.payload.get("waitlist") or event.course_id is None:
        return []
    course = Course.objects.filter(pk=event.course_id).first()
    if course is None:
        return []
    html = render_to_string("courses/catalog/_waitlist_promoted.html", {"course": course})
    return [{"key": f"waitlist-{course.code}", "html": html.strip()}]
