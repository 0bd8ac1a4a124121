"""GET /api/v1/events/unread, PUT /api/v1/events/<id>/read, POST /api/v1/events/read: the read
state over HTTP, through the services the pages use."""

import pytest

from courses.services import add_resource
from lms_site.testing.api import client_for, error_of
from notifications import selectors
from notifications.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def slides(cs101, carol_in_cs101):
    add_resource(course=cs101, title="Slides", body="Text")
    return Event.objects.filter(kind="new_resource", topic="course:CS101").latest("id")


def test_unread_is_the_rule_the_pages_follow(carol, slides):
    body = client_for(carol).get("/api/v1/events/unread").json()
    state = selectors.unread_state(carol, 0)
    assert body == {"last_read": 0, **state}
    assert slides.pk in body["unread_ids"]


def test_one_event_read_and_unread(carol, slides):
    client = client_for(carol)
    before = client.get("/api/v1/events/unread").json()["unread"]
    body = client.put(f"/api/v1/events/{slides.pk}/read", {"read": True}, format="json").json()
    assert body["unread"] == before - 1 and slides.pk not in body["unread_ids"]
    body = client.put(f"/api/v1/events/{slides.pk}/read", {"read": False}, format="json").json()
    assert body["unread"] == before and slides.pk in body["unread_ids"]
    assert client.put(f"/api/v1/events/{slides.pk}/read", {}, format="json").json()["unread"] == before - 1


def test_all_read(carol, slides):
    body = client_for(carol).post("/api/v1/events/read").json()
    assert body["unread"] == 0 and body["last_read"] >= slides.pk


def test_what_you_may_not_see_is_404_and_bad_input_400(carol, dave, slides):
    assert error_of(client_for(dave).put(f"/api/v1/events/{slides.pk}/read", {}, format="json"))["status"] == 404
    huge = client_for(carol).put("/api/v1/events/99999999999999999999/read", {}, format="json")
    assert error_of(huge)["status"] == 404
    bad = client_for(carol).put(f"/api/v1/events/{slides.pk}/read", {"read": "maybe"}, format="json")
    assert error_of(bad)["status"] == 400
    assert error_of(client_for().get("/api/v1/events/unread"))["status"] == 401
