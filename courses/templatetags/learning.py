"""Template helpers of the learning pages: {{ text|markdown }} and per-course progress."""

from django import template

from .. import selectors
from ..markup import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown rendered and sanitised (courses/markup.py): the only way user text becomes HTML."""
    return render_markdown(text or "")


@register.simple_tag(takes_context=True)
def learning_progress(context):
    """{course id: {"done", "total", "percent"}} for the viewer's subscribed courses (two queries)."""
    return selectors.learning_progress(context["request"].user)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def contains(collection, item):
    return item in collection


@register.filter
def editable_by(post, user):
    return post.can_edit(user)
