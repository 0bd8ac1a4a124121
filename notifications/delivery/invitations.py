"""An instructor's invitation to a course, mailed by the worker (courses.services.invite enqueues
it after commit; the request sends nothing). The mail goes to an address, which may have no
account yet, so it is not an event's delivery: one mail per invitation, claimed by a conditional
UPDATE of `mailed_at` so two workers running the same task send it once. A failed send is tried
again by the scheduler (`due`) with the deliveries' backoff, until DELIVERY_MAX_ATTEMPTS or a
permanent refusal; a lost task is caught by the `mail_due_at` each invitation is made with."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from courses.models import Invitation
from courses.services import invitation_token

from .mail import absolute
from .sending import backoff, is_permanent

logger = logging.getLogger(__name__)


def compose(invitation: Invitation) -> EmailMultiAlternatives:
    course = invitation.course
    context = {
        "invitation": invitation,
        "course": course,
        "inviter": invitation.invited_by.display_name() if invitation.invited_by else course.instructor.display_name(),
        "link": absolute(reverse("courses:invitation", args=[invitation_token(invitation)])),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=f"You are invited to {course.code}: {course.title}",
        body=render_to_string("notifications/email/invitation.txt", context),
        to=[invitation.email],
        headers={"Message-ID": f"<invitation-{invitation.pk}@{domain}>", "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("notifications/email/invitation.html", context), "text/html")
    return message


def send(invitation_id: int) -> bool:
    """Mail the invitation unless it was mailed already; returns whether this call sent it. A
    failure gives the claim back with the time of the next try (none after the last)."""
    claimed = Invitation.objects.filter(pk=invitation_id, mailed_at__isnull=True).update(
        mailed_at=timezone.now(), mail_due_at=None
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("course__instructor", "invited_by").get(pk=invitation_id)
    try:
        mailers.default.send_messages([compose(invitation)])
    except Exception as error:
        attempts = invitation.mail_attempts + 1
        final = is_permanent(error) or attempts >= settings.DELIVERY_MAX_ATTEMPTS
        logger.warning("Invitation %s not mailed (try %s%s): %s", invitation_id, attempts, ", the last" * final, error)
        Invitation.objects.filter(pk=invitation_id).update(
            mailed_at=None, mail_attempts=attempts, mail_due_at=None if final else timezone.now() + backoff(attempts)
        )
        return False
    return True


def due(now, limit: int = 100) -> list[int]:
    """Unmailed, unexpired invitations whose next try is due, taken for a claim timeout (so the next
    tick does not enqueue them again; a task lost meanwhile makes them due again)."""
    pending = Invitation.objects.filter(mailed_at__isnull=True, mail_due_at__lte=now, expires_at__gt=now)
    ids = list(pending.values_list("pk", flat=True)[:limit])
    later = now + timedelta(seconds=settings.DELIVERY_CLAIM_TIMEOUT_SECONDS)
    Invitation.objects.filter(pk__in=ids).update(mail_due_at=later)
    return ids
