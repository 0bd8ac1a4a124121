"""Redis stops while instructors are writing: no request fails, and when Redis is back every open
socket ends with every event it may see, once. The event log holds them; heartbeats and replay
deliver them. (Stopping and restarting Redis with idle sockets is notifications' own test.)"""

import time

import pytest
from django.db import connection

from lms_site.testing import DaphneServer, RedisServer, database_url

from .resilience import Instructor, ResumingClient, newest_id, visible_ids

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def own_redis():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def own_daphne(own_redis):
    server = DaphneServer(database_url=database_url(connection.settings_dict), redis_url=own_redis.url).start()
    yield server
    server.stop()


def test_writes_during_a_redis_outage_succeed_and_reach_every_client_once(
    own_redis, own_daphne, alice, carol, dave, cs101, ma201
):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=ma201)
    start = newest_id()
    clients = {
        "carol": ResumingClient(own_daphne, carol, after=start),
        "dave": ResumingClient(own_daphne, dave, after=start),
    }
    admin = Instructor(own_daphne, alice)

    statuses = [admin.add_resource(cs101, "before-0")]
    own_redis.stop()
    began = time.monotonic()
    statuses += [admin.add_resource(cs101, f"during-{n}") for n in range(4)]
    slowest = (time.monotonic() - began) / 4
    own_redis.start()  # same port, empty: every subscription is gone with the old server
    statuses += [admin.add_resource(cs101, f"after-{n}") for n in range(2)]

    assert statuses == [302] * 7
    assert slowest < 3.0, "a request waited on Redis"
    wanted = visible_ids(carol, start)
    assert len(wanted) == 7
    clients["carol"].until_holding(wanted)
    assert sorted(clients["carol"].received) == sorted(set(clients["carol"].received))
    assert set(clients["carol"].received) == wanted
    # dave follows MA201 only: he gets the catalog copies of CS101's news, and nothing else.
    dave_wanted = visible_ids(dave, start)
    assert len(dave_wanted) == 7
    clients["dave"].until_holding(dave_wanted)
    assert sorted(clients["dave"].received) == sorted(dave_wanted)
    for client in clients.values():
        client.close()
