"""GET /api/v1/events?after=<id>: the socket's authorised replay over HTTP, cursor-paginated."""

import pytest

from courses.services import add_resource, post_announcement
from lms_site.testing.api import client_for, error_of
from notifications.models import Event
from notifications.rendering import event_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(alice, bob, cs101, ma201):
    """One announcement in each course."""
    return {
        "cs101": post_announcement(author=alice, course=cs101, title="CS news", body="..."),
        "ma201": post_announcement(author=bob, course=ma201, title="MA news", body="..."),
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["data"]["title"] for item in response.json()["results"] if item["kind"] == "announcement"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("alice", ["CS news"]), ("bob", ["MA news"]), ("carol", ["CS news"]), ("dave", [])],
)
def test_course_events_reach_members_only(request, carol_in_cs101, news, who, expected):
    assert titles(client_for(request.getfixturevalue(who)).get("/api/v1/events")) == expected


def test_anonymous_callers_get_401():
    assert error_of(client_for().get("/api/v1/events"))["status"] == 401


def test_items_are_the_messages_the_socket_sends(carol, carol_in_cs101, news):
    body = client_for(carol).get("/api/v1/events").json()
    event = Event.objects.get(kind=Event.Kind.ANNOUNCEMENT, course__code="CS101")
    item = next(i for i in body["results"] if i["id"] == event.pk)
    assert item == event_message(event)


def test_after_resumes_from_a_cursor(carol, alice, cs101, carol_in_cs101):
    client = client_for(carol)
    start = client.get("/api/v1/events").json()["last_id"]
    assert client.get("/api/v1/events", {"after": start}).json() == {
        "results": [],
        "last_id": start,
        "has_more": False,
        "next": None,
    }
    add_resource(course=cs101, title="Week 2", body="Read it")
    body = client.get("/api/v1/events", {"after": start}).json()
    assert [item["data"]["title"] for item in body["results"]] == ["Week 2"]
    assert body["last_id"] == body["results"][0]["id"] > start


def test_pages_follow_next_until_the_end(alice, carol, cs101, carol_in_cs101):
    for number in range(5):
        post_announcement(author=alice, course=cs101, title=f"A{number}", body="...")
    client = client_for(carol)
    seen, url, params = [], "/api/v1/events", {"limit": 2}
    while url:
        body = client.get(url, params).json()
        seen += [item["id"] for item in body["results"]]
        url, params = body["next"], None
        assert body["has_more"] is (url is not None)
    visible = list(Event.objects.filter(topic__in=["course:CS101", f"user:{carol.pk}"]).values_list("id", flat=True))
    assert seen == sorted(seen) and set(visible) <= set(seen)
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("params", "field"),
    [({"after": "x"}, "after"), ({"after": -1}, "after"), ({"limit": 0}, "limit"), ({"limit": 501}, "limit")],
)
def test_bad_cursors_are_400_with_the_field(dave, params, field):
    error = error_of(client_for(dave).get("/api/v1/events", params))
    assert error["status"] == 400 and list(error["fields"]) == [field]


def test_a_huge_cursor_is_just_the_end(dave):
    body = client_for(dave).get("/api/v1/events", {"after": 2**63 - 1}).json()
    assert body["results"] == [] and body["has_more"] is False


def test_the_list_runs_a_fixed_number_of_queries(django_assert_num_queries, alice, carol, cs101, carol_in_cs101):
    for number in range(30):
        post_announcement(author=alice, course=cs101, title=f"A{number}", body="...")
    client = client_for(carol)
    # token + user, membership, events, and what their live parts show: the announcements (one
    # query for the page, notifications/live.py prepare)
    with django_assert_num_queries(4):
        body = client.get("/api/v1/events", {"limit": 25}).json()
    assert len(body["results"]) == 25 and body["has_more"] is True
