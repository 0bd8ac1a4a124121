"""An unpublished course has no student members (courses/permissions.py): its events reach its
teacher only, live, in replay, on /notifications/ and from /api/v1/events. Open sockets follow a
course being unpublished or published again without reconnecting."""

import pytest
from django.db import connection
from django.urls import reverse

from courses import services
from lms_site.testing.api import client_for
from lms_site.testing.events import ids_on, newest_id
from lms_site.testing.servers import DaphneServer, database_url
from lms_site.testing.sockets import SocketClient


def set_published(course, published: bool) -> None:
    course.is_published = published
    course.save()


@pytest.mark.usefixtures("transactional_db")
def test_subscribers_of_a_course_that_is_unpublished_receive_no_more_of_its_events(
    daphne, alice, carol_in_cs101, cs101, root
):
    carol = carol_in_cs101.student
    start = newest_id()
    student, teacher = SocketClient.of(daphne, carol, after=start), SocketClient.of(daphne, alice, after=start)
    for socket in (student, teacher):
        socket.until_heartbeat()
    services.add_resource(course=cs101, title="While published", body="Text")
    published = max(ids_on("course:CS101", start))
    student.until_event(published)

    set_published(cs101, False)
    services.add_resource(course=cs101, title="While unpublished", body="Text")
    hidden = max(ids_on("course:CS101", start))
    services.post_announcement(author=root, title="Marker", body="End of test")
    marker = max(ids_on("system_events", start))
    student.until_event(marker)
    teacher.until_event(hidden)
    assert hidden not in student.ids
    # Nor on the next beat's replay; a fresh socket replays none of the course's events at all.
    student.until_heartbeat()
    assert hidden not in student.ids
    fresh = SocketClient.of(daphne, carol, after=start)
    fresh.until_heartbeat()
    # Only the quiet removal of the course's card from her dashboard, on her own topic, and the marker.
    (card_removed,) = ids_on(f"user:{carol.pk}", published)
    assert fresh.ids == [card_removed, marker]
    for socket in (student, teacher, fresh):
        socket.close()


@pytest.fixture
def slow_heartbeat_daphne(redis_server):
    """A daphne whose sockets beat once a minute: whatever they learn within a test, they learn from
    a control message, not from the heartbeat's re-read of membership."""
    server = DaphneServer(
        database_url=database_url(connection.settings_dict),
        redis_url=redis_server.url,
        extra_env={"ACTIVITY_HEARTBEAT_SECONDS": "60"},
    ).start()
    yield server
    server.stop()


@pytest.mark.usefixtures("transactional_db")
def test_open_sockets_follow_the_course_when_it_is_published_again(slow_heartbeat_daphne, carol_in_cs101, cs101):
    carol = carol_in_cs101.student
    set_published(cs101, False)
    start = newest_id()
    socket = SocketClient.of(slow_heartbeat_daphne, carol, after=start)
    socket.send({"type": "ping"})
    socket.until(lambda m: m["type"] == "pong")  # connected, membership loaded

    set_published(cs101, True)
    services.add_resource(course=cs101, title="Back", body="Text")
    socket.until_event(max(ids_on("course:CS101", start)), timeout=20)
    assert not [m for m in socket.messages if m["type"] == "heartbeat"]
    socket.close()


@pytest.mark.django_db
def test_an_unpublished_courses_events_leave_its_students_feed_and_api(client, alice, carol_in_cs101, cs101):
    carol = carol_in_cs101.student
    services.add_resource(course=cs101, title="Week 1 slides", body="Text")
    course_events = ids_on("course:CS101", 0)
    client.force_login(carol)
    assert "Week 1 slides" in client.get(reverse("notifications:list")).content.decode()

    set_published(cs101, False)
    assert "Week 1 slides" not in client.get(reverse("notifications:list")).content.decode()
    api_ids = {item["id"] for item in client_for(carol).get("/api/v1/events").json()["results"]}
    assert api_ids.isdisjoint(course_events)
    # Its teacher still has them.
    api_ids = {item["id"] for item in client_for(alice).get("/api/v1/events").json()["results"]}
    assert course_events <= api_ids
