"""A daphne process dies while students are connected and instructors keep working.

Two processes share Redis, as behind nginx: the sockets live on the first, the instructor's requests
go to the second. The first is killed (SIGKILL, no goodbye), writes go on, it comes back on the same
port; each client reconnects and resumes from the newest id it holds."""

import pytest
from django.db import connection

from lms_site.testing.admin import AdminSession
from lms_site.testing.events import newest_id, visible_ids
from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.sockets import SocketClient

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
    clients = [SocketClient.of(sockets_on, user, after=start, resume=True) for user in (carol, carol, dave)]
    admin = AdminSession.of(requests_to, alice)

    statuses = [admin.add_resource(cs101.pk, f"before-{n}") for n in range(3)]
    sockets_on.kill()
    statuses += [admin.add_resource(cs101.pk, f"while-down-{n}") for n in range(3)]
    sockets_on.start()  # same port: the clients' reconnect loop finds it
    statuses += [admin.add_resource(cs101.pk, f"after-{n}") for n in range(3)]

    assert statuses == [302] * 9  # no request failed because a process died
    for client, user in zip(clients, (carol, carol, dave), strict=True):
        wanted = visible_ids(user, start)
        assert len(wanted) == 9  # the course's events; its catalog copies are not for members
        client.until_holding(wanted)
        assert client.reconnects >= 1
        assert sorted(client.ids) == sorted(set(client.ids)), "an event arrived twice"
        assert set(client.ids) == wanted, "an event the user may not see arrived"
        client.close()
