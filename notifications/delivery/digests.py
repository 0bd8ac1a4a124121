"""Daily and weekly digests: each user's queued digest deliveries in one mail at their digest hour
in their own time zone. `manage.py send_digests` (hourly from cron, or the worker's scheduler)
calls `send_digests`; a second run in the same period finds the period already sent."""

from django.db import transaction
from django.utils import timezone

from .models import Channel, Delivery, DeliverySettings
from .schedule import last_digest_time
from .sending import claimed, send_mails

FIELDS = {Delivery.Mode.DAILY: "last_daily_digest_at", Delivery.Mode.WEEKLY: "last_weekly_digest_at"}


def send_digests(now=None) -> int:
    """Returns the number of digest mails sent."""
    now = now or timezone.now()
    sent = 0
    for mode, field in FIELDS.items():
        queued = Delivery.objects.filter(channel=Channel.EMAIL, mode=mode, state__in=(Delivery.State.QUEUED,))
        user_ids = set(queued.values_list("user_id", flat=True))
        rows = DeliverySettings.objects.filter(user_id__in=user_ids).select_related("user")  # their zones
        settings_by_user = {row.user_id: row for row in rows}
        for user_id in sorted(user_ids):
            delivery_settings = settings_by_user.get(user_id) or DeliverySettings.objects.create(user_id=user_id)
            due = last_digest_time(mode, delivery_settings, delivery_settings.user.zone, now)
            last = getattr(delivery_settings, field)
            if last is not None and last >= due:
                continue
            with transaction.atomic():
                # The period is claimed with its rows: a concurrent run skips both.
                updated = DeliverySettings.objects.filter(pk=delivery_settings.pk, **{field: last}).update(
                    **{field: due}
                )
                if not updated:
                    continue
                token = f"digest-{mode}-{user_id}-{int(due.timestamp())}"
                queued.filter(user_id=user_id, created_at__lte=due).update(
                    state=Delivery.State.SENDING, claim=token, claimed_at=now
                )
            sent += send_mails(claimed(token), digest=Delivery.Mode(mode).label.split()[0].lower())
    return sent
