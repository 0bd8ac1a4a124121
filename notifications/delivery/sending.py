"""The worker's side of delivery: claim what is due, send it, record the outcome.

Exactly once, per delivery: a run claims rows (state `sending`, its own claim token, committed),
sends, and marks them `sent` in a transaction of their own right after the server accepted the
mail. A worker killed between the server's "accepted" and that commit leaves rows `sending`; after
CLAIM_TIMEOUT `recover_stale` puts them back to `queued` and the mail is sent again with the same
Message-ID (its first delivery's key), which receiving servers and clients deduplicate. That
window is one SMTP reply long; anywhere else a crash loses nothing and repeats nothing.

Failures: a refused recipient (a permanent 5xx) is dead at once; anything else (server down, a
timeout, a 4xx) is retried with exponential backoff and full jitter until MAX_ATTEMPTS, then dead.
Each recipient's mail is its own unit: one failing address never holds up the others."""

import datetime
import logging
import random
import smtplib
import uuid

from django.conf import settings
from django.core.mail import mailers
from django.db.models import F
from django.utils import timezone

from ..models import ReadCursor
from . import push
from .mail import compose
from .models import Channel, Delivery

logger = logging.getLogger(__name__)

DUE_STATES = (Delivery.State.QUEUED, Delivery.State.FAILED)
BATCH_USERS = 200


def backoff(attempts: int) -> datetime.timedelta:
    """Exponential backoff with full jitter: up to base * 2^(attempts-1), capped."""
    ceiling = min(settings.DELIVERY_RETRY_MAX_SECONDS, settings.DELIVERY_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return datetime.timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500 and error.smtp_code != 554


def due_immediate(channel: str, now=None):
    now = now or timezone.now()
    return Delivery.objects.filter(channel=channel, mode=Delivery.Mode.IMMEDIATE, state__in=DUE_STATES, due_at__lte=now)


def claim(deliveries, user_ids) -> str:
    """Take the due rows of these users for one run; a concurrent run takes the others."""
    token = uuid.uuid4().hex
    deliveries.filter(user_id__in=user_ids, state__in=DUE_STATES).update(
        state=Delivery.State.SENDING, claim=token, claimed_at=timezone.now()
    )
    return token


def claimed(token: str) -> dict[int, list[Delivery]]:
    by_user: dict[int, list[Delivery]] = {}
    rows = Delivery.objects.filter(claim=token, state=Delivery.State.SENDING).select_related("event", "user")
    for delivery in rows.order_by("user_id", "event_id"):
        by_user.setdefault(delivery.user_id, []).append(delivery)
    return by_user


def drop_read(by_user: dict[int, list[Delivery]]) -> dict[int, list[Delivery]]:
    """Deliveries whose event the user read in the site before the mail went are not sent (state
    `read`); urgent ones go anyway. One query for the whole batch."""
    cursors = dict(ReadCursor.objects.filter(user_id__in=list(by_user)).values_list("user_id", "last_read_id"))
    read = [
        d
        for deliveries in by_user.values()
        for d in deliveries
        if d.event_id <= cursors.get(d.user_id, 0) and not d.urgent
    ]
    if read:
        Delivery.objects.filter(pk__in=[d.pk for d in read]).update(state=Delivery.State.READ, claim="")
    read_ids = {d.pk for d in read}
    return {user_id: [d for d in deliveries if d.pk not in read_ids] for user_id, deliveries in by_user.items()}


def mark_sent(deliveries: list[Delivery]) -> None:
    """One UPDATE, committed at once: the end of the window in which a crash repeats a mail."""
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        state=Delivery.State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="", claim=""
    )


def mark_failed(deliveries: list[Delivery], error: Exception) -> None:
    permanent = is_permanent(error)
    now = timezone.now()
    for delivery in deliveries:
        attempts = delivery.attempts + 1
        dead = permanent or attempts >= settings.DELIVERY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.DEAD if dead else Delivery.State.FAILED,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            due_at=now if dead else now + backoff(attempts),
            claim="",
        )


def send_mails(by_user: dict[int, list[Delivery]], *, digest: str | None = None) -> int:
    """One mail per user over one connection; each outcome recorded as soon as it is known."""
    sent = 0
    connection = mailers.default
    if not digest:
        by_user = drop_read(by_user)
    try:
        for deliveries in by_user.values():
            if not deliveries:
                continue
            try:
                connection.send_messages([compose(deliveries[0].user, deliveries, digest=digest)])
            except Exception as error:  # the server, the network, the address: retried or dead
                logger.warning("Mail to user #%s failed: %r", deliveries[0].user_id, error)
                mark_failed(deliveries, error)
                connection.close()  # a broken connection is reopened for the next recipient
                continue
            mark_sent(deliveries)
            sent += 1
    finally:
        connection.close()
    return sent


def send_due(limit_users: int = BATCH_USERS) -> int:
    """Send every due immediate mail and push, in batches of users; returns mails sent."""
    total = 0
    while True:
        due = due_immediate(Channel.EMAIL)
        user_ids = list(due.values_list("user_id", flat=True).distinct()[:limit_users])
        if not user_ids:
            break
        token = claim(due, user_ids)
        total += send_mails(claimed(token))
    push.send_due_pushes()
    return total


def recover_stale() -> int:
    """Rows left `sending` by a worker that died: due again (the mail goes again, same Message-ID)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.DELIVERY_CLAIM_TIMEOUT_SECONDS)
    return Delivery.objects.filter(state=Delivery.State.SENDING, claimed_at__lt=cutoff).update(
        state=Delivery.State.QUEUED, claim="", due_at=timezone.now()
    )


def retry(deliveries) -> int:
    """An administrator's retry of dead or failed deliveries: due now, attempts counted afresh."""
    return deliveries.filter(state__in=(Delivery.State.DEAD, Delivery.State.FAILED)).update(
        state=Delivery.State.QUEUED, attempts=0, due_at=timezone.now(), claim=""
    )
