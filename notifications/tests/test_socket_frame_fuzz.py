"""Odd frames (numbers that overflow, NaN, huge ints, wrong types for every field of every client
message, deep nesting) get a clear error or are ignored; the consumer never crashes (no 1011 close,
no traceback in daphne's log)."""

import pytest
from websockets.exceptions import ConnectionClosed

from lms_site.testing.events import newest_id
from lms_site.testing.sockets import UNASKED, SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")

NOT_JSON = {"type": "error", "message": "Messages must be JSON."}
UNKNOWN = {"type": "error", "message": "Unknown message type."}
BAD_AFTER = {"type": "error", "message": "'after' must be a non-negative integer."}
NOTHING = None  # a valid request with nothing to send back before the pong
PONG = {"type": "pong"}

HUGE = 10**30
# Each frame and what the socket answers before the pong that follows it.
ODD_FRAMES = [
    # `after` of a replay: every JSON type, and numbers at and beyond every limit.
    ('{"type": "replay", "after": 1e400}', BAD_AFTER),
    ('{"type": "replay", "after": -1e400}', BAD_AFTER),
    ('{"type": "replay", "after": NaN}', BAD_AFTER),
    ('{"type": "replay", "after": Infinity}', BAD_AFTER),
    ('{"type": "replay", "after": -Infinity}', BAD_AFTER),
    ('{"type": "replay", "after": 1.5}', BAD_AFTER),
    ('{"type": "replay", "after": 1e308}', BAD_AFTER),
    ('{"type": "replay", "after": -0.0}', BAD_AFTER),
    ('{"type": "replay", "after": -1}', BAD_AFTER),
    (f'{{"type": "replay", "after": -{HUGE}}}', BAD_AFTER),
    ('{"type": "replay", "after": "1e400"}', BAD_AFTER),
    ('{"type": "replay", "after": "NaN"}', BAD_AFTER),
    ('{"type": "replay", "after": ""}', BAD_AFTER),
    ('{"type": "replay", "after": []}', BAD_AFTER),
    ('{"type": "replay", "after": [1]}', BAD_AFTER),
    ('{"type": "replay", "after": {}}', BAD_AFTER),
    ('{"type": "replay", "after": {"$gt": 0}}', BAD_AFTER),
    ('{"type": "replay", "after": false}', BAD_AFTER),
    # Integers beyond any id mean "nothing newer": no error, nothing sent.
    (f'{{"type": "replay", "after": {2**63 - 1}}}', NOTHING),
    (f'{{"type": "replay", "after": {2**63}}}', NOTHING),
    (f'{{"type": "replay", "after": {2**64}}}', NOTHING),
    (f'{{"type": "replay", "after": {HUGE}}}', NOTHING),
    ('{"type": "replay", "after": ' + "9" * 3000 + "}", NOTHING),
    (f'{{"type": "replay", "after": "{HUGE}"}}', NOTHING),
    # `type`: every JSON type.
    ('{"type": 1e400}', UNKNOWN),
    ('{"type": NaN}', UNKNOWN),
    ('{"type": 99999999999999999999999999999}', UNKNOWN),
    ('{"type": ["ping"]}', UNKNOWN),
    ('{"type": {"ping": 1}}', UNKNOWN),
    ('{"type": null}', UNKNOWN),
    ('{"type": true}', UNKNOWN),
    ('{"type": ""}', UNKNOWN),
    ('{"type": "PING"}', UNKNOWN),
    ('{"after": 0}', UNKNOWN),
    # Whole frames that are not an object.
    ("1e400", UNKNOWN),
    ("NaN", UNKNOWN),
    (str(HUGE), UNKNOWN),
    ("-0", UNKNOWN),
    ('"\\u0000"', UNKNOWN),
    ("[" * 2000 + "]" * 2000, UNKNOWN),
    ('{"a":' * 600 + "1" + "}" * 600, UNKNOWN),
    ("", NOT_JSON),
    ("\x00", NOT_JSON),
    # ping takes no fields: extra ones of any type are ignored.
    ('{"type": "ping", "after": 1e400}', PONG),
    ('{"type": "ping", "after": NaN, "x": {"y": [1e400]}}', PONG),
]

PER_SOCKET = 8  # two client messages per frame, under the flood limit of 20 in 10 s


def _replies_until_pong(client: SocketClient, pongs: int) -> list[dict]:
    """What came before the pong of our own ping (the frame's own pong, if it was a ping, too)."""
    replies = []

    def pong(message: dict) -> bool:  # sees every message, in arrival order
        if message["type"] not in UNASKED:
            replies.append(message)
        return message["type"] == "pong"

    for _ in range(pongs):
        client.until(pong, timeout=10)
    return replies[:-1]


def _new_log(daphne, since: int) -> str:
    return daphne.log()[since:]


@pytest.mark.parametrize("start", range(0, len(ODD_FRAMES), PER_SOCKET))
def test_odd_frames_get_a_clear_answer_and_never_crash_the_consumer(daphne, carol, start):
    since = len(daphne.log())
    with SocketClient.of(daphne, carol, after=newest_id()) as client:
        for frame, expected in ODD_FRAMES[start : start + PER_SOCKET]:
            client.send(frame)  # a str goes as it is
            client.send({"type": "ping"})
            try:
                replies = _replies_until_pong(client, pongs=2 if expected == PONG else 1)
            except ConnectionClosed as closed:
                pytest.fail(f"{frame[:60]!r} closed the socket with {closed.rcvd and closed.rcvd.code}")
            assert replies == ([] if expected is NOTHING else [expected]), frame[:60]
    log = _new_log(daphne, since)
    assert "Traceback" not in log
    assert " ERROR " not in log


@pytest.mark.parametrize("after", ["1e400", "NaN", "-1", str(HUGE), "9" * 400, "%00", "1.5"])
def test_an_odd_cursor_in_the_url_never_crashes_the_consumer(daphne, carol, after):
    since = len(daphne.log())
    with SocketClient.of(daphne, carol, after=after) as client:
        client.until_heartbeat(timeout=10)
        beat = [*client.messages, *client.received]  # everything up to the heartbeat, events included
        assert all(m["type"] in (*UNASKED, "error") for m in beat)
    log = _new_log(daphne, since)
    assert "Traceback" not in log
    assert " ERROR " not in log
