"""Reading one item: its link (/notifications/<id>/) reads it and opens its page; per-item read and
unread; filters by course and kind; a teacher's grouped activity on /notifications/; every change
reaches the user's other tabs."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from lms_site.testing import content
from lms_site.testing.sockets import SocketClient
from notifications import selectors
from notifications.models import Event, ReadMark

LIST = reverse("notifications:list")
DASHBOARD = reverse("courses:dashboard")


def badge(html: str) -> int:
    return int(re.search(r'id="unread-count" class="badge" data-unread="(\d+)"', html).group(1))


def unread_ids(user) -> set[int]:
    return set(selectors.unread_events(user, selectors.last_read_id(user)).values_list("id", flat=True))


@pytest.fixture
def resource_event(cs101, carol_in_cs101):
    services.add_resource(course=cs101, title="Slides", body="Text")
    return Event.objects.filter(kind="new_resource", topic="course:CS101").latest("id")


@pytest.mark.django_db
def test_a_feed_item_links_through_its_opener_which_reads_it(client, carol, resource_event):
    client.force_login(carol)
    html = client.get(DASHBOARD).content.decode()
    opener = reverse("notifications:open", args=[resource_event.pk])
    assert f'href="{opener}"' in html
    before = badge(html)
    response = client.get(opener)
    assert response.status_code == 302
    assert response["Location"] == resource_event.payload["url"]
    assert resource_event.pk not in unread_ids(carol)
    assert badge(client.get(DASHBOARD).content.decode()) == before - 1


@pytest.mark.django_db
def test_the_opener_answers_404_for_what_the_user_may_not_see(client, carol, dave, resource_event, draft):
    services.add_resource(course=draft, title="Secret", body="Text")
    hidden = Event.objects.filter(topic="course:CS999").latest("id")
    client.force_login(dave)  # not a member of CS101
    assert client.get(reverse("notifications:open", args=[resource_event.pk])).status_code == 404
    client.force_login(carol)
    assert client.get(reverse("notifications:open", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[10**12])).status_code == 404
    assert client.get(reverse("notifications:open", args=[10**30])).status_code == 404
    assert client.post(reverse("notifications:set_read", args=[hidden.pk]), {"read": "1"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_opener_goes_to_a_page_of_this_site_only(client, carol, resource_event, url):
    Event.objects.filter(pk=resource_event.pk).update(payload=resource_event.payload | {"url": url})
    client.force_login(carol)
    response = client.get(reverse("notifications:open", args=[resource_event.pk]))
    assert response["Location"] == f"{LIST}#event-{resource_event.pk}"


@pytest.mark.django_db
def test_an_item_marked_unread_stays_unread_on_the_list_until_marked_read(client, carol, resource_event):
    client.force_login(carol)
    client.get(LIST)  # shows it: read
    assert resource_event.pk not in unread_ids(carol)
    toggle = reverse("notifications:set_read", args=[resource_event.pk])
    response = client.post(toggle, {"read": "0", "next": LIST + "?kind=new_resource"})
    assert response["Location"] == LIST + "?kind=new_resource"
    assert resource_event.pk in unread_ids(carol)
    html = client.get(LIST).content.decode()
    assert "Kept unread." in html and badge(html) == 1
    assert resource_event.pk in unread_ids(carol)  # shown, not read
    client.post(toggle, {"read": "1", "next": "https://evil.example/"})
    assert resource_event.pk not in unread_ids(carol)
    assert not ReadMark.objects.filter(user=carol, is_read=False).exists()


@pytest.mark.django_db
def test_marking_one_item_wants_a_post_a_valid_state_and_the_csrf_token(client, carol, resource_event):
    toggle = reverse("notifications:set_read", args=[resource_event.pk])
    client.force_login(carol)
    assert client.get(toggle).status_code == 405
    assert client.post(toggle, {"read": "maybe"}).status_code == 400
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(carol)
    assert strict.post(toggle, {"read": "1"}).status_code == 403


@pytest.mark.django_db
def test_filters_by_course_and_kind(client, carol, cs101, ma201, carol_in_cs101):
    services.subscribe(user=carol, course=ma201)
    services.add_resource(course=cs101, title="CS slides", body="Text")
    services.add_resource(course=ma201, title="MA slides", body="Text")
    services.post_announcement(author=ma201.instructor, course=ma201, title="MA news", body="Hi")
    client.force_login(carol)

    def titles(query):
        return re.findall(r'class="feed-title"[^>]*><a [^>]*>([^<]*)<', client.get(LIST + query).content.decode())

    assert titles("?course=MA201&kind=new_resource") == ["MA slides"]
    assert titles("?kind=new_resource") == ["MA slides", "CS slides"]
    assert titles("?course=MA201") == ["MA news", "MA slides", "Subscribed to MA201", "New course: MA201"]
    response = client.get(LIST + "?course=NOPE&kind=nonsense")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"course", "kind"}


@pytest.mark.django_db
def test_a_teachers_activity_is_one_line_per_course_and_kind_and_reads_as_a_group(
    client, alice, carol, dave, cs101, carol_in_cs101, dave_in_cs101
):
    essay = content.assignment_lesson(content.module(cs101))
    for student in (carol, dave):
        services.submit_assignment(student=student, assignment=essay, text="Mine.")
    client.force_login(alice)
    before = badge(client.get(DASHBOARD).content.decode())
    html = client.get(LIST).content.decode()
    assert "2 new submissions in CS101" in html
    assert "2 new members in CS101" in html
    assert "submitted Essay" not in html  # grouped, not listed one by one
    html = client.get(LIST + "?course=CS101&kind=assignment_submitted").content.decode()
    assert html.count('class="feed-item feed-assignment_submitted') == 2
    assert "2 new items shown here are now marked read." in html
    assert badge(html) == before - 1
    assert "new submissions" not in client.get(LIST).content.decode()


@pytest.mark.usefixtures("transactional_db")
def test_opening_an_item_tells_every_open_tab(daphne, client, carol, resource_event):
    tabs = [SocketClient.of(daphne, carol) for _ in range(2)]
    for tab in tabs:
        tab.until_heartbeat()
    before = selectors.unread_state(carol, 0)["unread"]
    client.force_login(carol)
    client.get(reverse("notifications:open", args=[resource_event.pk]))
    for tab in tabs:
        read = tab.until(lambda m: m["type"] == "read")
        assert read["read_ids"] == [resource_event.pk]
        assert read["unread"] == before - 1 and not read["all"]
        tab.close()
