"""The admin's home grouped by course: {% teaching_courses as courses %} gives the courses the
viewer teaches, each with what needs attention (courses/selectors/workspace.py)."""

from django import template

from ..selectors import workspace

register = template.Library()


@register.simple_tag(takes_context=True)
def teaching_courses(context):
    return list(workspace.with_attention(workspace.teaching(context["request"].user)))
