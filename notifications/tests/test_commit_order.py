"""Nothing lost under concurrent writers (docs/architecture.md, "Nothing lost"): two transactions
write events at once, real ones (their own connections), against a real daphne, Redis and socket.

On PostgreSQL the second event writer waits for the first one's commit before it draws its id
(events.take_turn), so the lower id can no longer commit last; on SQLite writers queue anyway. Both
databases run these tests; the wait itself is observable on PostgreSQL only (pg_stat_activity)."""

import pytest
from django.db import connection

from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.servers import database_url, eventually
from lms_site.testing.sockets import SocketClient
from lms_site.testing.writers import HeldWrite, HeldWriteProcess

pytestmark = pytest.mark.usefixtures("transactional_db")


def writers_waiting_for_their_turn() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        return cursor.fetchone()[0]


def second_writer_waits(second: HeldWrite) -> None:
    """The second writer cannot draw an id while the first transaction is open."""
    if connection.vendor == "postgresql":
        eventually(lambda: writers_waiting_for_their_turn() == 1, timeout=30)
    assert not second.written.is_set()


def test_a_client_that_reconnects_between_two_commits_holds_both_events_once(daphne, carol_in_cs101, cs101):
    start = newest_id()
    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    client.until_heartbeat()
    first = HeldWrite("CS101", "first").start()
    [first_id] = first.wait_written()
    second = HeldWrite("CS101", "second").start()
    second_writer_waits(second)
    client.reconnect()  # while both are open
    first.commit()
    [second_id] = second.wait_written()
    client.reconnect()  # between the two commits
    second.commit()

    assert first_id < second_id
    wanted = ids_on("course:CS101", start)
    assert wanted == {first_id, second_id}
    client.until_holding(wanted)
    client.until_heartbeat()
    assert sorted(client.ids) == sorted(wanted)
    client.close()


def test_a_lower_id_whose_doorbell_is_lost_comes_with_the_next_heartbeat(daphne, carol_in_cs101, cs101):
    """The first transaction commits from a process without Redis (its doorbell reaches no socket),
    the second rings normally: the client has the higher id live, and the heartbeat sends the
    lower one, though the client's newest id is already past it. No reconnect."""
    start = newest_id()
    client = SocketClient.of(daphne, carol_in_cs101.student, after=start)
    client.until_heartbeat()
    first = HeldWriteProcess(database_url=database_url(connection.settings_dict), course_code="CS101", title="first")
    [first_id] = first.wait_written()
    second = HeldWrite("CS101", "second").start()
    second_writer_waits(second)
    first.commit()
    [second_id] = second.wait_written()
    second.commit()
    first.wait_ended()
    client.until_event(second_id)

    assert first_id < second_id
    client.until_holding({first_id, second_id})  # only a heartbeat can bring first_id
    client.until_heartbeat()
    assert sorted(client.ids) == [first_id, second_id]
    assert client.reconnects == 0
    client.close()
