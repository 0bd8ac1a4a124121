"""Reads that carry permission: which events a user may see. Pages, the API and the consumer all
ask here, so the rule exists once."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from courses.models import Course

from . import topics
from .models import Event, ReadCursor


@dataclass(frozen=True)
class Membership:
    """What a user follows right now: their topics and the ids of their courses."""

    user_id: int
    is_staff: bool  # site administrators: they get the staff topic (registrations)
    course_ids: frozenset[int] = field(default_factory=frozenset)
    course_topics: frozenset[str] = field(default_factory=frozenset)

    @property
    def topics(self) -> frozenset[str]:
        personal = {topics.user_topic(self.user_id), topics.SYSTEM_EVENTS, topics.ALL_COURSES}
        if self.is_staff:
            personal.add(topics.STAFF)
        return frozenset(personal) | self.course_topics

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(topics.group_for(topic) for topic in self.topics)

    def may_see(self, topic: str, course_id: int | None) -> bool:
        """The delivery rule. Catalog news about one of my own courses is skipped: I get the
        course's own event for it."""
        if topic == topics.ALL_COURSES:
            return course_id is None or course_id not in self.course_ids
        return topic in self.topics

    def event_filter(self) -> Q:
        """The same rule as a query."""
        personal = self.topics - {topics.ALL_COURSES}
        catalog = Q(topic=topics.ALL_COURSES) & (Q(course__isnull=True) | ~Q(course_id__in=self.course_ids))
        return Q(topic__in=personal) | catalog


def membership_for(user) -> Membership:
    """One query: the courses a user is subscribed to or teaches.

    Instructors are `is_staff` too (to reach the admin), but the staff topic carries other people's
    registrations, so it is for site administrators only."""
    courses = Course.objects.filter(Q(subscriptions__student=user) | Q(instructor=user)).values_list("id", "code")
    pairs = set(courses)
    return Membership(
        user_id=user.pk,
        is_staff=user.is_active and user.is_staff and user.is_site_admin,
        course_ids=frozenset(pk for pk, _ in pairs),
        course_topics=frozenset(topics.course_topic(code) for _, code in pairs),
    )


def visible_events(user, membership: Membership | None = None) -> QuerySet[Event]:
    membership = membership or membership_for(user)
    return Event.objects.filter(membership.event_filter())


def latest_visible_id(membership: Membership) -> int:
    return Event.objects.filter(membership.event_filter()).aggregate(latest=Max("id"))["latest"] or 0


def last_read_id(user) -> int:
    return ReadCursor.objects.filter(user=user).values_list("last_read_id", flat=True).first() or 0


def activity_state(user) -> dict:
    """What every page header needs, in three queries: the newest id this user may see (the
    socket's starting cursor), how far they have read, and how many are unread."""
    last_read = last_read_id(user)
    state = visible_events(user).aggregate(latest_id=Max("id"), unread=Count("id", filter=Q(id__gt=last_read)))
    return {"latest_id": state["latest_id"] or 0, "last_read": last_read, "unread": state["unread"]}


def feed_page(user, *, before: int | None = None, limit: int = 20, membership: Membership | None = None):
    """Newest first, one query; `before` pages back in time by id. Items render from their payload
    alone, so no related rows are fetched."""
    events = visible_events(user, membership).order_by("-id")
    if before is not None:
        events = events.filter(id__lt=before)
    return list(events[:limit])


def replay_after(membership: Membership, after: int, limit: int, only_topics=None) -> list[Event]:
    """Events this member may see with id > after, oldest first, at most limit + 1 so the caller
    can tell that more were missed than it will replay. `only_topics` narrows to some topics (the
    courses a socket has just joined)."""
    events = Event.objects.filter(membership.event_filter(), id__gt=after)
    if only_topics is not None:
        events = events.filter(topic__in=sorted(only_topics))
    return list(events.order_by("id")[: limit + 1])


def course_feed(course, limit: int = 20) -> list[Event]:
    """The course page's feed: this course's events. Callers show it to members only."""
    return list(Event.objects.filter(topic=topics.course_topic(course.code)).order_by("-id")[:limit])
