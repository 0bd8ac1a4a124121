"""Group messages are received once per daphne process and handed to its sockets
(notifications/fanout.py): every socket, on either of two processes, gets exactly the events its
user may see, once each, by the live path alone (heartbeats are turned off here, so no replay can
make up for a lost delivery). A process keeps a group while any socket of it remains in it, and
joins it again for a socket that comes back."""

import pytest
from django.db import connection

from courses import services
from lms_site.testing.events import newest_id, visible_ids
from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db", "carol_in_cs101")

NO_HEARTBEAT = {"ACTIVITY_HEARTBEAT_SECONDS": "600"}


@pytest.fixture
def two_processes(redis_server):
    servers = [
        DaphneServer(
            database_url=database_url(connection.settings_dict), redis_url=redis_server.url, extra_env=NO_HEARTBEAT
        ).start()
        for _ in range(2)
    ]
    yield servers
    for server in servers:
        server.stop()


def ready(socket: SocketClient) -> SocketClient:
    """A pong comes after connect has finished: the socket is in its groups."""
    socket.send({"type": "ping"})
    socket.until(lambda message: message.get("type") == "pong")
    return socket


def holds_exactly(socket: SocketClient, user, start: int) -> None:
    wanted = visible_ids(user, start)
    socket.until_event(max(wanted))
    assert sorted(socket.ids) == sorted(wanted)  # each once: no duplicates, nothing missing


def test_each_socket_on_either_process_gets_exactly_its_users_events(
    two_processes, alice, bob, carol_in_cs101, dave, root, cs101, ma201
):
    a, b = two_processes
    carol = carol_in_cs101.student
    start = newest_id()
    sockets = {
        "carol on a": (carol, ready(SocketClient.of(a, carol, after=start))),
        "carol again on a": (carol, ready(SocketClient.of(a, carol, after=start))),
        "carol on b": (carol, ready(SocketClient.of(b, carol, after=start))),
        "alice on a": (alice, ready(SocketClient.of(a, alice, after=start))),
        "bob on a": (bob, ready(SocketClient.of(a, bob, after=start))),
        "dave on b": (dave, ready(SocketClient.of(b, dave, after=start))),
    }
    leaving = ready(SocketClient.of(a, carol, after=start))

    services.add_resource(course=cs101, title="cs101 one", body="Text")
    services.add_resource(course=ma201, title="ma201 one", body="Text")
    services.post_announcement(author=alice, title="cs101 news", body="Text", course=cs101)
    services.post_announcement(author=root, title="for everyone", body="Text")
    leaving.until_event(max(visible_ids(carol, start)))
    # One of carol's sockets on a leaves; her other one there keeps the process in cs101's group.
    leaving.close()
    services.add_resource(course=cs101, title="cs101 two", body="Text")
    services.add_resource(course=ma201, title="ma201 two", body="Text")

    for user, socket in sockets.values():
        holds_exactly(socket, user, start)

    # dave's only socket on b leaves (b leaves his own group) and comes back: b joins it again.
    sockets["dave on b"][1].close()
    back = ready(SocketClient.of(b, dave, after=newest_id()))
    restart = newest_id()
    services.post_announcement(author=root, title="again for everyone", body="Text")
    holds_exactly(back, dave, restart)
    for _user, socket in sockets.values():
        socket.close()
    back.close()
