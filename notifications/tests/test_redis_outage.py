"""Redis stops and comes back while sockets are open and resources are being added: every request
succeeds, the failure is logged once, and afterwards every client holds every event it may see,
none twice."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import connection

from lms_site.settings import redis_channel_layer
from lms_site.testing.admin import AdminSession
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.servers import DaphneServer, RedisServer, database_url, eventually
from lms_site.testing.sockets import SocketClient, assert_each_holds_exactly


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.mark.usefixtures("transactional_db")
def test_an_outage_fails_no_request_and_loses_no_event(own_redis, alice, carol_in_cs101, dave, cs101):
    server = DaphneServer(database_url=database_url(connection.settings_dict), redis_url=own_redis.url).start()
    try:
        start = newest_id()
        clients = {
            "alice": SocketClient.of(server, alice, after=start),
            "carol": SocketClient.of(server, carol_in_cs101.student, after=start),
            "dave": SocketClient.of(server, dave, after=start),
        }
        for client in clients.values():
            client.until_heartbeat()
        admin = AdminSession.of(server, alice)

        statuses = [admin.add_resource(cs101.pk, f"before-{n}") for n in range(2)]
        own_redis.stop()
        statuses += [admin.add_resource(cs101.pk, f"during-{n}") for n in range(3)]
        own_redis.start()  # same port: the processes find it again by themselves
        eventually(lambda: "Publishing to the channel layer works again" in server.log(), timeout=30)
        statuses += [admin.add_resource(cs101.pk, f"after-{n}") for n in range(2)]
        assert statuses == [302] * 7

        course_events, catalog_events = ids_on("course:CS101", start), ids_on("all_courses", start)
        assert len(course_events) == len(catalog_events) == 7
        # dave follows nothing: the catalog copies are for the catalog page, not his feed.
        expected = {"alice": course_events, "carol": course_events, "dave": []}
        assert_each_holds_exactly(clients, expected)
        log = server.log()
        assert log.count("Publishing to the channel layer failed") == 1
        assert log.count("Publishing to the channel layer works again") == 1
    finally:
        server.stop()


def test_the_layer_resubscribes_after_redis_restarts(own_redis):
    """Live delivery resumes without reconnecting: channels-redis' pub/sub connection subscribes
    again when Redis is back (our configuration of it, over a real restart)."""

    async def scenario():
        layer = RedisPubSubChannelLayer(**redis_channel_layer(own_redis.url, "outage-test")["CONFIG"])
        channel = await layer.new_channel()
        await layer.group_add("course.CS101", channel)
        await layer.group_send("course.CS101", {"type": "activity.event", "n": 1})
        assert (await asyncio.wait_for(layer.receive(channel), 5))["n"] == 1
        own_redis.stop()
        with pytest.raises(Exception):  # noqa: B017 (whatever redis-py raises for a refused connection)
            await asyncio.wait_for(layer.group_send("course.CS101", {"type": "activity.event", "n": 2}), 5)
        own_redis.start()
        # The receiver reconnects and subscribes again within its retry interval.
        for attempt in range(100):
            await layer.group_send("course.CS101", {"type": "activity.event", "n": 3 + attempt})
            try:
                message = await asyncio.wait_for(layer.receive(channel), 0.2)
            except TimeoutError:
                continue
            assert message["n"] >= 3
            break
        else:
            raise AssertionError("no delivery after Redis came back")
        await layer.flush()

    # Its own thread: a Playwright fixture may hold a running loop in the test thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
