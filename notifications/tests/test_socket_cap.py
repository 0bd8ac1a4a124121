"""A user holds at most ACTIVITY_SOCKETS_PER_USER open activity sockets across every daphne process
(counted in Redis); the one over the cap is closed with 4429. A closed socket frees its slot, and a
process that dies frees its slots when they expire (three heartbeats)."""

import time
import uuid

import pytest
from django.db import connection
from websockets.exceptions import ConnectionClosed

from lms_site.testing.servers import DaphneServer, database_url, session_cookie
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")

CAP = 3


@pytest.fixture
def capped_pair(redis_server):
    """Two processes sharing Redis (and a key prefix of their own) with a cap of 3 per user."""
    env = {"ACTIVITY_SOCKETS_PER_USER": str(CAP), "CHANNEL_PREFIX": f"cap{uuid.uuid4().hex[:8]}"}
    servers = [
        DaphneServer(database_url=database_url(connection.settings_dict), redis_url=redis_server.url, extra_env=env)
        for _ in range(2)
    ]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def opened(server, cookie: str) -> SocketClient:
    client = SocketClient(server, cookie=cookie)
    client.until_heartbeat()
    return client


def close_code(server, cookie: str) -> int | None:
    client = SocketClient(server, cookie=cookie)
    try:
        client.until_heartbeat(timeout=5)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    client.close()
    return None


def test_the_socket_over_the_cap_is_closed_with_4429_on_any_process(capped_pair, carol, dave):
    a, b = capped_pair
    cookie = session_cookie(carol)
    held = [opened(a, cookie), opened(b, cookie), opened(a, cookie)]
    assert close_code(b, cookie) == 4429
    assert close_code(a, session_cookie(carol)) == 4429  # per user, not per session
    assert close_code(a, session_cookie(dave)) is None  # other users are not affected
    for client in held:  # the sockets under the cap carry on
        client.send({"type": "ping"})
        client.until(lambda m: m["type"] == "pong")

    held.pop().close()
    time.sleep(0.5)
    held.append(opened(b, cookie))  # a closed socket frees its slot
    assert close_code(a, cookie) == 4429
    for client in held:
        client.close()


def test_the_slots_of_a_process_that_died_expire(capped_pair, carol):
    a, b = capped_pair
    cookie = session_cookie(carol)
    for server in (b, b, a):
        opened(server, cookie)
    assert close_code(a, cookie) == 4429
    b.kill()  # no goodbye: its sockets never give their slots back
    assert close_code(a, cookie) == 4429
    time.sleep(4)  # three heartbeats of 1 s, and a margin
    opened(a, cookie)
    opened(a, cookie)
