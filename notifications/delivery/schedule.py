"""When a delivery may go out, in the recipient's own time zone: after their quiet hours, and
for digests at their digest hour."""

import datetime
from zoneinfo import ZoneInfo


def after_quiet_hours(moment: datetime.datetime, delivery_settings, zone: ZoneInfo) -> datetime.datetime:
    """`moment`, or the end of the quiet hours it falls in. Quiet hours may span midnight
    (22:00-07:00)."""
    start, end = delivery_settings.quiet_from, delivery_settings.quiet_until
    if start is None or end is None or start == end:
        return moment
    local = moment.astimezone(zone)
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return moment
    end_day = local.date() if now < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(end_day, end, tzinfo=zone).astimezone(datetime.UTC)


def last_digest_time(mode: str, delivery_settings, zone: ZoneInfo, now: datetime.datetime) -> datetime.datetime:
    """The most recent moment at or before `now` when this user's daily or weekly digest was due."""
    local = now.astimezone(zone)
    at = datetime.datetime.combine(local.date(), datetime.time(delivery_settings.digest_hour), tzinfo=zone)
    if mode == "weekly":
        at -= datetime.timedelta(days=(local.weekday() - delivery_settings.digest_weekday) % 7)
        if at > local:
            at -= datetime.timedelta(days=7)
    elif at > local:
        at -= datetime.timedelta(days=1)
    return at.astimezone(datetime.UTC)
