"""A daphne process dies while students are connected and instructors keep working.

Two processes share Redis, as behind nginx: the sockets live on the first, the instructor's requests
go to the second. The first is killed (SIGKILL, no goodbye), writes go on, it comes back on the same
port; each client reconnects and resumes from the newest id it holds."""

import pytest
from django.db import connection

from lms_site.testing import DaphneServer, database_url
from notifications.tests.wire import newest_id

from .resilience import Instructor, ResumingClient, visible_ids

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def two_daphnes(redis_server):
    url = database_url(connection.settings_dict)
    servers = [DaphneServer(database_url=url, redis_url=redis_server.url).start() for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


def test_clients_of_a_killed_daphne_resume_with_every_event_once(two_daphnes, alice, carol, dave, cs101):
    from courses.models import Subscription

    for student in (carol, dave):
        Subscription.objects.create(student=student, course=cs101)
    sockets_on, requests_to = two_daphnes
    start = newest_id()
    clients = [ResumingClient(sockets_on, user, after=start) for user in (carol, carol, dave)]
    admin = Instructor(requests_to, alice)

    statuses = [admin.add_resource(cs101, f"before-{n}") for n in range(3)]
    sockets_on.kill()
    statuses += [admin.add_resource(cs101, f"while-down-{n}") for n in range(3)]
    sockets_on.start()  # same port: the clients' reconnect loop finds it
    statuses += [admin.add_resource(cs101, f"after-{n}") for n in range(3)]

    assert statuses == [302] * 9  # no request failed because a process died
    for client, user in zip(clients, (carol, carol, dave), strict=True):
        wanted = visible_ids(user, start)
        assert len(wanted) == 9  # the course's events; its catalog copies are not for members
        client.until_holding(wanted)
        assert client.reconnects >= 1
        assert sorted(client.received) == sorted(set(client.received)), "an event arrived twice"
        assert set(client.received) == wanted, "an event the user may not see arrived"
        client.close()
