"""Redis under Sentinel: the primary dies while sockets are open and an instructor keeps adding
resources. Sentinel promotes the replica; every request succeeds, publishing resumes by itself
within the failover time plus a few seconds, the server's subscriptions follow to the new primary,
and every client ends holding every event it may see, once."""

import json
import time
import urllib.request

import pytest
from django.db import connection

from lms_site.testing.admin import AdminSession
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.sentinel import SentinelRedis
from lms_site.testing.servers import DaphneServer, database_url, eventually
from lms_site.testing.sockets import SocketClient, assert_each_holds_exactly

# Beyond Sentinel's own time: the publisher's probe runs once a second, and a connection that was
# refused during the election is retried by channels-redis' receiver a second later.
RESUME_GRACE_SECONDS = 5


def channel_layer_health(server) -> str:
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)["channel_layer"]


@pytest.fixture
def sentinel_redis():
    cluster = SentinelRedis()
    try:
        yield cluster.start()
    finally:  # also when starting failed half-way
        cluster.stop()


@pytest.mark.usefixtures("transactional_db")
def test_a_failover_fails_no_request_and_loses_no_event(sentinel_redis, alice, carol_in_cs101, dave, cs101):
    server = DaphneServer(database_url=database_url(connection.settings_dict), extra_env=sentinel_redis.env).start()
    try:
        assert eventually(lambda: "Channel layer: Redis" in server.log(), timeout=10)
        assert "the primary 'mymaster' of Redis Sentinel" in server.log()
        start = newest_id()
        clients = {
            "alice": SocketClient.of(server, alice, after=start),
            "carol": SocketClient.of(server, carol_in_cs101.student, after=start),
            "dave": SocketClient.of(server, dave, after=start),
        }
        for client in clients.values():
            client.until_heartbeat()
        admin = AdminSession.of(server, alice)
        assert channel_layer_health(server) == "ok"
        statuses = [admin.add_resource(cs101.pk, f"before-{n}") for n in range(2)]

        sentinel_redis.kill_primary()
        killed = time.monotonic()
        deadline = killed + sentinel_redis.failover_seconds + RESUME_GRACE_SECONDS
        during = 0
        while "Publishing to the channel layer works again" not in server.log():
            assert time.monotonic() < deadline, "publishing did not resume:\n" + server.log()[-3000:]
            statuses.append(admin.add_resource(cs101.pk, f"during-{during}"))
            during += 1
            time.sleep(0.2)
        assert during >= 1  # the instructor kept working through the failover

        # The replica is the primary now, and this process's subscriptions moved to it by themselves.
        assert sentinel_redis.primary_port_by_sentinel() == sentinel_redis.replica_port
        with sentinel_redis.client_of_primary() as primary:
            assert eventually(lambda: f"lms__group__course.{cs101.code}".encode() in primary.pubsub_channels())
        assert eventually(lambda: channel_layer_health(server) == "ok")  # /healthz follows the Sentinels too
        statuses += [admin.add_resource(cs101.pk, f"after-{n}") for n in range(2)]
        assert statuses == [302] * (4 + during)

        course_events, catalog_events = ids_on("course:CS101", start), ids_on("all_courses", start)
        assert len(course_events) == len(catalog_events) == 4 + during
        expected = {"alice": course_events, "carol": course_events, "dave": []}
        assert_each_holds_exactly(clients, expected)
        log = server.log()
        assert log.count("Publishing to the channel layer failed") == 1
        assert log.count("Publishing to the channel layer works again") == 1
    finally:
        server.stop()
