"""A reconnect storm: sockets that open together are read together (notifications/connecting.py) and
each still gets exactly its own user, session and membership; a process that is full turns sockets
away with 4013 (notifications/admission.py) instead of falling over."""

import threading
import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from courses import services
from courses.models import Subscription
from courses.permissions import member_course_codes, member_courses
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.servers import DaphneServer, database_url, run_async, session_cookie
from lms_site.testing.sockets import SocketClient
from notifications import selectors, sessions


@pytest.mark.django_db
def test_memberships_read_together_are_each_users_own(people, cs101, ma201, draft, carol_in_cs101):
    carol, dave = people["carol"], people["dave"]
    Subscription.objects.create(student=carol, course=draft)  # unpublished: no student members
    Subscription.objects.create(student=dave, course=ma201)
    gone = type(carol).objects.create(username="gone", role="student", is_active=False)
    Subscription.objects.create(student=gone, course=cs101)
    users = [people[name] for name in ("alice", "bob", "carol", "dave", "root")] + [gone]

    codes = member_course_codes(users)
    memberships = selectors.memberships_for(users)
    for user in users:
        assert codes[user.pk] == set(member_courses(user).values_list("code", flat=True)), user
        assert memberships[user.pk] == selectors.membership_for(user), user
    assert codes[people["alice"].pk] == {"CS101", "CS999"} and codes[gone.pk] == set()


@pytest.mark.django_db
def test_sessions_read_together_load_as_each_would_alone(carol, dave):
    live, ended, expired = (session_cookie(user) for user in (carol, dave, carol))
    Session.objects.filter(session_key=ended).delete()  # logged out
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now())
    keys = (live, ended, expired, "no-such-session-key-000000000000")
    stores = [SessionStore(key) for key in keys]

    sessions.preload(stores)
    for store, key in zip(stores, keys, strict=True):
        alone = SessionStore(key)
        assert dict(store.items()) == dict(alone.items())
        assert store.session_key == alone.session_key
    assert stores[0].session_key == live and stores[0][SESSION_KEY] == str(carol.pk)
    assert [store.session_key for store in stores[1:]] == [None, None, None]


@pytest.mark.django_db
def test_users_read_together_are_anonymous_for_exactly_the_sessions_that_no_longer_hold(
    django_assert_num_queries, alice, bob, carol, dave
):
    cookies = {name: session_cookie(user) for name, user in (("bob", bob), ("dave", dave))}
    cookies |= {"carol": session_cookie(carol), "carol again": session_cookie(carol)}
    cookies |= {"logged out": session_cookie(dave), "inactive": session_cookie(bob), "password": session_cookie(alice)}
    Session.objects.filter(session_key=cookies.pop("logged out")).delete()
    type(bob).objects.filter(pk=bob.pk).update(is_active=False)
    alice.set_password("a new password")  # her sessions' auth hash no longer matches
    alice.save()
    keys = [*cookies.values(), "no-such-session-key-000000000000"]
    stores = [SessionStore(key) for key in keys]

    # The sessions, their users (one query, however many), and the session whose hash failed
    # read and deleted (channels' rule flushes it).
    with django_assert_num_queries(4):
        sessions.preload(stores)
        users = sessions.users_of(stores)

    names = [user.username if user.is_authenticated else "anonymous" for user in users]
    assert names == ["anonymous", "dave", "carol", "carol", "anonymous", "anonymous", "anonymous"]
    assert not Session.objects.filter(session_key=cookies["password"]).exists()


def open_together(server, cookies: list[str | None]) -> list[SocketClient | BaseException]:
    """Open one socket per cookie at the same moment, from as many threads."""
    results: list = [None] * len(cookies)
    start = threading.Barrier(len(cookies))

    def open_one(index, cookie):
        start.wait()
        try:
            results[index] = SocketClient(server, cookie=cookie, after=newest_id())
        except BaseException as error:  # reported by the test
            results[index] = error

    threads = [threading.Thread(target=open_one, args=(i, c)) for i, c in enumerate(cookies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.usefixtures("transactional_db")
def test_sockets_opening_together_each_get_their_own_user_and_courses(daphne, alice, carol_in_cs101, dave, cs101):
    carol = carol_in_cs101.student
    logged_out = session_cookie(dave)
    Session.objects.filter(session_key=logged_out).delete()
    people = [carol, dave, alice] * 6
    cookies = [session_cookie(user) for user in people] + [logged_out, None]
    sockets = open_together(daphne, cookies)
    *opened, refused_logged_out, refused_anonymous = sockets
    assert refused_logged_out.close_code(5) == 4401
    assert refused_anonymous.close_code(5) == 4401
    for socket in opened:
        socket.until_heartbeat()

    start = newest_id()
    services.add_resource(course=cs101, title="Read in a storm", body="Text")
    event = max(ids_on("course:CS101", start))
    for user, socket in zip(people, opened, strict=True):
        if user == dave:
            assert socket.close_code(1.5) is None  # still open after a heartbeat, and no event
            assert event not in socket.ids
        else:
            socket.until_event(event)
        socket.close()


@pytest.fixture
def small_process(redis_server):
    """A daphne process that takes two open sockets."""
    env = {"ACTIVITY_SOCKETS_PER_PROCESS": "2", "CHANNEL_PREFIX": f"adm{uuid.uuid4().hex[:8]}"}
    server = server_with(redis_server, env).start()
    yield server
    server.stop()


def server_with(redis_server, env: dict) -> DaphneServer:
    return DaphneServer(database_url=database_url(connection.settings_dict), redis_url=redis_server.url, extra_env=env)


@pytest.mark.usefixtures("transactional_db")
def test_a_full_process_closes_new_sockets_with_4013_and_takes_them_again_when_one_leaves(small_process, carol, dave):
    held = [SocketClient.of(small_process, user) for user in (carol, dave)]
    for socket in held:
        socket.until_heartbeat()
    assert SocketClient.of(small_process, carol).close_code(5) == 4013
    assert SocketClient(small_process).close_code(5) == 4013  # before anything else is asked
    for socket in held:  # the sockets inside carry on
        socket.send({"type": "ping"})
        socket.until(lambda m: m["type"] == "pong")

    held.pop().close()
    again = SocketClient.of(small_process, dave)
    for _try in range(20):  # the server learns of the close a moment after the client
        if again.close_code(2) != 4013:
            break
        again = SocketClient.of(small_process, dave)
    again.until_heartbeat()
    assert SocketClient.of(small_process, carol).close_code(5) == 4013


@pytest.mark.usefixtures("transactional_db")
def test_a_process_setting_up_too_many_sockets_at_once_closes_the_next_with_4013(redis_server, carol):
    server = server_with(redis_server, {"ACTIVITY_OPENING_PER_PROCESS": "0"}).start()
    try:
        assert SocketClient.of(server, carol).close_code(5) == 4013
    finally:
        server.stop()


def test_the_per_user_cap_is_counted_for_every_socket_of_a_storm(settings, redis_server):
    """Hundreds of sockets taking their slot at once each get one (a pool that raised "Too many
    connections" let them in uncounted)."""
    import asyncio

    import redis

    from notifications import quota

    settings.REDIS_URL = redis_server.url
    settings.CHANNEL_PREFIX = f"storm{uuid.uuid4().hex[:8]}"
    users = range(1, 301)

    async def storm():
        return await asyncio.gather(*(quota.take(user, f"channel-{user}") for user in users))

    assert all(run_async(storm))
    client = redis.Redis.from_url(redis_server.url)
    assert [client.zcard(quota._key(user)) for user in users] == [1] * len(users)


def test_sockets_of_one_user_taking_their_slots_in_one_call_are_counted_one_after_another(settings, redis_server):
    """A storm's slots are taken in one script call (quota._take_all): the cap still holds within it.
    Sockets leaving together give theirs back in one call (quota._give_back_all)."""
    import asyncio

    import redis

    from notifications import quota

    settings.REDIS_URL = redis_server.url
    settings.CHANNEL_PREFIX = f"storm{uuid.uuid4().hex[:8]}"
    settings.ACTIVITY_SOCKETS_PER_USER = 3
    requests = [(1, f"carol-{n}") for n in range(5)] + [(2, "dave-0"), (1, "carol-0")]

    async def storm():
        return await asyncio.gather(*(quota.take(user, channel) for user, channel in requests))

    taken = run_async(storm)
    # Carol's first three, Dave's, and Carol's first again (a renewal, not a fourth slot).
    assert taken == [True, True, True, False, False, True, True]
    client = redis.Redis.from_url(redis_server.url)
    assert [client.zcard(quota._key(user)) for user in (1, 2)] == [3, 1]

    async def leave():
        await asyncio.gather(*(quota.give_back(user, channel) for user, channel in requests[:3] + requests[5:6]))

    run_async(leave)
    assert [client.zcard(quota._key(user)) for user in (1, 2)] == [0, 0]
