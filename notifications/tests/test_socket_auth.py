"""Who may open the activity socket: a logged-in user from one of our own origins."""

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from courses import services
from lms_site.testing.events import newest_id
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_an_anonymous_socket_is_closed_with_4401(daphne):
    client = SocketClient(daphne)
    with pytest.raises(ConnectionClosed) as closed:
        client.next_message(timeout=10)
    assert closed.value.rcvd.code == 4401


def test_a_forged_session_cookie_is_anonymous(daphne):
    client = SocketClient(daphne, cookie="not-a-session")
    with pytest.raises(ConnectionClosed) as closed:
        client.next_message(timeout=10)
    assert closed.value.rcvd.code == 4401


def test_a_foreign_origin_is_refused_at_the_handshake(daphne, carol):
    with pytest.raises(InvalidStatus) as refused:
        SocketClient.of(daphne, carol, origin="https://evil.example")
    assert refused.value.response.status_code == 403


def test_a_logged_in_user_from_an_allowed_origin_gets_heartbeats(daphne, carol, root):
    services.post_announcement(author=root, title="For everyone", body="The newest event is hers to see")
    client = SocketClient.of(daphne, carol, origin=f"http://localhost:{daphne.port}")
    beat = client.until_heartbeat()
    assert beat["latest"] == newest_id()
    client.close()


def test_a_malformed_cursor_is_reported_and_the_socket_stays_open(daphne, carol):
    client = SocketClient.of(daphne, carol, after="-3")
    error = client.until(lambda m: m["type"] != "heartbeat")
    assert error == {"type": "error", "message": "'after' must be a non-negative integer."}
    assert client.until_heartbeat()["type"] == "heartbeat"
    client.close()


def test_a_flooding_client_is_closed_with_4408(daphne, carol):
    client = SocketClient.of(daphne, carol)
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(50):
            client.send({"type": "ping"})
        while True:
            client.next_message(timeout=10)
    assert closed.value.rcvd.code == 4408
