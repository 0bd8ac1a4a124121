"""One mail for one person from one or more deliveries: HTML and plain text from templates, the
site's name and links back, a one-click unsubscribe (RFC 8058), and a Message-ID made from the
first delivery's idempotency key, so a mail sent again after a crash is the same mail."""

from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from courses.services import acknowledgement_token

from . import preferences

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def unsubscribe_token(user, kind: str | None) -> str:
    return signing.dumps({"u": user.pk, "k": kind or ""}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str | None]:
    """(user id, kind or None for every kind); raises signing.BadSignature. No expiry: a link in an
    old mail must still work."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["u"]), data["k"] or None


def subject_for(events, *, digest: str | None = None) -> str:
    if digest:
        return f"Your {digest} digest from {settings.SITE_NAME}: {len(events)} new"
    if len(events) == 1:
        event = events[0]
        prefix = "Urgent: " if event.payload.get("urgent") else ""
        course = event.payload.get("course_code")
        return f"{prefix}{event.payload.get('title', '')}" + (f" ({course})" if course else "")
    courses = Counter(event.payload.get("course_code") for event in events)
    if len(courses) == 1 and None not in courses:
        return f"{len(events)} new in {next(iter(courses))}"
    return f"{len(events)} new on {settings.SITE_NAME}"


def compose(user, deliveries, *, digest: str | None = None) -> EmailMultiAlternatives:
    events = [delivery.event for delivery in deliveries]
    for event in events:
        event.link = absolute(event.payload.get("url") or "/")
        if event.payload.get("acknowledge"):
            token = acknowledgement_token(user=user, announcement_id=event.payload["acknowledge"])
            event.acknowledge_link = absolute(reverse("courses:acknowledge_by_link", args=[token]))
    kinds = {preferences.kind_of(event) for event in events}
    token = unsubscribe_token(user, next(iter(kinds)) if len(kinds) == 1 else None)
    unsubscribe_url = absolute(reverse("notifications:unsubscribe", args=[token]))
    context = {
        "user": user,
        "events": events,
        "digest": digest,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
        "kind_label": preferences.LABELS.get(next(iter(kinds))) if len(kinds) == 1 else None,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    first = min(deliveries, key=lambda delivery: delivery.pk)
    message = EmailMultiAlternatives(
        subject=subject_for(events, digest=digest),
        body=render_to_string("notifications/email/notification.txt", context),
        to=[user.email],
        headers={
            "Message-ID": f"<{first.key}@{domain}>",
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("notifications/email/notification.html", context), "text/html")
    return message
