"""{% upcoming_panel %} and {% upcoming_panel course %}: the Upcoming panel of the dashboard and of a
course's outline, so those pages' views stay unaware of it (one query: selectors.upcoming)."""

from django import template

from .. import selectors

register = template.Library()


def list_name(course=None) -> str:
    """The panel's data-live-list: one for the dashboard, one per course outline."""
    return f"upcoming-{course.pk}" if course is not None else "upcoming"


@register.inclusion_tag("courses/calendar/_upcoming.html", takes_context=True)
def upcoming_panel(context, course=None):
    user = context["request"].user
    return {"items": selectors.upcoming(user, course=course), "list_name": list_name(course)}
