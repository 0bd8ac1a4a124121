"""Several daphne processes share one Redis; without REDIS_URL one process serves itself."""

import pytest
from django.db import connection

from lms_site.testing.admin import AdminSession
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.servers import DaphneServer, database_url, eventually
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def second_daphne(redis_server):
    server = DaphneServer(database_url=database_url(connection.settings_dict), redis_url=redis_server.url).start()
    yield server
    server.stop()


def test_a_resource_added_through_one_process_reaches_a_socket_on_another(
    daphne, second_daphne, alice, carol_in_cs101, cs101
):
    carol = carol_in_cs101.student
    start = newest_id()
    on_b = SocketClient.of(second_daphne, carol, after=start)
    on_a = SocketClient.of(daphne, carol, after=start)
    for socket in (on_a, on_b):
        socket.until_heartbeat()

    assert AdminSession.of(daphne, alice).add_resource(cs101.pk, "via-a") == 302
    via_a = max(ids_on("course:CS101", start))
    assert on_b.until_event(via_a)["data"]["title"] == "via-a"
    on_a.until_event(via_a)

    assert AdminSession.of(second_daphne, alice).add_resource(cs101.pk, "via-b") == 302
    via_b = max(ids_on("course:CS101", start))
    for socket in (on_a, on_b):
        assert socket.until_event(via_b)["data"]["title"] == "via-b"
        assert sorted(socket.ids) == sorted(ids_on("course:CS101", start))
        socket.close()


def test_without_redis_one_process_delivers_to_itself_and_says_so(alice, carol_in_cs101, cs101):
    server = DaphneServer(database_url=database_url(connection.settings_dict), redis_url="").start()
    try:
        carol = carol_in_cs101.student
        start = newest_id()
        socket = SocketClient.of(server, carol, after=start)
        socket.until_heartbeat()
        assert AdminSession.of(server, alice).add_resource(cs101.pk, "in-process") == 302
        socket.until_event(max(ids_on("course:CS101", start)))
        socket.close()
        assert eventually(lambda: "Channel layer: in-process (no REDIS_URL)" in server.log())
    finally:
        server.stop()
