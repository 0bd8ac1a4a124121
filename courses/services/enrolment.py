"""The rules of enrolment options: the enrolment key, the open and close dates, capacity with a
waiting list, and invitations. `catalog.subscribe` and `catalog.unsubscribe` call these, so the
pages, the admin, the API and the commands obey them alike.

Seats are counted under a lock of the course row (`SELECT ... FOR UPDATE`): every enrolment of a
course with a capacity, every departure and every promotion from the waiting list runs one at a
time for that course, and the count it reads is the truth (the Subscription rows themselves, no
counter kept beside them that a deletion elsewhere could leave wrong). Courses without a capacity
take no lock. On SQLite the lock is a no-op and IMMEDIATE transactions serialise all writers."""

import datetime

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import attributed

from ..models import Course, Invitation, Subscription, WaitlistEntry
from ..permissions import teaches

INVITATION_DAYS = 14
INVITATION_SALT = "courses.invitation"


def check_may_enrol(*, course: Course, key: str) -> None:
    """The dates and the key, for a student who enrols by themselves (an invitation skips both:
    the instructor chose the person). ValidationError with code `not_open_yet`, `closed`,
    `key_required` or `wrong_key`."""
    state = course.enrolment_state()
    if state == "not_yet":
        raise ValidationError("Enrolment in this course has not opened yet.", code="not_open_yet")
    if state == "closed":
        raise ValidationError("Enrolment in this course has closed.", code="closed")
    if course.has_enrolment_key and not key:
        raise ValidationError("This course asks for an enrolment key.", code="key_required")
    if not course.check_enrolment_key(key):
        raise ValidationError("That enrolment key is not right.", code="wrong_key")


def _lock(course: Course) -> Course:
    """The course row, locked until the transaction ends: one enrolment change at a time."""
    return Course.objects.select_for_update().only("pk", "capacity").get(pk=course.pk)


def take_seat(
    *, user, course: Course, source: str = Subscription.Source.SELF
) -> tuple[Subscription | WaitlistEntry, bool]:
    """A seat if one is free and nobody waits, else a place at the end of the waiting list.
    Returns (the subscription or waiting list entry, created). Call inside a transaction."""
    if course.capacity is None:
        try:
            with transaction.atomic():
                return Subscription.objects.create(student=user, course=course, source=source), True
        except IntegrityError:  # a concurrent request won the race
            return Subscription.objects.get(student=user, course=course), False
    capacity = _lock(course).capacity
    existing = Subscription.objects.filter(student=user, course=course).first()
    if existing:
        return existing, False
    waiting = WaitlistEntry.objects.filter(student=user, course=course).first()
    if waiting:
        return waiting, False
    nobody_waits = not WaitlistEntry.objects.filter(course=course).exists()
    if capacity is None or (course.seats_taken() < capacity and nobody_waits):
        return Subscription.objects.create(student=user, course=course, source=source), True
    return WaitlistEntry.objects.create(student=user, course=course), True


def leave(*, user, course: Course) -> bool:
    """Leave the course or its waiting list; a freed seat goes to the first in line. Returns
    whether anything was left. Call inside a transaction."""
    if course.capacity is not None:
        _lock(course)
    left_line, _ = WaitlistEntry.objects.filter(student=user, course=course).delete()
    deleted, _ = Subscription.objects.filter(student=user, course=course).delete()
    if deleted:
        fill_free_seats(course=course)
    return bool(deleted or left_line)


def fill_free_seats(*, course: Course) -> list[Subscription]:
    """Give the free seats to the first in line, in order (each one's Subscription save tells them,
    live and by mail: notifications/signals.py). Runs after a departure and after a course's
    capacity is raised or removed, and after a subscriber's account is deactivated or erased.
    Returns the new subscriptions."""
    with transaction.atomic():
        if not WaitlistEntry.objects.filter(course=course).exists():
            return []
        capacity = _lock(course).capacity
        # Only those who can use a seat: an inactive account waits without being seated.
        line = WaitlistEntry.objects.filter(course=course, student__is_active=True).select_related("student")
        if capacity is not None:
            free = capacity - course.seats_taken()
            line = line[: max(free, 0)]
        promoted = []
        for entry in list(line):
            entry.delete()
            promoted.append(
                Subscription.objects.create(student=entry.student, course=course, source=Subscription.Source.WAITLIST)
            )
        return promoted


# Invitations.


@attributed("by")
def save_invitation(*, invitation: Invitation, by) -> Invitation:
    """Send a new invitation to a course `by` teaches (an invitation is never changed: a new one is
    sent instead). The worker mails its signed link (notifications/delivery/invitations.py) after
    commit. Events: none."""
    if invitation.pk is not None:
        raise ValidationError("An invitation is not changed once sent; send a new one.")
    if not teaches(by, invitation.course):
        raise PermissionDenied("Only the course's instructor invites to it.")
    invitation.email = invitation.email.strip()
    invitation.invited_by = by
    invitation.expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    invitation.full_clean()
    invitation.save()
    return invitation


def invite(*, course: Course, email: str, by) -> Invitation:
    """save_invitation for a new invitation given by its fields."""
    return save_invitation(invitation=Invitation(course=course, email=email), by=by)


def invitation_token(invitation: Invitation) -> str:
    """The signed part of the mailed link: it names the invitation and cannot be guessed; expiry
    and single use are the row's."""
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> Invitation:
    """The invitation of a genuine link, whatever its state; ValidationError (`invalid`) otherwise."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT)["i"]
        return Invitation.objects.select_related("course", "course__instructor").get(pk=pk)
    except (signing.BadSignature, KeyError, TypeError, ObjectDoesNotExist) as error:
        raise ValidationError("This invitation link is not valid.", code="invalid") from error


def check_invitation(*, invitation: Invitation, user) -> None:
    """Whether this user may accept it now: ValidationError `used`, `expired` or `wrong_account`."""
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.", code="used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask the instructor for a new one.", code="expired")
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise ValidationError(
            "This invitation was sent to another address. Log in with the account of the address it was sent to.",
            code="wrong_account",
        )
