"""How delivery is doing, for `manage.py lms_health` and `/healthz`: is a worker alive (its
scheduler's heartbeat), how many deliveries wait, and how long the oldest due one has waited."""

import datetime

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from .models import Delivery, WorkerHeartbeat


def worker_status(now=None) -> dict:
    now = now or timezone.now()
    seen = WorkerHeartbeat.objects.aggregate(latest=Max("seen_at"))["latest"]
    age = (now - seen).total_seconds() if seen else None
    alive = age is not None and age <= settings.WORKER_STALE_SECONDS
    return {"status": "ok" if alive else "down", "heartbeat_age_seconds": None if age is None else round(age, 1)}


def queue_status(now=None) -> dict:
    now = now or timezone.now()
    due = Delivery.objects.filter(
        state__in=(Delivery.State.QUEUED, Delivery.State.FAILED, Delivery.State.SENDING),
        mode=Delivery.Mode.IMMEDIATE,
        due_at__lte=now,
    )
    oldest = due.aggregate(oldest=Min("due_at"))["oldest"]
    return {
        "due": due.count(),
        "dead": Delivery.objects.filter(state=Delivery.State.DEAD).count(),
        "oldest_due_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
    }


def queue_is_stuck(queue: dict) -> bool:
    """Deliveries due for longer than a worker needs to pick them up several times over."""
    limit = datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS).total_seconds()
    return queue["oldest_due_seconds"] > limit
