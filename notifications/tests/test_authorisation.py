"""The authorisation matrix: which user's socket receives which event, live and replayed alike.
An event of a course reaches its subscribers and its instructor; a new course reaches everyone,
while the catalog copy of a course's resource reaches no personal feed (it is for the catalog page);
registrations reach site administrators only."""

import pytest
from django.contrib.auth import get_user_model

from courses import services
from lms_site.testing.events import newest_id
from lms_site.testing.sockets import SocketClient

pytestmark = pytest.mark.usefixtures("transactional_db", "carol_in_cs101")

# Who sees which change, written out by hand (not computed by the code under test).
NEW_COURSE = "New course: CS999 (catalog)"
EXPECTED = {
    "alice": {"cs101 resource", "draft resource", "cs101 announcement", NEW_COURSE, "broadcast"},
    "bob": {"ma201 resource", NEW_COURSE, "broadcast"},
    "carol": {"cs101 resource", "cs101 announcement", NEW_COURSE, "broadcast"},
    "dave": {NEW_COURSE, "broadcast"},
    "root": {"registration", NEW_COURSE, "broadcast"},
}


def make_changes(alice, root, cs101, ma201, draft) -> dict[int, str]:
    """Every kind of change once; returns event id -> label. The broadcast comes last."""
    start = newest_id()
    services.add_resource(course=cs101, title="cs101 resource", body="Text")
    services.add_resource(course=draft, title="draft resource", body="Text")
    services.add_resource(course=ma201, title="ma201 resource", body="Text")
    services.post_announcement(author=alice, title="cs101 announcement", body="Text", course=cs101)
    get_user_model().objects.create_user(username="erin")
    draft.is_published = True
    draft.save(update_fields=["is_published"])
    services.post_announcement(author=root, title="broadcast", body="Text")
    from notifications.models import Event

    labels = {}
    for event in Event.objects.filter(id__gt=start):
        if event.kind == "user_registered":
            labels[event.pk] = "registration"
        else:
            labels[event.pk] = event.payload["title"] + (" (catalog)" if event.topic == "all_courses" else "")
    assert len(labels) == 9
    return labels


def test_live_events_reach_exactly_the_users_who_may_see_them(daphne, people, cs101, ma201, draft):
    start = newest_id()
    sockets = {name: SocketClient.of(daphne, user, after=start) for name, user in people.items() if user}
    for socket in sockets.values():
        socket.until_heartbeat()
    labels = make_changes(people["alice"], people["root"], cs101, ma201, draft)
    broadcast = max(labels)
    for name, socket in sockets.items():
        socket.until_event(broadcast)
        assert {labels[i] for i in socket.ids} == EXPECTED[name], name
        assert len(socket.ids) == len(set(socket.ids)), name
        socket.close()


def test_replayed_events_follow_the_same_rule(daphne, people, cs101, ma201, draft):
    start = newest_id()
    labels = make_changes(people["alice"], people["root"], cs101, ma201, draft)
    sockets = {name: SocketClient.of(daphne, user, after=start) for name, user in people.items() if user}
    for name, socket in sockets.items():
        socket.until_heartbeat()
        assert {labels[i] for i in socket.ids} == EXPECTED[name], name
        assert socket.ids == sorted(socket.ids), name
        socket.close()


def test_the_heartbeat_carries_the_newest_id_the_user_may_see(daphne, people, cs101, ma201, draft):
    labels = make_changes(people["alice"], people["root"], cs101, ma201, draft)
    services.add_resource(course=draft, title="hidden from carol", body="Text")
    socket = SocketClient.of(daphne, people["carol"])
    assert socket.until_heartbeat()["latest"] == max(labels)
    socket.close()
