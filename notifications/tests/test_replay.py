"""A socket that connects with ?after=<id> gets what it missed, oldest first, bounded, and then
the live stream; nothing committed during the hand-over is lost or sent twice."""

import threading

import pytest
from django.db import connection

from courses import services
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_replay_sends_what_was_missed_oldest_first_then_streams(daphne, alice, carol_in_cs101, cs101):
    start = newest_id()
    added = [services.add_resource(course=cs101, title=f"Week {n}", body="Text") for n in range(5)]
    missed = sorted(ids_on("course:CS101", start))
    assert len(missed) == len(added)

    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    ready = client.until(lambda m: m["type"] == "ready")  # set up: the replay came before it
    assert client.ids == missed
    assert ready == {"type": "ready", "cursor": start}
    client.until_heartbeat()
    assert client.ids == missed
    assert [m["data"]["title"] for m in client.received] == [f"Week {n}" for n in range(5)]

    services.add_resource(course=cs101, title="Live one", body="Text")
    live = max(ids_on("course:CS101", start))
    client.until_event(live)
    assert client.ids == [*missed, live]
    client.close()


def test_an_event_message_carries_the_rendered_feed_item(daphne, carol_in_cs101, cs101):
    start = newest_id()
    services.add_resource(course=cs101, title="Slides <b>1</b>", url="https://example.edu/s1")
    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    message = client.until(lambda m: m["type"] == "event")
    assert set(message) == {
        "type",
        "id",
        "kind",
        "topic",
        "created_at",
        "data",
        "html",
        "parts",
        "not_for",
        "group_for",
        "group",
    }
    assert message["kind"] == "new_resource" and message["topic"] == "course:CS101"
    assert message["data"]["title"] == "Slides <b>1</b>"
    assert f'id="event-{message["id"]}"' in message["html"]
    assert "Slides &lt;b&gt;1&lt;/b&gt;" in message["html"]
    client.close()


def test_beyond_the_bound_the_client_is_told_to_resync(daphne, settings, carol_in_cs101, cs101):
    # The daphne under test replays at most ACTIVITY_REPLAY_LIMIT (500) events.
    start = newest_id()
    for n in range(501):
        services.add_resource(course=cs101, title=f"Item {n}", body="Text")
    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    first = client.until(lambda m: m["type"] != "heartbeat")
    assert first == {"type": "resync"}
    assert client.received == []
    client.close()


def test_a_replay_request_fills_a_gap_the_client_noticed(daphne, carol_in_cs101, cs101):
    start = newest_id()
    services.add_resource(course=cs101, title="A", body="Text")
    services.add_resource(course=cs101, title="B", body="Text")
    expected = sorted(ids_on("course:CS101", start))
    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    client.until_event(expected[-1])
    client.send({"type": "replay", "after": expected[0]})
    client.until_event(expected[-1])
    assert client.ids == [*expected, expected[-1]]
    client.close()


def test_nothing_committed_during_the_hand_over_is_lost_or_sent_twice(daphne, carol_in_cs101, cs101):
    """Sockets connect one after another while resources keep being added; each must end holding
    exactly the course's events after its cursor, each once."""
    carol = carol_in_cs101.student
    from lms_site.testing.servers import session_cookie

    cookie = session_cookie(carol)
    stop = threading.Event()

    def keep_adding():
        try:
            n = 0
            while not stop.is_set():
                services.add_resource(course=cs101, title=f"Race {n}", body="Text")
                n += 1
        finally:
            connection.close()

    writer = threading.Thread(target=keep_adding)
    writer.start()
    clients = []
    try:
        for _ in range(6):
            after = newest_id()
            clients.append((after, SocketClient(daphne, cookie=cookie, after=after)))
        clients[-1][1].until_heartbeat()  # the last one too has replayed and streams
    finally:
        stop.set()
        writer.join()
    services.add_resource(course=cs101, title="Last", body="Text")
    last = newest_id() - 1  # the course copy; the newest is the catalog copy
    for after, client in clients:
        client.until_event(last)
        # An event committed just before the client read its cursor may still ring the doorbell
        # after the socket joined: the consumer does not send it again.
        assert sorted(client.ids) == sorted(ids_on("course:CS101", after)), f"after {after}"
        assert len(client.ids) == len(set(client.ids))
        client.close()
