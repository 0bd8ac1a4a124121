"""/notifications/: the user's events with read state, filters by course and kind, a fixed number
of queries however many there are; what it shows unread it marks read; per-item read and unread;
feed links open through /notifications/<id>/, which reads the item; "mark all read" and every
other change of read state reach every open tab."""

import re

import pytest
from django.urls import reverse

from courses import services
from lms_site.testing.events import newest_id
from lms_site.testing.sockets import SocketClient
from notifications import selectors
from notifications.models import Event, ReadCursor, ReadMark

LIST = reverse("notifications:list")
DASHBOARD = reverse("courses:dashboard")


def badge(html: str) -> int:
    return int(re.search(r'id="unread-count" class="badge" data-unread="(\d+)"', html).group(1))


@pytest.fixture
def busy_cs101(cs101, carol_in_cs101):
    def add(count):
        for n in range(count):
            services.add_resource(course=cs101, title=f"Item {n}", body="Text")

    return add


@pytest.mark.django_db
@pytest.mark.parametrize("events", [1, 30])
# The page's ids, then their rows (selectors.newest: the covering index sorts the ids).
@pytest.mark.parametrize(("query", "queries"), [("", 14), ("?course=CS101&kind=new_resource", 13)])
def test_the_page_costs_the_same_queries_however_many_events(
    client, carol, busy_cs101, events, query, queries, django_assert_num_queries
):
    busy_cs101(events)
    client.force_login(carol)
    # session, user, membership (shared by page and header), count, page, read cursor, which of
    # the page's items are unread, the unread groups; marking them read: cursor, their marks,
    # insert, the new state for every tab (and the header); header: newest id. With a kind there
    # are no groups to read.
    with django_assert_num_queries(queries):
        response = client.get(LIST + query)
    assert response.status_code == 200
    if query:
        assert len(response.context["events"]) == min(events, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("unread", [1, 150])
def test_the_header_costs_three_queries_besides_membership(
    carol, carol_in_cs101, cs101, unread, django_assert_num_queries
):
    Event.objects.bulk_create(
        Event(kind="new_resource", topic="course:CS101", course=cs101, payload={"title": f"R{n}"})
        for n in range(unread)
    )
    selectors.request_membership(carol)
    # read cursor, unread items (capped), newest id
    with django_assert_num_queries(3):
        state = selectors.activity_state(carol)
    assert state["unread"] == min(unread + 1, selectors.UNREAD_CAP)  # and CS101's publication


@pytest.mark.django_db
def test_the_page_lists_only_visible_events_and_marks_what_it_showed_read(client, carol, dave, busy_cs101, ma201, bob):
    busy_cs101(2)
    newest_of_cs101 = Event.objects.filter(topic="course:CS101").latest("id").id
    services.add_resource(course=ma201, title="Catalog news", body="Text")
    ReadCursor.objects.create(user=carol, last_read_id=newest_of_cs101 - 1)
    client.force_login(carol)
    assert badge(client.get(DASHBOARD).content.decode()) == 1
    html = client.get(LIST).content.decode()
    # Her subscription, two resources, and the publication of CS101 and MA201 (news for everyone);
    # the catalog copies of resources (CS101's and MA201's) stay on the catalog page.
    assert html.count('class="feed-item') == 5
    assert "Catalog news" not in html
    assert len(re.findall(r'class="feed-item[^"]* unread"', html)) == 1
    assert "1 new item shown here is now marked read." in html
    assert badge(html) == 0
    assert ReadMark.objects.filter(user=carol, event_id=newest_of_cs101, is_read=True).exists()
    html = client.get(LIST).content.decode()
    assert "Nothing new on this page." in html and not re.findall(r'class="feed-item[^"]* unread"', html)


@pytest.mark.django_db
def test_mark_all_read_moves_the_cursor_to_the_newest_visible(client, carol, busy_cs101, draft):
    busy_cs101(3)
    visible_newest = newest_id() - 1  # the newest is the catalog copy, hidden from a member
    services.add_resource(course=draft, title="Not hers", body="Text")
    client.force_login(carol)
    response = client.post(reverse("notifications:mark_read"))
    assert response.status_code == 302
    assert ReadCursor.objects.get(user=carol).last_read_id == visible_newest
    assert badge(client.get(DASHBOARD).content.decode()) == 0


@pytest.mark.django_db
def test_mark_all_read_wants_a_post(client, carol):
    client.force_login(carol)
    assert client.get(reverse("notifications:mark_read")).status_code == 405


@pytest.mark.usefixtures("transactional_db")
def test_marking_read_tells_every_open_socket_of_the_user(daphne, client, carol, busy_cs101, dave):
    busy_cs101(2)
    tabs = [SocketClient.of(daphne, carol) for _ in range(2)]
    other = SocketClient.of(daphne, dave)
    for socket in [*tabs, other]:
        socket.until_heartbeat()
    client.force_login(carol)
    client.post(reverse("notifications:mark_read"))
    last_read = ReadCursor.objects.get(user=carol).last_read_id
    for tab in tabs:
        read = {"type": "read", "last_read": last_read, "unread": 0, "groups": [], "read_ids": [], "unread_ids": []}
        assert tab.until(lambda m: m["type"] == "read") == read | {"all": True}
        tab.close()
    other.until_heartbeat()
    other.until_heartbeat()
    assert {m["type"] for m in other.messages} == {"ready", "heartbeat"}
    other.close()


@pytest.mark.django_db
def test_the_badge_counts_up_to_a_hundred_then_says_99_plus(client, carol, carol_in_cs101, cs101):
    Event.objects.bulk_create(
        Event(kind="new_resource", topic="course:CS101", course=cs101, payload={"title": f"R{n}"}) for n in range(150)
    )
    client.force_login(carol)
    html = client.get(DASHBOARD).content.decode()
    assert 'data-unread="100">99+</span>' in html
    ReadCursor.objects.create(user=carol, last_read_id=newest_id() - 7)
    html = client.get(DASHBOARD).content.decode()
    assert 'data-unread="7">7</span>' in html


@pytest.mark.django_db
def test_a_long_history_is_counted_up_to_a_cap(client, carol, busy_cs101, monkeypatch):
    from notifications.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "MAX_PAGES", 1)  # 20 items; the page has 25
    busy_cs101(25)
    client.force_login(carol)
    page = client.get("/notifications/").content.decode()
    assert "Page 1 of more than 1" in page and 'rel="next"' in page
    last = client.get("/notifications/?page=2").content.decode()
    assert "Page 2 of more than 1" in last and 'rel="next"' not in last
