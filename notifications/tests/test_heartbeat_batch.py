"""Heartbeats read together (notifications/heartbeats.py): the sockets beating at the same moment are
read in one trip to the database thread, in a fixed number of queries however many, and each gets
what it would have read alone; a membership a heartbeat read before a newer one was applied is
not applied over it."""

import asyncio
from collections import deque

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.models import Session
from django.db.models import Max
from django.utils import timezone

from courses import services
from lms_site.testing.events import newest_id, visible_ids
from lms_site.testing.servers import run_async, session_cookie
from notifications import heartbeats, rendering, selectors, sessions, topics
from notifications.consumers import ActivityConsumer
from notifications.models import Event


@pytest.mark.django_db
def test_logins_checked_together_hold_exactly_where_each_still_holds(
    settings, django_assert_num_queries, alice, bob, carol, dave
):
    settings.SECRET_KEY_FALLBACKS = []
    before_rotation = session_cookie(dave)  # its auth hash is made with the key about to be retired
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    cases = {
        "live": (session_cookie(carol), carol.pk, True),
        "another user's id": (session_cookie(carol), dave.pk, False),
        "logged out": (session_cookie(dave), dave.pk, False),
        "expired": (session_cookie(dave), dave.pk, False),
        "inactive": (session_cookie(bob), bob.pk, False),
        "password changed": (session_cookie(alice), alice.pk, False),
        "made with a fallback key": (before_rotation, dave.pk, True),
        "no session": (None, carol.pk, False),
        "no such session": ("no-such-session-key-000000000000", carol.pk, False),
    }
    Session.objects.filter(session_key=cases["logged out"][0]).delete()
    Session.objects.filter(session_key=cases["expired"][0]).update(expire_date=timezone.now())
    type(bob).objects.filter(pk=bob.pk).update(is_active=False)
    alice.set_password("a new password")
    alice.save()

    with django_assert_num_queries(2):  # the sessions, then their users, however many
        holding = sessions.holding([(key, user_id) for key, user_id, _holds in cases.values()])

    assert dict(zip(cases, holding, strict=True)) == {name: holds for name, (_k, _u, holds) in cases.items()}
    assert [sessions.holds(key, user_id) for key, user_id, _holds in cases.values()] == holding


@pytest.mark.django_db
def test_beats_read_together_cost_six_queries_however_many_and_each_is_its_own(
    django_assert_num_queries, people, cs101, ma201, carol_in_cs101, dave
):
    services.subscribe(user=dave, course=ma201)
    alice, carol = people["alice"], people["carol"]
    start = newest_id()
    services.add_resource(course=cs101, title="Week 1", body="Reading.")
    services.add_resource(course=ma201, title="Matrices", body="Reading.")
    now = newest_id()
    carol_key, dave_key = session_cookie(carol), session_cookie(dave)
    Session.objects.filter(session_key=dave_key).delete()  # dave logged out
    asks = [
        (carol, carol_key, start, frozenset()),  # behind: the two resources' events are news to her
        (dave, dave_key, now, frozenset()),
        (alice, session_cookie(alice), now, frozenset()),
        (carol, carol_key, now, frozenset()),  # a second tab
    ]

    with django_assert_num_queries(6 + 2):  # + carol's replay: its events, their parts
        beats = heartbeats.read_beats(asks)

    assert [beat.session_holds for beat in beats] == [True, False, True, True]
    for (user, _key, _after, _held), beat in zip(asks, beats, strict=True):
        assert beat.membership == selectors.membership_for(user)
        newest_visible = Event.objects.filter(beat.membership.event_filter()).aggregate(newest=Max("id"))["newest"]
        assert beat.latest == newest_visible
        assert beat.cursor == now and not beat.truncated
    assert {message["id"] for message in beats[0].messages} == visible_ids(carol, start)
    assert {message["topic"] for message in beats[0].messages} == {topics.course_topic("CS101")}
    assert [beat.messages for beat in beats[1:]] == [[], [], []]
    with django_assert_num_queries(6):
        assert heartbeats.read_beats(asks[3:]) == beats[3:]


@pytest.mark.usefixtures("transactional_db", "redis_server")
def test_a_membership_read_before_a_newer_one_was_applied_is_read_again(cs101, carol_in_cs101, carol):
    """A heartbeat reads carol's membership (CS101 in it); she leaves CS101 and the membership.changed
    that follows is applied first; then the heartbeat's read arrives. It must not put CS101 back,
    and no event of CS101 read for the older membership goes out."""
    course_topic = topics.course_topic("CS101")
    sent = []

    async def server_send(message):  # what would go to daphne
        sent.append(message)

    async def scenario():
        consumer = ActivityConsumer()
        consumer.scope = {"type": "websocket"}
        consumer.base_send = server_send
        consumer.user, consumer.membership, consumer.cursor = carol, None, 0
        consumer.membership_lock, consumer.memberships_applied = asyncio.Lock(), 0
        consumer.sent_ids, consumer.sent_order, consumer.session_over = set(), deque(), False
        await consumer.refresh_membership(await sync_to_async(selectors.membership_for)(carol))
        applied = consumer.memberships_applied
        stale = await sync_to_async(selectors.membership_for)(carol)  # the heartbeat's read
        await sync_to_async(services.unsubscribe)(user=carol, course=cs101)
        await consumer.refresh_membership()  # membership.changed, applied first
        await consumer.refresh_membership(stale, read_since=applied)
        lost = {"type": "event", "id": 10**6, "kind": "new_resource", "topic": course_topic}
        await consumer.send_replayed([lost], truncated=False)
        topics_after, groups_after = consumer.membership.topics, set(consumer.joined)
        await consumer.leave_groups()
        return topics_after, groups_after

    topics_after, groups_after = run_async(scenario)
    assert course_topic not in topics_after
    assert topics.group_for(course_topic) not in groups_after
    assert sent == []


@pytest.mark.django_db
def test_replays_read_together_render_each_event_once_and_give_each_socket_its_own(
    people, cs101, ma201, carol_in_cs101, dave
):
    """A reconnect storm: the sockets mostly missed the same events; each gets exactly what it may
    see above its cursor, and a message shared by several is rendered once (the same object)."""
    services.subscribe(user=dave, course=cs101)
    services.subscribe(user=dave, course=ma201)
    start = newest_id()
    services.add_resource(course=cs101, title="Week 1", body="Reading.")
    services.add_resource(course=ma201, title="Matrices", body="Reading.")
    services.add_resource(course=cs101, title="Week 2", body="Reading.")
    carol, dave = people["carol"], people["dave"]
    of = {user.pk: selectors.membership_for(user) for user in (carol, dave)}
    asks = [
        (of[carol.pk], start, 500, None, frozenset()),
        (of[dave.pk], start, 500, None, frozenset()),
        (of[dave.pk], start, 1, None, frozenset()),  # more than it replays: the client resyncs
    ]

    (carols, carol_more), (daves, dave_more), (first, truncated) = rendering.replays(asks)

    assert [m["id"] for m in carols] == sorted(visible_ids(carol, start)) and not carol_more
    assert [m["id"] for m in daves] == sorted(visible_ids(dave, start)) and not dave_more
    assert len(daves) > len(carols) > 0 and len(first) == 1 and truncated
    shared = {m["id"]: m for m in daves}
    assert all(m is shared[m["id"]] for m in carols + first)  # rendered once for all three
