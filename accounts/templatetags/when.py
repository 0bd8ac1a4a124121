"""{% when value %}: every moment a page shows, in the viewer's time zone with the zone named, inside
a <time datetime> element for machines.

    {% when post.created_at %}                  3 Dec 2026, 14:00 CET
    {% when lesson.release_at "date" %}         3 Dec 2026
    {% when attempt.deadline "time" %}          14:00 CET
    {% when row.last_seen_at relative=True %}   2 hours ago      (the absolute time as its title)
    {% when quiz.due_at relative="both" %}      3 Dec 2026, 14:00 CET (in 3 days)

The zone is the active one: the user's, activated for every request by
accounts.middleware.TimeZoneMiddleware. A partial rendered once for many users (a feed item, a live
part: notifications/rendering.py) has no viewer, so it renders in the site's zone (UTC); every
element carries the zone it was rendered in (`data-zone`) and static/js/when.js rewrites those in
another zone than the viewer's (`<body data-time-zone>`, else the browser's) with the same format.
"""

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

register = template.Library()

# The date and time parts; the zone is appended by zone_label. The same as the site's formats
# (lms_site/formats/en/formats.py) and as static/js/when.js writes them.
FORMATS = {
    "datetime": "j M Y, H:i",
    "date": "j M Y",
    "time": "H:i",
}


def zone_label(local: datetime) -> str:
    """The zone's abbreviation ("CET", "EST", "UTC"), or its offset ("UTC+4", "UTC+5:30") for the
    zones the tz database names by offset only ("+04"), as browsers write it (static/js/when.js)."""
    name = local.tzname() or ""
    if name[:1] not in "+-" or not name[1:].isdigit():
        return name
    hours, minutes = int(name[1:3]), name[3:5]
    return f"UTC{name[0]}{hours}" + (f":{minutes}" if minutes and minutes != "00" else "")


def absolute(local: datetime, style: str) -> str:
    text = date_format(local, FORMATS[style])
    return text if style == "date" else f"{text} {zone_label(local)}"


def relative_text(value: datetime, now: datetime | None = None) -> str:
    """ "in 3 days", "2 hours ago", "just now": the largest unit only."""
    now = now or timezone.now()
    if abs(value - now) < timedelta(minutes=1):
        return "just now"
    if value > now:
        return f"in {timeuntil(value, now, depth=1)}"
    return f"{timesince(value, now, depth=1)} ago"


@register.simple_tag
def when(value, style: str = "datetime", relative: bool | str = False):
    if value is None or value == "":
        return ""
    if style not in FORMATS:
        raise template.TemplateSyntaxError(f"{{% when %}} style must be one of {', '.join(FORMATS)}, not {style!r}.")
    if not isinstance(value, datetime):
        if isinstance(value, date):  # a calendar date is no moment: no zone to convert or name
            return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "j M Y"))
        return value
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    local = timezone.localtime(value)
    shown = absolute(local, style)
    attributes = format_html(
        'datetime="{}" data-when="{}" data-zone="{}"',
        local.isoformat(timespec="seconds"),
        style,
        timezone.get_current_timezone_name(),
    )
    if relative == "both":
        return format_html(
            '<time {}>{}</time> <span class="when-relative">({})</span>', attributes, shown, relative_text(value)
        )
    if relative:
        return format_html('<time {} data-relative title="{}">{}</time>', attributes, shown, relative_text(value))
    return format_html("<time {}>{}</time>", attributes, shown)
