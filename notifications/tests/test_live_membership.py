"""Membership follows the database while sockets are open: subscribing in one tab makes every
socket of that user receive the course's events; unsubscribing stops them."""

import pytest

from courses import services
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db")


def is_event_on(topic):
    return lambda m: m["type"] == "event" and m["topic"] == topic


def test_subscribing_and_leaving_change_every_open_socket_of_the_user(daphne, carol, bob, ma201, root):
    start = newest_id()
    tabs = [SocketClient.of(daphne, carol, after=start) for _ in range(2)]
    for tab in tabs:
        tab.until_heartbeat()

    services.subscribe(user=carol, course=ma201)
    services.add_resource(course=ma201, title="Joined", body="Text")
    joined = max(ids_on("course:MA201", start))
    for tab in tabs:
        tab.until_event(joined)

    services.unsubscribe(user=carol, course=ma201)
    services.add_resource(course=ma201, title="After leaving", body="Text")
    left = max(ids_on("course:MA201", start))
    services.post_announcement(author=root, title="Marker", body="End of test")
    marker = max(ids_on("system_events", start))
    for tab in tabs:
        tab.until_event(marker)
        assert left not in tab.ids
        # Nor does the catalog copy of its resource: that is for the catalog page.
        assert max(ids_on("all_courses", start)) not in tab.ids
        assert len(tab.ids) == len(set(tab.ids))
        tab.close()


def test_a_new_course_is_followed_by_its_instructors_open_socket(daphne, bob):
    from courses.models import Course

    start = newest_id()
    socket = SocketClient.of(daphne, bob, after=start)
    socket.until_heartbeat()
    course = Course.objects.create(code="PH100", title="Physics", instructor=bob, is_published=False)
    services.add_resource(course=course, title="Draft", body="Text")
    socket.until(is_event_on("course:PH100"))
    socket.close()


def test_replay_after_leaving_never_includes_the_course(daphne, carol_in_cs101, carol, cs101):
    start = newest_id()
    services.add_resource(course=cs101, title="While a member", body="Text")
    services.unsubscribe(user=carol, course=cs101)
    socket = SocketClient.of(daphne, carol, after=start)
    socket.until_heartbeat()
    assert all(m["topic"] != "course:CS101" for m in socket.received)
    # Nor its catalog copy: resource news of courses she does not follow is not hers.
    assert socket.received == []
    socket.close()
