"""Live parts of a course's analytics dashboard (templates/admin/courses/analytics/course.html): each
section (`analytics-<course id>-<section>`) rendered again from courses.selectors.analytics, with the
page's own partial, when what it counts changes:
- a student completes a lesson (by hand, a quiz or an assignment submitted) or posts, or a
  submission is graded (the backlog): a quiet `content_changed` (`object: analytics`, `sections`)
  that notifications/signals.py writes on the course instructor's own topic: the figures are the
  teacher's, and a part of the course's topic would reach its students;
- an assignment is submitted: `assignment_submitted`, already on the instructor's topic.
A part shows the course's figures as they are now, so only the newest event of a course renders
in a replay (`prepare`), and an event on the topic of someone who no longer teaches the course
renders nothing. The site admins' dashboard across courses is told which of its sections changed
and reads them itself (notifications/signals.py, site_analytics_changed)."""

from django.template.loader import render_to_string
from django.urls import reverse

from courses.selectors import analytics

from . import topics
from .models import Event
from .rendering import live_parts

Kind = Event.Kind
SUBMITTED = ["assignments", "activity", "at_risk"]


def _sections(event: Event) -> list[str]:
    if event.kind == Kind.ASSIGNMENT_SUBMITTED:
        return SUBMITTED
    if event.payload.get("object") != "analytics":
        return []
    return [section for section in event.payload.get("sections") or () if section in analytics.SECTION_TITLES]


def newest_only(events: list[Event]) -> None:
    """In a replay, each course's section is rendered once, by its newest event (what it shows is
    the state now, the same for all of them)."""
    done: set[tuple] = set()
    for event in sorted(events, key=lambda e: e.pk, reverse=True):
        wanted = [section for section in _sections(event) if (event.course_id, section) not in done]
        done.update((event.course_id, section) for section in wanted)
        event.analytics_sections = wanted


@live_parts(Kind.CONTENT_CHANGED, Kind.ASSIGNMENT_SUBMITTED, prepare=newest_only)
def analytics_parts(event: Event) -> list[dict]:
    sections = getattr(event, "analytics_sections", None)
    if sections is None:
        sections = _sections(event)
    course = event.course if sections else None
    if course is None or event.topic != topics.user_topic(course.instructor_id):
        return []
    context = {"course": course, "csv_base": reverse("admin:courses_course_analytics", args=[course.pk])}
    return [
        {
            "key": f"analytics-{course.pk}-{section['key']}",
            "html": render_to_string("admin/courses/analytics/_section.html", context | {"section": section}).strip(),
        }
        for section in analytics.course_sections(course, sections)
    ]
