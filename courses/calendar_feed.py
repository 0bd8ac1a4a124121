"""The personal iCalendar feed (RFC 5545) that Google Calendar, Outlook and Apple Calendar subscribe
to, written with the `icalendar` library: every due item once, as a VEVENT with a stable UID (an
app updates the event instead of adding a copy), its time in UTC (each app shows it in its own
zone, so the time is right wherever the reader is) and the address of the item on this site."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from .selectors.calendar import DueItem

PRODID = "-//Lumen LMS//What is due//EN"
#: How often subscribed apps should fetch the feed again (most take it as a hint).
REFRESH = timedelta(hours=1)


def build_feed(items: list[DueItem], *, base_url: str, name: str, now: datetime | None = None) -> bytes:
    """The calendar as bytes. `base_url` is this site's origin (https://host), for the URLs."""
    stamp = (now or timezone.now()).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        # A moment, not a span: no DTEND (RFC 5545 3.6.1: the event ends when it starts).
        event.add("dtstart", item.at.astimezone(UTC))
        event.add("summary", f"{item.course.code}: {item.title} ({item.label.lower()})")
        event.add("url", base_url + item.url)
        event.add("description", f"{item.label}: {item.title}, {item.course.title}.\n{base_url}{item.url}")
        event.add("categories", [item.course.code])
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(event)
    return calendar.to_ical()
