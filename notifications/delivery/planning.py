"""An event becomes deliveries: one row per recipient and channel they chose, with the moment it
may go out. Runs in the worker (tasks.plan_deliveries), never in the request that wrote the event.
Idempotent: the rows are unique per event, user and channel, so planning twice adds nothing."""

import datetime

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from .. import selectors
from ..models import Event
from . import preferences
from .models import Channel, Delivery, DeliverySettings, EmailMode, PushSubscription
from .schedule import after_quiet_hours

DIGEST_MODES = {EmailMode.DAILY: Delivery.Mode.DAILY, EmailMode.WEEKLY: Delivery.Mode.WEEKLY}


def plan(event_id: int) -> int:
    """Create the event's deliveries; returns how many rows were new."""
    event = Event.objects.filter(pk=event_id).select_related("course").first()
    if event is None or event.is_quiet:
        return 0
    kind = preferences.kind_of(event)
    if kind not in preferences.DEFAULTS:
        return 0
    urgent = kind == preferences.URGENT
    # The unread rule's exceptions hold for mail too: nothing you did yourself, and not a copy you
    # get elsewhere (the course's copy of a reply to your post; your personal one is mailed).
    users = list(
        selectors.recipients_of(event).exclude(pk__in=[pk for pk in (event.actor_id, event.quiet_for_id) if pk])
    )
    if not users:
        return 0
    ids = [user.pk for user in users]
    choices = preferences.choices_for(ids)
    by_user = {row.user_id: row for row in DeliverySettings.objects.filter(user_id__in=ids)}
    muted = set(
        DeliverySettings.muted_courses.through.objects.filter(
            deliverysettings__user_id__in=ids, course_id=event.course_id
        ).values_list("deliverysettings__user_id", flat=True)
    )
    pushable = set(PushSubscription.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
    pending = dict(
        Delivery.objects.filter(
            user_id__in=ids,
            channel=Channel.EMAIL,
            mode=Delivery.Mode.IMMEDIATE,
            state__in=(Delivery.State.QUEUED, Delivery.State.FAILED),
        )
        .values("user_id")
        .annotate(first=Min("due_at"))
        .values_list("user_id", "first")
    )
    # When each last had an immediate mail: the next waits for the window to close.
    last_mail = dict(
        Delivery.objects.filter(
            user_id__in=ids, channel=Channel.EMAIL, mode=Delivery.Mode.IMMEDIATE, sent_at__isnull=False
        )
        .values("user_id")
        .annotate(last=Max("sent_at"))
        .values_list("user_id", "last")
    )
    now = timezone.now()
    window = datetime.timedelta(seconds=settings.MAIL_COALESCE_SECONDS)
    rows = []
    for user in users:
        if user.pk in muted and not urgent:
            continue
        choice = choices[user.pk][kind]
        delivery_settings = by_user.get(user.pk) or DeliverySettings(user=user)
        zone = user.zone
        common = {"event": event, "user": user, "urgent": urgent}
        if urgent or choice.email == EmailMode.IMMEDIATELY:
            # Coalescing: a mail already waiting takes this event along; right after a mail the
            # next waits for the window to close, so a burst becomes at most two mails.
            # Urgent goes at once: it neither waits for the window nor joins a held mail.
            last = last_mail.get(user.pk)
            due = pending.get(user.pk) or (last + window if last and last + window > now else now)
            due = now if urgent else after_quiet_hours(due, delivery_settings, zone)
            rows.append(Delivery(channel=Channel.EMAIL, mode=Delivery.Mode.IMMEDIATE, due_at=due, **common))
        elif choice.email in DIGEST_MODES:
            rows.append(Delivery(channel=Channel.EMAIL, mode=DIGEST_MODES[choice.email], due_at=now, **common))
        if (urgent or choice.push) and user.pk in pushable:
            due = now if urgent else after_quiet_hours(now, delivery_settings, zone)
            rows.append(Delivery(channel=Channel.PUSH, due_at=due, **common))
    before = Delivery.objects.filter(event=event).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Delivery.objects.filter(event=event).count() - before
