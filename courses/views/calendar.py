"""What is due: the calendar (a month grid and an agenda list of the same month), the personal
iCalendar feed and the buttons that make or revoke its address. Every list comes from
courses/selectors/calendar.py; the feed's address is written by courses/services/calendar.py."""

import calendar as calendars
import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from .. import selectors, services
from ..calendar_feed import build_feed
from ..models import CalendarFeed

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
#: How far back the feed goes: calendar apps keep what they fetched before, but a new subscriber
#: should see recent deadlines too.
FEED_PAST = timedelta(days=90)


def _month(value: str | None) -> date:
    """The first day of the month asked for (?month=YYYY-MM), this month by default; else 404."""
    if not value:
        return timezone.localdate().replace(day=1)
    match = _MONTH.match(value)
    # A year with a month before and after it that dates and time zones can express.
    if not match or not (1 <= int(match[2]) <= 12 and 1000 <= int(match[1]) <= 9998):
        raise Http404("No such month.")
    return date(int(match[1]), int(match[2]), 1)


def _following(first: date) -> date:
    return (first + timedelta(days=31)).replace(day=1)


def _preceding(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _month_items(request, first: date) -> dict[date, list]:
    """The month's items by day, in the viewer's time zone (its midnights bound the month)."""
    zone = timezone.get_current_timezone()
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    following = _following(first)
    end = datetime(following.year, following.month, 1, tzinfo=zone)
    by_day = defaultdict(list)
    for item in selectors.due_between(request.user, start=start, end=end):
        by_day[timezone.localtime(item.at, zone).date()].append(item)
    return by_day


def _context(request, first: date, view_name: str) -> dict:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(reverse("courses:calendar_feed", args=[feed.token])) if feed else ""
    return {
        "month": first,
        "month_param": first.strftime("%Y-%m"),
        "previous": _preceding(first).strftime("%Y-%m"),
        "next": _following(first).strftime("%Y-%m"),
        "today": timezone.localdate(),
        "view_name": view_name,
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1),
    }


@login_required
@require_GET
def month(request):
    first = _month(request.GET.get("month"))
    by_day = _month_items(request, first)
    weeks = [
        [{"date": day, "in_month": day.month == first.month, "items": by_day.get(day, [])} for day in week]
        for week in calendars.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    context = _context(request, first, "courses:calendar") | {
        "weeks": weeks,
        "weekdays": list(calendars.day_name),
        "count": sum(len(items) for items in by_day.values()),
    }
    return render(request, "courses/calendar/month.html", context)


@login_required
@require_GET
def agenda(request):
    first = _month(request.GET.get("month"))
    days = sorted(_month_items(request, first).items())
    return render(request, "courses/calendar/agenda.html", _context(request, first, "courses:agenda") | {"days": days})


@login_required
@require_POST
def feed_reset(request):
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.reset_calendar_feed(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address; the old one no longer works."
        if had_one
        else "Your calendar feed address is ready.",
    )
    return redirect("courses:calendar")


@login_required
@require_POST
def feed_revoke(request):
    if services.revoke_calendar_feed(user=request.user):
        messages.success(request, "Your calendar feed is turned off; its address no longer works.")
    return redirect("courses:calendar")


@require_safe  # calendar apps may ask with HEAD first
def feed(request, token: str):
    """The feed, for calendar apps: no session, the secret address is the key. An unknown or
    revoked address, or an inactive account's, is a 404."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404("No such calendar.")
    items = selectors.due_between(found.user, start=timezone.now() - FEED_PAST)
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = build_feed(items, base_url=base_url, name=f"{settings.SITE_NAME}: what is due")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="due.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
