"""A doorbell lost between two delivered ones (what a Redis failover does: an event dropped while
the primary switched, the next one delivered) is healed by the next heartbeat, though the socket
has already sent a newer id."""

import pytest

from courses import services
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.sockets import SocketClient
from notifications.models import Event

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_a_heartbeat_fills_a_hole_below_the_newest_id_sent(daphne, carol_in_cs101, cs101):
    client = SocketClient.of(daphne, carol_in_cs101.student, after=newest_id())
    client.until_heartbeat()
    # Written to the log with no doorbell: its publish was lost.
    hole = Event.objects.create(
        kind=Event.Kind.NEW_RESOURCE,
        topic="course:CS101",
        course=cs101,
        payload={"title": "Dropped", "url": "", "summary": "", "course_code": "CS101", "course_title": cs101.title},
    )
    services.add_resource(course=cs101, title="Delivered", body="Text")
    delivered = max(ids_on("course:CS101", hole.pk))
    client.until_event(delivered)
    client.until_event(hole.pk)  # from the heartbeat's gap filling, not the client asking
    assert client.ids == [delivered, hole.pk]
    client.close()
