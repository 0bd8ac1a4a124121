"""Enrolment options on the course page and in the API: a wrong key is a form error on the page
and a 400 JSON body with the `key` field in the API; dates are shown in the viewer's time zone;
a full course offers the waiting list, and a waiting student sees their place and can leave."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Subscription, WaitlistEntry
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyed(cs101, alice):
    cs101.set_enrolment_key("open sesame")
    return services.save_course(course=cs101, by=alice)


@pytest.fixture
def one_seat(cs101, alice, carol):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    services.subscribe(user=carol, course=cs101)
    return cs101


def test_the_page_asks_for_the_key_and_a_wrong_one_is_a_form_error(client, dave, keyed):
    client.force_login(dave)
    page = client.get(keyed.get_absolute_url())
    assert 'name="key"' in page.text and 'for="enrolment-key"' in page.text
    wrong = client.post(reverse("courses:subscribe", args=["CS101"]), {"key": "guess"})
    assert wrong.status_code == 400
    assert "That enrolment key is not right." in wrong.text
    assert 'aria-invalid="true"' in wrong.text and 'id="enrolment-key-error"' in wrong.text
    assert not Subscription.objects.filter(student=dave).exists()
    right = client.post(reverse("courses:subscribe", args=["CS101"]), {"key": "open sesame"})
    assert right.status_code == 302
    assert Subscription.objects.filter(student=dave, course=keyed).exists()


def test_the_api_answers_a_missing_or_wrong_key_with_400_and_the_field(dave, keyed):
    client = client_for(dave)
    for body in ({}, {"key": "guess"}):
        response = client.post("/api/v1/enrollments/CS101", body, format="json")
        assert response.status_code == 400
        error = error_of(response)
        assert set(error["fields"]) == {"key"}
    response = client.post("/api/v1/enrollments/CS101", {"key": "open sesame"}, format="json")
    assert response.status_code == 201 and response.json()["subscribed"] is True


def test_the_api_answers_closed_enrolment_with_409(dave, cs101, alice):
    cs101.enrolment_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    services.save_course(course=cs101, by=alice)
    response = client_for(dave).post("/api/v1/enrollments/CS101")
    assert response.status_code == 409
    assert error_of(response)["message"] == "Enrolment in this course has closed."


def test_the_api_rejects_a_key_that_is_not_a_string(dave, keyed):
    response = client_for(dave).post("/api/v1/enrollments/CS101", {"key": ["a"]}, format="json")
    assert response.status_code == 400 and "key" in error_of(response)["fields"]


def test_the_api_puts_a_student_in_line_with_202_and_lets_them_leave(dave, one_seat):
    client = client_for(dave)
    first = client.post("/api/v1/enrollments/CS101")
    assert first.status_code == 202
    assert first.json() | {"joined_at": None} == {
        "course": "CS101",
        "subscribed": False,
        "waitlisted": True,
        "position": 1,
        "joined_at": None,
    }
    assert client.post("/api/v1/enrollments/CS101").status_code == 200
    assert client.delete("/api/v1/enrollments/CS101").status_code == 204
    assert not WaitlistEntry.objects.exists()


def test_dates_are_shown_in_the_viewers_time_zone(client, dave, cs101, alice):
    opens = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    cs101.enrolment_opens_at = opens
    services.save_course(course=cs101, by=alice)
    dave.time_zone = "Asia/Tokyo"
    dave.save()
    client.force_login(dave)
    page = client.get(cs101.get_absolute_url()).text
    local = opens.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert "Enrolment opens" in page
    assert f'datetime="{local.isoformat()}"' in page
    assert f"{local:%H:%M} JST" in page
    assert 'action="/courses/CS101/subscribe/"' not in page  # nothing to press before it opens


def test_a_full_course_offers_the_line_and_a_waiting_student_sees_their_place(client, dave, one_seat):
    client.force_login(dave)
    page = client.get(one_seat.get_absolute_url()).text
    assert "Join the waiting list" in page and "Full" in page
    response = client.post(reverse("courses:subscribe", args=["CS101"]), follow=True)
    assert "CS101 is full: you are number 1 on the waiting list." in response.text
    assert "number 1 in line" in response.text and "Leave the waiting list" in response.text
    client.post(reverse("courses:unsubscribe", args=["CS101"]))
    assert not WaitlistEntry.objects.exists()


def test_the_course_page_counts_the_seats_left(client, dave, one_seat, alice):
    one_seat.capacity = 3
    services.save_course(course=one_seat, by=alice)
    page = client.get(one_seat.get_absolute_url()).text  # anonymous visitors see it too
    assert 'data-live="course-seats-CS101"' in page
    assert "<strong>2</strong> of 3 seats left" in page


def test_the_course_page_of_a_limited_course_costs_one_query_more(
    client, carol, cs101, carol_in_cs101, alice, django_assert_num_queries
):
    """The seats left (for someone not subscribed, their place in line too); a course without a
    capacity costs what it did (test_course_page.py pins it at 13)."""
    cs101.capacity = 30
    services.save_course(course=cs101, by=alice)
    client.force_login(carol)
    client.get(cs101.get_absolute_url())
    with django_assert_num_queries(14):
        client.get(cs101.get_absolute_url())


def test_a_lesson_of_a_course_not_yet_open_says_when_instead_of_offering_a_button(client, dave, cs101, alice):
    cs101.enrolment_opens_at = timezone.now() + datetime.timedelta(days=1)
    services.save_course(course=cs101, by=alice)
    client.force_login(dave)
    page = client.get(reverse("courses:outline", args=["CS101"]))
    assert page.status_code == 403
    assert "Enrolment opens" in page.text and 'action="/courses/CS101/subscribe/"' not in page.text
