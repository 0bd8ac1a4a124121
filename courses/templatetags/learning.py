"""Template helpers of the learning pages: {{ text|markdown }}, {{ text|markdown_text }} and
per-course progress."""

from django import template

from .. import selectors
from ..markup import markdown_to_text, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown rendered and sanitised (courses/markup.py): the only way user text becomes HTML."""
    return render_markdown(text or "")


@register.filter
def markdown_text(text):
    """User text quoted in one line (a feed item's summary): the words without the Markdown, as
    plain text that the template escapes like any other string."""
    return markdown_to_text(text or "")


@register.simple_tag(takes_context=True)
def progress_in(context, course_id):
    """The viewer's progress in one of their subscribed courses, for a dashboard card. Every card of
    the page shares one query: the progress of all my courses, read once per request."""
    request = context["request"]
    if not hasattr(request, "_learning_progress"):
        request._learning_progress = selectors.learning_progress(request.user)
    return request._learning_progress.get(course_id)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def contains(collection, item):
    return item in collection


@register.filter
def editable_by(post, user):
    return post.can_edit(user)


@register.filter
def live_sort(item) -> int:
    """A module's or lesson's place as one number for a live list's `data-sort`: they are ordered
    by (position, id)."""
    return item.position * 1_000_000_000 + item.pk
