"""Reads of the catalog: courses, resources, announcements, subscriptions, the dashboard. Who may see
what comes from courses/permissions.py; these add the queries and the 404s."""

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import (
    Acknowledgement,
    Announcement,
    Course,
    Resource,
    Subscription,
    WaitlistEntry,
)
from ..permissions import is_member, member_courses, visible_courses
from .search import search_courses


def catalog_courses(user, query: str = "") -> QuerySet[Course]:
    """The courses this user may see, in code order; with a query, those matching it in their code,
    title, description or instructor's name, best first (selectors/search.py)."""
    courses = visible_courses(user).select_related("instructor")
    # A correlated count, computed for the page's rows only; a GROUP BY would count the
    # subscriptions of every course before paginating (measured in docs/performance.md).
    subscribers = (
        Subscription.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    courses = courses.annotate(subscriber_count=Coalesce(Subquery(subscribers), 0)).order_by("code")
    return search_courses(courses, query) if query else courses


def get_course_for_user(user, code: str) -> Course:
    """The course if this user may see it at all, else 404 (never 403: we do not confirm that a
    hidden course exists)."""
    return get_object_or_404(visible_courses(user).select_related("instructor"), code=code)


def get_member_course(user, code: str) -> Course:
    """The course if this user may read its content (files, lessons, threads), else 404."""
    course = get_course_for_user(user, code)
    if not is_member(user, course):
        raise Http404("Not a member of this course.")
    return course


def subscription_for(user, course: Course) -> Subscription | None:
    if not user.is_authenticated:
        return None
    return Subscription.objects.filter(student=user, course=course).first()


def seats_left(course: Course) -> int | None:
    """Free seats (None: no limit; 0 when more are enrolled than a lowered capacity)."""
    if course.capacity is None:
        return None
    return max(course.capacity - course.seats_taken(), 0)


def waitlist_entry_for(user, course: Course) -> WaitlistEntry | None:
    if not user.is_authenticated or course.capacity is None:
        return None
    return WaitlistEntry.objects.filter(student=user, course=course).first()


def course_resources(course: Course) -> QuerySet[Resource]:
    return course.resources.all()


def course_announcements(course: Course) -> QuerySet[Announcement]:
    """With `acknowledged` and `expected` (with_acknowledgement_counts), in the same query."""
    return with_acknowledgement_counts(course.announcements.select_related("author"))


def _expected_acknowledgements(course) -> QuerySet[Subscription]:
    """Who is asked to acknowledge a course's announcements: its student members (active
    subscribers of a published course)."""
    return Subscription.objects.filter(course=course, course__is_published=True, student__is_active=True)


def acknowledgement_expected(course: Course) -> int:
    return _expected_acknowledgements(course).count()


def with_acknowledgement_counts(announcements: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """Each with `acknowledged` and `expected`, in the same query."""
    expected = _expected_acknowledgements(OuterRef("course")).values("course").annotate(n=Count("pk")).values("n")
    acknowledged = (
        Acknowledgement.objects.filter(announcement=OuterRef("pk")).values("announcement").annotate(n=Count("pk"))
    )
    return announcements.annotate(
        acknowledged=Coalesce(Subquery(acknowledged.values("n")), 0), expected=Coalesce(Subquery(expected), 0)
    )


def acknowledged_ids(user, course: Course) -> set[int]:
    """The announcements of this course the user has acknowledged."""
    if not user.is_authenticated:
        return set()
    return set(
        Acknowledgement.objects.filter(user=user, announcement__course=course).values_list("announcement_id", flat=True)
    )


def dashboard(user) -> list[Subscription]:
    """My subscriptions of the courses I am a member of (an unpublished course has no student
    members: it leaves the dashboard as its page answers 404), each with what was added since I
    last viewed that course, in three queries however many courses, resources and announcements
    there are."""
    mine = member_courses(user)  # the permissions rule, as a subquery of each of the three
    subscriptions = list(
        Subscription.objects.filter(student=user, course__in=mine).select_related("course", "course__instructor")
    )
    # One join per query: the F() refers to the subscription row of this same student.
    new_resources = Resource.objects.filter(
        course__in=mine, course__subscriptions__student=user, created_at__gt=F("course__subscriptions__last_viewed_at")
    ).order_by("-created_at")
    new_announcements = Announcement.objects.filter(
        course__in=mine, course__subscriptions__student=user, created_at__gt=F("course__subscriptions__last_viewed_at")
    ).order_by("-created_at")
    by_course: dict[int, dict[str, list]] = {s.course_id: {"resources": [], "announcements": []} for s in subscriptions}
    for resource in new_resources:
        by_course[resource.course_id]["resources"].append(resource)
    for announcement in new_announcements:
        by_course[announcement.course_id]["announcements"].append(announcement)
    for subscription in subscriptions:
        subscription.new_resources = by_course[subscription.course_id]["resources"]
        subscription.new_announcements = by_course[subscription.course_id]["announcements"]
    return subscriptions


def taught_courses(user) -> QuerySet[Course]:
    return Course.objects.taught_by(user).annotate(subscriber_count=Count("subscriptions"))


def site_announcements(limit: int = 5) -> QuerySet[Announcement]:
    return Announcement.objects.site_wide().select_related("author")[:limit]
