"""Reads that carry permission: which events a user may see. Pages, the API and the consumer all
ask here, so the rule exists once."""

from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet

from courses.permissions import is_site_admin, member_courses

from . import topics
from .models import Event, ReadCursor

# Catalog-topic kinds that are news for every user, not only for the catalog page.
PERSONAL_CATALOG_KINDS = (Event.Kind.COURSE_PUBLISHED,)


def reaches_personal_feeds(topic: str, kind: str) -> bool:
    """Whether an event may reach anyone's feed at all. From the catalog topic only news for
    everyone does (a new course); the catalog copy of a resource added to some course stays on the
    catalog page, or every resource of every course would be everyone's notification.

    Membership.may_see asks it for each socket; events.publish asks it once, so no doorbell rings
    for an event every socket would drop."""
    return topic != topics.ALL_COURSES or kind in PERSONAL_CATALOG_KINDS


@dataclass(frozen=True)
class Membership:
    """What a user follows right now: their topics, their courses' among them."""

    user_id: int
    is_staff: bool  # site administrators: they get the staff topic (registrations)
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

    def may_see(self, topic: str, kind: str) -> bool:
        """The delivery rule: a topic this user follows, and news that reaches feeds at all."""
        return topic in self.topics and reaches_personal_feeds(topic, kind)

    def event_filter(self) -> Q:
        """The same rule as a query."""
        personal = self.topics - {topics.ALL_COURSES}
        return Q(topic__in=personal) | Q(topic=topics.ALL_COURSES, kind__in=PERSONAL_CATALOG_KINDS)


def membership_for(user) -> Membership:
    """One query: the courses whose events reach this user (courses.permissions.member_courses:
    those they teach, and the published ones they are subscribed to). The staff topic carries other
    people's registrations, so it is for site administrators only (instructors are `is_staff` too,
    to reach the admin)."""
    codes = member_courses(user).values_list("code", flat=True)
    return Membership(
        user_id=user.pk,
        is_staff=is_site_admin(user),
        course_topics=frozenset(topics.course_topic(code) for code in codes),
    )


def request_membership(user) -> Membership:
    """membership_for, read once per request: the header and the feed of one page share it. Only
    for request-scoped user objects; a socket, which lives on, calls membership_for afresh."""
    if getattr(user, "_request_membership", None) is None:
        user._request_membership = membership_for(user)
    return user._request_membership


def visible_events(user, membership: Membership | None = None) -> QuerySet[Event]:
    """Every event this user may receive, quiet ones included (replays need them)."""
    membership = membership or request_membership(user)
    return Event.objects.filter(membership.event_filter())


def news_for(user, membership: Membership | None = None) -> QuerySet[Event]:
    """What feeds show and unread counts: the visible events that are news (not quiet)."""
    return visible_events(user, membership).exclude(kind__in=Event.QUIET_KINDS)


def latest_visible_id(membership: Membership) -> int:
    return Event.objects.filter(membership.event_filter()).aggregate(latest=Max("id"))["latest"] or 0


def last_read_id(user) -> int:
    return ReadCursor.objects.filter(user=user).values_list("last_read_id", flat=True).first() or 0


# The badge says "99+" beyond: counting every unread event of a student who never opened the feed
# was the slowest query of every page header (docs/performance.md).
UNREAD_CAP = 100


def activity_state(user) -> dict:
    """What every page header needs, in four cheap queries: membership, how far the user has read,
    how many are unread (counted up to UNREAD_CAP), and the socket's starting cursor. The cursor is
    the newest id of the whole log (a primary-key lookup): the page holds everything visible up to
    it, and the socket replays only what comes after."""
    last_read = last_read_id(user)
    unread = news_for(user).filter(id__gt=last_read)[:UNREAD_CAP].count()
    latest = Event.objects.aggregate(latest=Max("id"))["latest"] or 0
    return {"latest_id": latest, "last_read": last_read, "unread": unread}


def feed_page(user, *, limit: int = 20, membership: Membership | None = None):
    """The newest events, one query. Items render from their payload alone, so no related rows
    are fetched."""
    return list(news_for(user, membership).order_by("-id")[:limit])


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
    events = Event.objects.filter(topic=topics.course_topic(course.code)).exclude(kind__in=Event.QUIET_KINDS)
    return list(events.order_by("-id")[:limit])


def catalog_news(limit: int = 6) -> list[Event]:
    """What was just added across the catalog, for the catalog page: public titles of published
    courses only (a course may have been unpublished since)."""
    events = Event.objects.filter(topic=topics.ALL_COURSES).filter(
        Q(course__isnull=True) | Q(course__is_published=True)
    )
    return list(events.order_by("-id")[:limit])


def recipients_of(event: Event) -> QuerySet:
    """Everyone an event reaches (the inverse of Membership.may_see), for delivery by mail and
    push: the members of its course, the user of a personal topic, everyone for site-wide news, the
    site admins for the staff topic. Active users with an address only."""
    from django.contrib.auth import get_user_model

    from courses.permissions import course_members

    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    topic = event.topic
    if topic.startswith("course:"):
        return users.filter(pk__in=course_members(event.course).values("pk")) if event.course_id else users.none()
    if topic.startswith("user:"):
        return users.filter(pk=int(topic.removeprefix("user:")))
    if topic == topics.SYSTEM_EVENTS or (topic == topics.ALL_COURSES and event.kind in PERSONAL_CATALOG_KINDS):
        return users
    if topic == topics.STAFF:
        return users.filter(Q(is_superuser=True) | Q(role="admin"))
    return users.none()
