"""A discussion post's text reaches the event log (the summary of its events). When the post is
edited, removed by a moderator or deleted with its thread, no reader of the log shows the old text
any more: the events API, /notifications/, the course page's feed and a socket's replay."""

import json

import pytest
from django.test import Client

from courses import services
from courses.models import Subscription
from lms_site.testing.events import newest_id
from lms_site.testing.sockets import SocketClient
from notifications.models import Event

pytestmark = pytest.mark.usefixtures("transactional_db")

OPENING = "The opening post, SECRET-OPENING words"
REPLY = "A reply with SECRET-REPLY words"
EDITED = "What I meant to say, politely"


@pytest.fixture
def discussion(carol, carol_in_cs101, dave, cs101):
    """carol opens a thread and dave replies to her: events on the course's topic and carol's."""
    Subscription.objects.create(student=dave, course=cs101)
    start = newest_id()
    thread = services.start_thread(author=carol, course=cs101, title="Loops", body=OPENING)
    reply = services.reply(author=dave, thread=thread, body=REPLY)
    assert Event.objects.filter(id__gt=start, payload__summary=REPLY).count() == 2  # course and carol
    return start, thread, reply


def readers(server, user, course, start: int) -> dict[str, str]:
    """What each reader of the event log shows `user`."""
    client = Client()
    client.force_login(user)
    pages = {
        "api": client.get(f"/api/v1/events?after={start}"),
        "notifications": client.get("/notifications/"),
        "course feed": client.get(course.get_absolute_url()),
    }
    shown = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        shown[name] = response.content.decode()
    socket = SocketClient.of(server, user, after=start)
    socket.until_heartbeat()
    shown["socket replay"] = json.dumps(socket.received)
    socket.close()
    return shown


def test_an_edited_post_leaves_only_its_new_text_in_the_log(daphne, discussion, carol, dave, cs101):
    start, _thread, reply = discussion
    services.edit_post(user=dave, post=reply, body=EDITED)
    for reader, shown in readers(daphne, carol, cs101, start).items():
        assert "SECRET-REPLY" not in shown, reader
        assert EDITED in shown, reader


def test_a_removed_post_leaves_no_text_in_the_log(daphne, discussion, alice, carol, cs101):
    start, _thread, reply = discussion
    services.remove_post(user=alice, post=reply)
    for reader, shown in readers(daphne, carol, cs101, start).items():
        assert "SECRET-REPLY" not in shown, reader
        assert "SECRET-OPENING" in shown, reader  # the rest of the thread stands


def test_a_post_removed_in_the_admin_leaves_no_text_either(discussion):
    _start, _thread, reply = discussion
    reply.is_removed = True  # the admin's form: the flag, the body left as it was
    reply.save()
    assert not [event for event in Event.objects.all() if "SECRET-REPLY" in event.payload.get("summary", "")]


def test_a_deleted_thread_leaves_none_of_its_text_in_the_log(daphne, discussion, alice, carol, cs101):
    start, thread, _reply = discussion
    services.moderate_thread(user=alice, thread=thread, action="delete")
    for reader, shown in readers(daphne, carol, cs101, start).items():
        assert "SECRET" not in shown, reader
        assert "Loops" not in shown, reader  # the thread's title was the user's words too
    # still, as a cursor (the posts' three, and two quiet analytics events each for the instructor
    # and the site admins)
    assert Event.objects.filter(id__gt=start).exclude(kind=Event.Kind.MODERATION).count() == 7
    # carol and dave are told their posts were deleted, quoting none of them.
    assert Event.objects.filter(id__gt=start, kind=Event.Kind.MODERATION).count() == 2


def test_an_edit_saves_one_update_per_event_it_touches(discussion, dave, django_assert_max_num_queries):
    _start, _thread, reply = discussion
    with django_assert_max_num_queries(6):
        services.edit_post(user=dave, post=reply, body=EDITED)
