"""Web Push (RFC 8030) with VAPID (RFC 8292), payloads encrypted per RFC 8291 by pywebpush. Each
due push delivery goes to every device the user subscribed; a device whose push service answers
404 or 410 has gone and its subscription is removed."""

import json
import logging

from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from .mail import absolute
from .models import Channel, Delivery, PushSubscription

logger = logging.getLogger(__name__)

GONE = (404, 410)


def payload_of(event) -> str:
    return json.dumps(
        {
            "title": event.payload.get("title", ""),
            "body": event.payload.get("summary", "")[:200],
            "url": absolute(event.payload.get("url") or "/"),
            "tag": f"event-{event.pk}",
        }
    )


def push_to(subscription: PushSubscription, data: str) -> None:
    """Send one encrypted message; a gone device is removed, other failures raise."""
    try:
        webpush(
            subscription_info=subscription.as_subscription_info(),
            data=data,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=10,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            return
        raise


def send_due_pushes(limit: int = 500) -> int:
    from .sending import claim, claimed, mark_failed

    if not settings.VAPID_PRIVATE_KEY:
        return 0
    sent = 0
    now = timezone.now()
    due = Delivery.objects.filter(
        channel=Channel.PUSH, state__in=(Delivery.State.QUEUED, Delivery.State.FAILED), due_at__lte=now
    )
    user_ids = list(due.values_list("user_id", flat=True).distinct()[:limit])
    if not user_ids:
        return 0
    by_user = claimed(claim(due, user_ids))
    devices: dict[int, list[PushSubscription]] = {}
    for subscription in PushSubscription.objects.filter(user_id__in=list(by_user)):
        devices.setdefault(subscription.user_id, []).append(subscription)
    for user_id, deliveries in by_user.items():
        for delivery in deliveries:
            try:
                for subscription in devices.get(user_id, []):
                    push_to(subscription, payload_of(delivery.event))
            except Exception as error:
                logger.warning("Push to user #%s failed: %r", user_id, error)
                mark_failed([delivery], error)
                continue
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1, claim=""
            )
            sent += 1
    return sent
