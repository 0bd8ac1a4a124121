"""{% when value %}: every time a page shows, in the viewer's time zone with the zone named, inside
a <time datetime> element for machines. The active zone is the user's (accounts.middleware.
TimeZoneMiddleware); a partial rendered once for many users (a pushed feed item) is rendered in
UTC and activity.js rewrites its [data-when] elements in the browser's zone."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()

FORMATS = {
    "datetime": "j M Y, H:i T",
    "date": "j M Y",
    "time": "H:i T",
}


@register.simple_tag
def when(value, style: str = "datetime"):
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" data-when="{}">{}</time>', value.isoformat(), style, date_format(local, FORMATS[style])
    )
