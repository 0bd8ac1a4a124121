"""A client that leaves while messages are on their way to it.

Its close frame reaches daphne (autobahn: the protocol is closed) before daphne can tell the
application (websocket.disconnect waits until the connection is gone, here until what was written
to it is flushed, which never happens while the client does not read). Whatever the consumer sends
meanwhile raises autobahn's Disconnected. That used to escape the consumer: daphne logged
"Exception inside application: Attempt to send on a closed protocol" as an ERROR, and the consumer
died before its disconnect ran (its quota slot and groups left behind). Now it is one INFO line with
the reason, and the socket ends as any other."""

import base64
import fcntl
import os
import socket
import struct
import termios

import pytest
import redis
from django.conf import settings

from courses import services
from lms_site.testing.events import newest_id
from lms_site.testing.servers import eventually, session_cookie
from notifications import topics
from notifications.models import Event

pytestmark = pytest.mark.usefixtures("transactional_db")

LEFT = "not sent, the client has left"


class SilentClient:
    """A WebSocket client that opens, then stops reading: what it was sent piles up in the kernel's
    buffers and daphne's. It can still send a frame."""

    def __init__(self, server, cookie: str, after: int):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /ws/activity/?after={after} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: {server.url}\r\nCookie: sessionid={cookie}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def unread_bytes(self) -> int:
        return struct.unpack("i", fcntl.ioctl(self.sock, termios.FIONREAD, b"\0\0\0\0"))[0]

    def send_close(self) -> None:
        """A masked close frame, code 1001 (going away), as a browser leaving the page sends it."""
        payload, mask = struct.pack("!H", 1001), os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x88, 0x80 | len(payload)]) + mask + masked)

    def drop(self) -> None:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset
        self.sock.close()


def test_a_client_leaving_while_events_are_on_their_way_is_no_error(daphne, redis_server, carol_in_cs101, cs101):
    carol = carol_in_cs101.student
    start = newest_id()
    since = len(daphne.log())  # the session's daphne: what earlier tests logged is not this test's
    # Enough for the replay on connect to fill every buffer on the way to a client that does not read.
    Event.objects.bulk_create(
        Event(kind=Event.Kind.ANNOUNCEMENT, topic=topics.user_topic(carol.pk), payload={"title": "x" * 25_000})
        for _ in range(400)
    )
    client = SilentClient(daphne, session_cookie(carol), after=start)
    slots = redis.Redis.from_url(redis_server.url)
    quota_key = f"{settings.CHANNEL_PREFIX}:sockets:user:{carol.pk}"
    # The replay reaches the client once all of it is written to daphne (one loop of sends): from
    # here on daphne cannot flush, so it cannot tell the consumer that the client left.
    assert eventually(client.unread_bytes)
    client.send_close()
    # Whatever is still sent to it (the rest of the replay, then live events) is sent after it left.
    for n in range(3):
        services.add_resource(course=cs101, title=f"after the client left {n}", body="Text")
    # A send was made after the client left: the log says so, one way (now) or the other (before).
    assert eventually(lambda: LEFT in daphne.log()[since:] or "closed protocol" in daphne.log()[since:], timeout=20)
    log = daphne.log()[since:]
    assert "Attempt to send on a closed protocol" not in log
    assert "Exception inside application" not in log
    assert LEFT in log

    client.drop()
    # The consumer lived to run its disconnect: the socket gave its slot back.
    assert eventually(lambda: slots.zcard(quota_key) == 0)
