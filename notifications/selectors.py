"""Reads that carry permission: which events a user may see. Pages, the API and the consumer all
ask here, so the rule exists once."""

import datetime
import functools
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connections
from django.db.models import Case, CharField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from courses.models import Subscription
from courses.permissions import is_site_admin, member_course_codes, member_courses
from lms_site.prepared import Prepared

from . import topics
from .models import Event, ReadCursor, ReadMark

# Catalog-topic kinds that are news for every user, not only for the catalog page.
PERSONAL_CATALOG_KINDS = (Event.Kind.COURSE_PUBLISHED,)


# Quiet catalog changes every open page follows live: what a public course page shows anyone who
# may see the course (the seats left, notifications/live_seats.py). Not replayed: they are not in
# Membership.event_filter, and a page loaded later shows the count as it is.
LIVE_CATALOG_KINDS = (Event.Kind.CONTENT_CHANGED,)


def reaches_sockets(topic: str, kind: str) -> bool:
    """Whether an event may reach anyone's socket at all. From the catalog topic only news for
    everyone does (a new course) and the live-only changes of public pages; the catalog copy of a
    resource added to some course stays on the catalog page, or every resource of every course would
    be everyone's notification.

    Membership.may_see asks it for each socket; events.publish asks it once, so no doorbell rings
    for an event every socket would drop."""
    return topic != topics.ALL_COURSES or kind in PERSONAL_CATALOG_KINDS or kind in LIVE_CATALOG_KINDS


@dataclass(frozen=True)
class Membership:
    """What a user follows right now: their topics, their courses' among them."""

    user_id: int
    is_staff: bool  # site administrators: they get the staff topic (registrations)
    course_topics: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def topics(self) -> frozenset[str]:
        # Cached: a socket asks may_see for every event of every group it is in.
        personal = {topics.user_topic(self.user_id), topics.SYSTEM_EVENTS, topics.ALL_COURSES}
        if self.is_staff:
            personal.add(topics.STAFF)
        return frozenset(personal) | self.course_topics

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(topics.group_for(topic) for topic in self.topics)

    def may_see(self, topic: str, kind: str) -> bool:
        """The delivery rule: a topic this user follows, and an event that reaches sockets at all."""
        return topic in self.topics and reaches_sockets(topic, kind)

    def event_filter(self) -> Q:
        """The same rule as a query."""
        return events_on(self.topics)


def events_on(followed: frozenset[str]) -> Q:
    """The events that reach whoever follows these topics, as a query (Membership.event_filter).
    It decides topic by topic: an event passes or not by its topic (and, on the catalog's, its
    kind), whoever else follows the topic."""
    return Q(topic__in=whole_topics(followed)) | CATALOG_NEWS


# What of the catalog topic reaches its followers (everyone): news for everyone, not the catalog
# copies of every course's changes (reaches_sockets).
CATALOG_NEWS = Q(topic=topics.ALL_COURSES, kind__in=PERSONAL_CATALOG_KINDS)


def whole_topics(followed: frozenset[str]) -> frozenset[str]:
    """The followed topics every event of which reaches the follower (the catalog's reach them by
    kind only, events_on)."""
    return followed - {topics.ALL_COURSES}


def membership_for(user) -> Membership:
    """One query: the courses whose events reach this user (courses.permissions.member_courses:
    those they teach, and the published ones they are subscribed to). The staff topic carries other
    people's registrations, so it is for site administrators only (instructors are `is_staff` too,
    to reach the admin)."""
    return _membership(user, member_courses(user).values_list("code", flat=True))


def memberships_for(users) -> dict[int, Membership]:
    """membership_for of many users in two queries, whatever their number: the sockets that open
    together (notifications/connecting.py)."""
    codes = member_course_codes(users)
    return {user.pk: _membership(user, codes[user.pk]) for user in users}


def _membership(user, course_codes) -> Membership:
    return Membership(
        user_id=user.pk,
        is_staff=is_site_admin(user),
        course_topics=frozenset(topics.course_topic(code) for code in course_codes),
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


def resume_cursor() -> int:
    """The cursor handed to clients (the page, the socket at connect, every heartbeat): an id below
    which no event can still appear, so "everything up to here" stays true. Event ids follow commit
    order (SQLite serialises writers; on PostgreSQL events.take_turn queues event writers), so the
    newest committed id is such a cursor; an id read from a live doorbell is not (another process's
    lower id may still be on its way), which is why clients resume from this and not from the newest
    id they hold (docs/architecture.md, "Nothing lost"). A primary-key lookup."""
    return Event.objects.aggregate(latest=Max("id"))["latest"] or 0


def latest_visible_id(membership: Membership) -> int:
    return latest_visible_ids([membership])[membership.user_id]


def latest_visible_ids(memberships: list[Membership]) -> dict[int, int]:
    """The newest id each of these members may see, in one query however many (the heartbeats read
    together, notifications/heartbeats.py): the newest visible id of each topic any of them follows
    (events_on decides topic by topic, so a topic's newest is the same for all its followers), then
    each member's largest.

    Each topic's newest is one seek at the end of the (topic, id) index. Grouping the topics' events
    by topic read every event they ever had instead: 57 ms for 200 sockets on SQLite and 35 on
    PostgreSQL with 200,000 events (1.7 and 11 ms this way; docs/performance.md, section 7b). The
    ORM cannot drive a subquery from a list of values, so the whole topics come as a VALUES list;
    the catalog's condition is the ORM's (CATALOG_NEWS, as in events_on)."""
    followed = frozenset().union(*(membership.topics for membership in memberships))
    whole = sorted(whole_topics(followed))
    if not whole:
        return {}
    newest_of_each, catalog_params = _newest_per_topic_sql(Event.objects.db)
    with connections[Event.objects.db].cursor() as cursor:
        cursor.execute(
            f"WITH followed(topic) AS (VALUES {', '.join(['(%s)'] * len(whole))}) {newest_of_each}",
            [*whole, topics.ALL_COURSES, *catalog_params],
        )
        newest = {topic: latest or 0 for topic, latest in cursor.fetchall()}
    return {m.user_id: max((newest.get(topic, 0) for topic in m.topics), default=0) for m in memberships}


@functools.cache
def _newest_per_topic_sql(alias: str) -> tuple[str, tuple]:
    """latest_visible_ids' query after its VALUES list, and the catalog part's parameters: the same
    for every heartbeat batch, so built once per database."""
    connection = connections[alias]
    event = Event._meta
    table, topic_column, id_column = (
        connection.ops.quote_name(name) for name in (event.db_table, event.get_field("topic").column, event.pk.column)
    )
    catalog = Event.objects.filter(CATALOG_NEWS).order_by("-id").values("id")[:1]
    catalog_sql, catalog_params = catalog.query.get_compiler(using=alias).as_sql()
    return (
        f"SELECT topic, (SELECT MAX({id_column}) FROM {table} WHERE {topic_column} = followed.topic) FROM followed "  # noqa: S608 (our names, the ORM's SQL)
        f"UNION ALL SELECT %s, ({catalog_sql})"
    ), tuple(catalog_params)


def last_read_id(user) -> int:
    return ReadCursor.objects.filter(user=user).values_list("last_read_id", flat=True).first() or 0


# The badge says "99+" beyond: counting every unread event of a student who never opened the feed
# was the slowest query of every page header (docs/performance.md).
UNREAD_CAP = 100


# The unread rule, defined here once (docs/architecture.md, "The unread rule"; the table test is
# notifications/tests/test_unread_rule.py). An event the viewer may see (news_for) is unread for them
# when it is news to them (`counts_for`) and they have not read it (`not_read`). Counted items are
# single events, except that the events grouped for the viewer (Event.group_for: a teacher's joins,
# submissions, completions and posts in their course) count once per course and kind.
# static/js/activity.js mirrors `counts_for` for live events from the message's `not_for`,
# `group_for` and `group` (rendering.event_message); the rest of it cannot apply to a new event.


def counts_for(user) -> Q:
    """Whether a visible event is news to this person: not their own doing (actor), not a copy
    that is not news to them (quiet_for: the author replied to, who has their own copy; the teacher
    whose lesson was released), not from before they joined the site, and on a course's topic not
    from before they subscribed to the course (a teacher has no subscription: every event of their
    course counts)."""
    joined_course_later = Subscription.objects.filter(
        student=user.pk, course=OuterRef("course"), subscribed_at__gt=OuterRef("created_at")
    )
    return (
        ~Q(actor=user.pk)
        & ~Q(quiet_for=user.pk)
        & Q(created_at__gte=user.date_joined)
        & ~(Q(topic__startswith=topics.course_topic("")) & Exists(joined_course_later))
    )


def not_read(user, last_read: int) -> Q:
    """Above the cursor and not marked read, or marked unread."""
    marks = ReadMark.objects.filter(user=user.pk)
    read = marks.filter(is_read=True).values("event_id")
    unread = marks.filter(is_read=False).values("event_id")
    return (Q(id__gt=last_read) & ~Q(id__in=read)) | Q(id__in=unread)


def unread_events(user, last_read: int, membership: Membership | None = None) -> QuerySet[Event]:
    """Every unread event of this user, grouped ones included (one by one)."""
    return news_for(user, membership).filter(counts_for(user), not_read(user, last_read))


@dataclass(frozen=True)
class _Viewer:
    """What the unread rule reads of the viewer (counts_for, not_read)."""

    pk: int
    date_joined: datetime.datetime


@dataclass(frozen=True)
class _Following:
    """What news_for reads of a Membership: the topics every event of which reaches the member."""

    whole_topics: tuple[str, ...]

    def event_filter(self) -> Q:
        return events_on(frozenset(self.whole_topics))


def _unread_keys_query(*, user_id: int, date_joined, last_read: int, whole_topics: tuple[str, ...]) -> QuerySet:
    viewer, following = _Viewer(user_id, date_joined), _Following(whole_topics)
    key = Case(
        When(group_for=user_id, then=Concat(Value("g:"), Cast("course_id", CharField()), Value(":"), F("kind"))),
        default=Concat(Value("e:"), Cast("id", CharField())),
        output_field=CharField(),
    )
    unread = unread_events(viewer, last_read, following)
    # The newest single events up to the cap (the database stops there, as the count before the
    # rule did), and the grouped ones (the teacher's own, a few groups per course) for DISTINCT.
    singles = unread.exclude(group_for=user_id).order_by("-id").values("id")[:UNREAD_CAP]
    grouped = unread.filter(group_for=user_id).values("id")
    # The same rows either way; which form is fast is the planner's: PostgreSQL reads the whole log
    # for two IN terms alone (18 ms on the benchmark data) unless the viewer's news bound the scan
    # (7 ms), while SQLite looks the ids up by rowid and is slower with the bound (docs/performance.md).
    base = news_for(viewer, following) if connections[Event.objects.db].vendor == "postgresql" else Event.objects
    keys = base.filter(Q(id__in=singles) | Q(id__in=grouped)).annotate(key=key).order_by()
    return keys.values_list("key", flat=True).distinct()[:UNREAD_CAP]


# Built by the ORM once per number of topics (lms_site/prepared.py): building it anew cost every
# page header 4.7 ms of Python, running it 0.04 ms (docs/performance.md, "Stampede").
UNREAD_KEYS = Prepared(_unread_keys_query)


def unread_keys(user, last_read: int, membership: Membership | None = None) -> list[str]:
    """What the badge counts, one query: a key per unread item, `e:<event id>` for a single event,
    `g:<course id>:<kind>` for a group, at most UNREAD_CAP of them."""
    membership = membership or request_membership(user)
    rows = UNREAD_KEYS.rows(
        using=Event.objects.db,
        user_id=user.pk,
        date_joined=user.date_joined,
        last_read=last_read,
        whole_topics=tuple(sorted(whole_topics(membership.topics))),
    )
    return [key for (key,) in rows]


def unread_state(user, last_read: int, membership: Membership | None = None) -> dict:
    """The badge's count, the unread groups (`<course id>:<kind>`) and the unread single events
    among the counted keys (all of them below the cap)."""
    keys = unread_keys(user, last_read, membership)
    return {
        "unread": len(keys),
        "groups": sorted(key[2:] for key in keys if key.startswith("g:")),
        "unread_ids": sorted(int(key[2:]) for key in keys if key.startswith("e:")),
    }


def is_unread(event: Event, state: dict) -> bool:
    if event.group_for_id:
        return event.group_key in state["groups"]
    return event.pk in state["unread_ids"]


def mark_unread(events, state: dict) -> list[Event]:
    """Set `is_unread` on each event for a feed to show (the partial reads it)."""
    for event in events:
        event.is_unread = is_unread(event, state)
    return events


def unread_groups(user, last_read: int, membership: Membership | None = None, course_code: str = "") -> list[dict]:
    """The viewer's unread groups, for /notifications/: course, kind and how many events each."""
    events = unread_events(user, last_read, membership).filter(group_for=user.pk)
    if course_code:
        events = events.filter(course__code=course_code)
    rows = events.values("course_id", "course__code", "kind").annotate(count=Count("id"))
    return list(rows.order_by("course__code", "kind"))


def read_state(user) -> dict:
    """The user's read state: `last_read` and unread_state. Two queries, or none after a read
    service ran in this request (it keeps the new state on the request's user)."""
    known = getattr(user, "_request_read_state", None)
    if known is None:
        last_read = last_read_id(user)
        known = {"last_read": last_read, **unread_state(user, last_read)}
    return known


def activity_state(user) -> dict:
    """What every page header needs, in four cheap queries: membership, how far the user has read,
    what is unread (up to UNREAD_CAP items, unread_keys), and the socket's starting cursor. The
    cursor is the newest id of the whole log (a primary-key lookup): the page holds everything
    visible up to it, and the socket replays only what comes after."""
    state = read_state(user)
    return {"latest_id": resume_cursor(), **state}


def newest(events: QuerySet[Event], limit: int, offset: int = 0) -> list[Event]:
    """The newest of `events`, in two queries: their ids first (the (topic, kind, id) index covers
    the feed's filter, so the sort reads no row), then those rows. One query that sorted whole rows
    spent four times as long on the benchmark data (docs/performance.md)."""
    ids = list(events.order_by("-id").values_list("id", flat=True)[offset : offset + limit])
    return list(Event.objects.filter(id__in=ids).order_by("-id")) if ids else []


def feed_page(user, *, limit: int = 20, membership: Membership | None = None):
    """The newest events. Items render from their payload alone, so no related rows are fetched."""
    return newest(news_for(user, membership), limit)


def replay_after(
    membership: Membership, after: int, limit: int, only_topics=None, held: frozenset[int] = frozenset()
) -> list[Event]:
    """Events this member may see with id > after, oldest first, at most limit + 1 so the caller
    can tell that more were missed than it will replay. `only_topics` narrows to some topics (the
    courses a socket has just joined); `held` are ids above `after` the client already has."""
    events = Event.objects.filter(membership.event_filter(), id__gt=after)
    if held:
        events = events.exclude(id__in=sorted(held))
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
