"""Writes of the catalog: courses, publishing, subscriptions, resources and announcements.

The pages, the admin (save_model, inlines, actions), the API and the commands all call these, so
each rule exists once. Events follow from the saves (notifications/signals.py); each docstring
names the ones it causes."""

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import attributed

from ..models import (
    Acknowledgement,
    Announcement,
    Course,
    Invitation,
    Reminder,
    Resource,
    Subscription,
    WaitlistEntry,
)
from ..permissions import course_members, has_paid_access, is_member, is_site_admin, teaches
from . import enrolment


@transaction.atomic
def subscribe(
    *, user, course: Course, key: str = "", invitation: Invitation | None = None, purchased: bool = False
) -> tuple[Subscription | WaitlistEntry, bool]:
    """Idempotent: subscribing twice keeps the first subscription (or place in line). Returns
    (subscription, created), or (waiting list entry, created) when the course is full
    (services/enrolment.py: the key, the dates and the seats). A paid course needs
    `has_paid_access` (a purchase or the all-access plan). An `invitation`, already checked by
    accept_invitation, and a settled purchase (`purchased`: the dates were checked when its
    checkout began) skip the key and the dates. Events: `subscription`, to the student and to the
    instructor, when a seat is taken; a quiet `content_changed` (object "seats") on all_courses when
    the course has a capacity."""
    if not course.is_published:
        raise ValidationError("This course is not open for subscription.")
    if course.instructor_id == user.pk:
        raise ValidationError("You teach this course.")
    existing = (
        Subscription.objects.filter(student=user, course=course).first()
        or WaitlistEntry.objects.filter(student=user, course=course).first()
    )
    if existing:
        return existing, False
    # Payments' gate: a paid course is joined by a buyer or an all-access member only.
    if not has_paid_access(user, course):
        raise ValidationError("This is a paid course: buy it to join.")
    if invitation is None and not purchased:
        enrolment.check_may_enrol(course=course, key=key)
    source = Subscription.Source.INVITATION if invitation else Subscription.Source.SELF
    return enrolment.take_seat(user=user, course=course, source=source)


@transaction.atomic
def unsubscribe(*, user, course: Course) -> bool:
    """Idempotent: leave the course, or its waiting list. Returns whether anything was left. A
    freed seat goes to the first in line at once (enrolment.fill_free_seats). Events: none for the
    one who leaves (their open sockets leave the course, notifications/signals.py); `subscription`
    for the one promoted; the seats' quiet `content_changed`."""
    return enrolment.leave(user=user, course=course)


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> Subscription | WaitlistEntry:
    """Use an invitation's link, once, as the account of the address it was sent to: enrols (or,
    when the course is full, puts in line) whatever the key and the dates. ValidationError
    (`used`, `expired`, `wrong_account`, or subscribe's) otherwise. Events: subscribe's."""
    invitation = Invitation.objects.select_for_update().select_related("course").get(pk=invitation.pk)
    enrolment.check_invitation(invitation=invitation, user=user)
    place, _ = subscribe(user=user, course=invitation.course, invitation=invitation)
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return place


def mark_course_viewed(*, user, course: Course) -> None:
    """What the dashboard counts as new starts after now. Events: none."""
    Subscription.objects.filter(student=user, course=course).update(last_viewed_at=timezone.now())


@attributed("by")
@transaction.atomic
def save_course(*, course: Course, by) -> Course:
    """Create or change a course. An instructor's course is always their own; a site admin may
    name its instructor. Events: `course_published` when this save publishes it."""
    if course.pk is None:
        if not (is_site_admin(by) or by.is_instructor):
            raise PermissionDenied("Only instructors create courses.")
    elif not teaches(by, Course.objects.get(pk=course.pk)):
        raise PermissionDenied("Only the course's instructor changes it.")
    if not is_site_admin(by):
        course.instructor = by
    course.full_clean()
    course.save()
    # A raised or removed capacity seats the first in line.
    enrolment.fill_free_seats(course=course)
    return course


@attributed("by")
def set_published(*, course: Course, published: bool, by) -> bool:
    """Publish or unpublish; returns whether anything changed. One save per course (never a bulk
    update), so publishing is an event. Events: `course_published` on the first publishing only
    (republishing is not news, Course.first_published_at); unpublishing
    takes the course off its students' sockets and, with a quiet `content_removed` on each
    subscriber's topic, off their open dashboards (notifications/signals.py)."""
    if course.is_published == published:
        return False
    course.is_published = published
    save_course(course=course, by=by)
    return True


@attributed("by")
def save_resource(*, resource: Resource, by=None) -> Resource:
    """Add or change a resource of a course `by` teaches (None: the operator, from a command or the
    shell). Events: `new_resource` when added, on the
    course's topic and, while the course is published, its catalog copy on all_courses; a quiet
    `content_changed` on the course's topic when its title or kind changed."""
    if by is not None and not teaches(by, resource.course):
        raise PermissionDenied("Only the course's instructor adds its resources.")
    resource.full_clean()
    resource.save()
    return resource


def add_resource(*, course: Course, title: str, file=None, url: str = "", body: str = "", by=None) -> Resource:
    """save_resource for a new resource given by its fields. Exactly one of file, url, body."""
    resource = Resource(course=course, title=title, url=url, body=body)
    if file is not None:
        resource.file = file
    return save_resource(resource=resource, by=by)


@attributed("by")
def save_announcement(*, announcement: Announcement, by) -> Announcement:
    """Post or change an announcement. A course's announcements are its instructor's (or a site
    admin's); a site-wide one (no course) is a site admin's. `by` None is the operator (a command or
    the shell), who may post anywhere. A new one is signed by `by`. Events: `announcement` when posted, on
    the course's topic, or on system_events for a site-wide one."""
    if announcement.course_id is None and by is not None and not is_site_admin(by):
        raise PermissionDenied("Only administrators post site-wide announcements.")
    if announcement.course_id is not None and by is not None and not teaches(by, announcement.course):
        raise PermissionDenied("Only the course's instructor posts its announcements.")
    if announcement.pk is None:
        announcement.author = by
    announcement.full_clean()
    announcement.save()
    return announcement


def post_announcement(
    *, author, title: str, body: str, course: Course | None = None, urgent: bool = False, acknowledge: bool = False
) -> Announcement:
    """save_announcement for a new announcement given by its fields."""
    announcement = Announcement(
        title=title, body=body, course=course, is_urgent=urgent, requires_acknowledgement=acknowledge
    )
    return save_announcement(announcement=announcement, by=author)


def acknowledge(*, announcement: Announcement, user) -> bool:
    """ "I have read this", once per member (the page's button or the mail's signed link). Returns
    whether it is new. Events: a quiet `content_changed` (object "acknowledgements") to the
    course's instructor, whose open pages update the count."""
    if not announcement.requires_acknowledgement:
        raise ValidationError("This announcement does not ask to be acknowledged.")
    if announcement.course_id is not None and not is_member(user, announcement.course):
        raise PermissionDenied("Only the course's members acknowledge its announcements.")
    _, created = Acknowledgement.objects.get_or_create(announcement=announcement, user=user)
    return created


ACKNOWLEDGEMENT_SALT = "courses.acknowledgement"


def acknowledgement_token(*, user, announcement_id: int) -> str:
    """The signed part of the mail's "I have read this" link (no expiry: the mail may be read late)."""
    return signing.dumps({"u": user.pk, "a": announcement_id}, salt=ACKNOWLEDGEMENT_SALT)


def read_acknowledgement_token(token: str) -> tuple[Announcement, object]:
    """(announcement, user) of a valid link; ValidationError otherwise."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=ACKNOWLEDGEMENT_SALT)
        announcement = Announcement.objects.select_related("course").get(pk=data["a"], requires_acknowledgement=True)
        user = get_user_model().objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, ObjectDoesNotExist) as error:
        raise ValidationError("Not a valid acknowledgement link.") from error
    return announcement, user


def remind_unacknowledged(*, announcement: Announcement, by) -> int:
    """Remind each member who has not acknowledged yet, by a personal `announcement` event each
    (a Reminder row; delivered by their preferences, urgent if the announcement is). Returns how
    many."""
    if not teaches(by, announcement.course):
        raise PermissionDenied("Only the course's instructor reminds its members.")
    members = course_members(announcement.course).exclude(pk=announcement.course.instructor_id)
    missing = list(members.exclude(pk__in=announcement.acknowledgements.values("user_id")))
    with transaction.atomic():
        for user in missing:
            Reminder.objects.create(announcement=announcement, user=user)
    return len(missing)
