"""Whatever a client sends, the consumer answers with a clear error or closes that one socket; it
never crashes, and never sends an event the user may not see. (A malformed ?after= and a flood are
covered in notifications/tests/test_socket_auth.py.)"""

import json

import pytest
from websockets.exceptions import ConnectionClosed

from lms_site.testing.events import newest_id, visible_ids
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")

NOT_JSON = {"type": "error", "message": "Messages must be JSON."}
UNKNOWN = {"type": "error", "message": "Unknown message type."}
BAD_AFTER = {"type": "error", "message": "'after' must be a non-negative integer."}

BAD_FRAMES = [
    ("not json", NOT_JSON),
    (b"\xff\xfe\x00binary", NOT_JSON),
    ("[1, 2]", UNKNOWN),
    ('"replay"', UNKNOWN),
    ("null", UNKNOWN),
    ('{"type": 7}', UNKNOWN),
    ('{"type": "subscribe", "topic": "course:CS999"}', UNKNOWN),
    ('{"type": "replay", "after": -5}', BAD_AFTER),
    ('{"type": "replay", "after": "abc"}', BAD_AFTER),
    ('{"type": "replay", "after": true}', BAD_AFTER),
    ('{"type": "replay", "after": null}', BAD_AFTER),
    ('{"type": "replay"}', BAD_AFTER),
]


def test_each_bad_frame_gets_a_clear_error_and_the_socket_keeps_working(daphne, carol_in_cs101, carol, cs101, draft):
    from courses.models import Resource

    with SocketClient.of(daphne, carol, after=newest_id()) as socket:
        for frame, expected in BAD_FRAMES:
            socket.send(frame)
            assert socket.next_reply() == expected, frame
        socket.send(json.dumps({"type": "ping"}))
        assert socket.next_reply() == {"type": "pong"}
        # Still streaming, and only what carol may see: not the unpublished course's news.
        Resource.objects.create(course=draft, title="Secret draft")
        visible = Resource.objects.create(course=cs101, title="For members")
        socket.until(lambda m: m["type"] == "event" and m["data"]["title"] == visible.title)
        assert all(m["data"]["title"] != "Secret draft" for m in socket.received)


def test_a_forged_cursor_replays_only_what_the_user_may_see(daphne, carol_in_cs101, carol, cs101, draft, ma201):
    from courses.models import Resource

    for course in (cs101, draft, ma201, cs101):
        Resource.objects.create(course=course, title=f"Before {course.code}")
    newest = newest_id()
    with SocketClient.of(daphne, carol, after=newest) as socket:
        socket.send(json.dumps({"type": "replay", "after": 0}))  # "give me everything"
        socket.until(lambda m: m["type"] == "event" and m["id"] == max(visible_ids(carol, 0)))
        ids = socket.ids
        assert set(ids) == visible_ids(carol, 0)
        assert len(ids) == len(set(ids))
        socket.send(json.dumps({"type": "replay", "after": 10**30}))  # beyond anything: nothing, no error
        socket.send(json.dumps({"type": "ping"}))
        assert socket.next_reply() == {"type": "pong"}


@pytest.mark.parametrize("size", [4097, 256 * 1024])
def test_an_oversized_frame_closes_that_socket_only(daphne, carol, size):
    with SocketClient.of(daphne, carol) as bystander, SocketClient.of(daphne, carol) as sender:
        sender.send("x" * size)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                sender.next_message(timeout=10)
        assert closed.value.rcvd.code != 1011, "the consumer crashed"
        assert closed.value.rcvd.code == 4009
        bystander.send(json.dumps({"type": "ping"}))
        assert bystander.next_reply() == {"type": "pong"}
