"""The activity feed on any page: {% activity_feed %} for my feed, {% activity_feed course %} for
one course's. Rendered from the same partial the socket pushes. {% latest_event_id %}: the socket's
starting cursor for a page without the site's header (the admin's analytics dashboard)."""

from django import template
from django.conf import settings

from .. import selectors

register = template.Library()


@register.inclusion_tag("notifications/_feed.html", takes_context=True)
def activity_feed(context, course=None):
    user = context["request"].user
    if course is None:
        events = selectors.feed_page(user, limit=settings.FEED_PAGE_SIZE)
    else:
        events = selectors.course_feed(course, limit=settings.FEED_PAGE_SIZE)
    # Unread as the header counted it (selectors.unread_state): no query of its own.
    return {"events": selectors.mark_unread(events, context["activity"]), "course": course}


@register.inclusion_tag("notifications/_catalog_news.html")
def catalog_news():
    """Just added across the catalog: new courses and new resources of published courses."""
    return {"events": selectors.catalog_news()}


@register.simple_tag
def latest_event_id() -> int:
    """The newest id of the log (a primary-key lookup): the page shows everything up to it, the
    socket brings what comes after. Without the header's unread state, which the page does not show."""
    return selectors.resume_cursor()
