"""The course form's enrolment options in the admin: an instructor sets the key, the dates and the
capacity of their own courses only; the key is written, never shown; the waiting list is listed."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course, WaitlistEntry

pytestmark = pytest.mark.django_db


def course_form(course, **changes) -> dict:
    data = {
        "title": course.title,
        "description": course.description,
        "is_published": "on" if course.is_published else "",
        "enrolment_key_value": "",
        "enrolment_opens_at_0": "",
        "enrolment_opens_at_1": "",
        "enrolment_closes_at_0": "",
        "enrolment_closes_at_1": "",
        "capacity": "",
        "_save": "Save",
    }
    for prefix in ("resources", "announcements", "subscriptions", "waitlist"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def test_an_instructor_sets_the_options_of_their_own_course(client, alice, cs101):
    client.force_login(alice)
    url = reverse("admin:courses_course_change", args=[cs101.pk])
    page = client.get(url).text
    assert "Enrolment" in page and 'name="enrolment_key_value"' in page
    response = client.post(
        url,
        course_form(
            cs101,
            enrolment_key_value="open sesame",
            capacity="25",
            enrolment_opens_at_0="2026-12-01",
            enrolment_opens_at_1="09:00:00",
            enrolment_closes_at_0="2026-12-15",
            enrolment_closes_at_1="17:00:00",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(pk=cs101.pk)
    assert course.capacity == 25 and course.check_enrolment_key("open sesame")
    assert course.enrolment_opens_at < course.enrolment_closes_at
    # The key is never shown back, and an empty field keeps it.
    page = client.get(url).text
    assert "open sesame" not in page and course.enrolment_key not in page and "This course has a key now." in page
    client.post(url, course_form(course, capacity="25"))
    assert Course.objects.get(pk=cs101.pk).check_enrolment_key("open sesame")
    client.post(url, course_form(course, capacity="25", remove_enrolment_key="on"))
    assert not Course.objects.get(pk=cs101.pk).has_enrolment_key


def test_dates_in_the_wrong_order_are_a_form_error(client, alice, cs101):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_course_change", args=[cs101.pk]),
        course_form(
            cs101,
            enrolment_opens_at_0="2026-12-15",
            enrolment_opens_at_1="09:00:00",
            enrolment_closes_at_0="2026-12-01",
            enrolment_closes_at_1="09:00:00",
        ),
    )
    assert response.status_code == 200 and "Enrolment must close after it opens." in response.text


def test_an_instructor_cannot_set_the_options_of_another_instructors_course(client, alice, ma201):
    client.force_login(alice)
    url = reverse("admin:courses_course_change", args=[ma201.pk])
    response = client.post(url, course_form(ma201, enrolment_key_value="mine now", capacity="1"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    course = Course.objects.get(pk=ma201.pk)
    assert course.capacity is None and not course.has_enrolment_key


def test_the_service_refuses_another_instructors_course(alice, ma201):
    from django.core.exceptions import PermissionDenied

    ma201.capacity = 1
    with pytest.raises(PermissionDenied):
        services.save_course(course=ma201, by=alice)


def test_the_course_form_lists_the_waiting_list_in_order(client, alice, cs101, carol, dave, erin):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    for student in (carol, dave, erin):
        services.subscribe(user=student, course=cs101)
    client.force_login(alice)
    page = client.get(reverse("admin:courses_course_change", args=[cs101.pk])).text
    assert page.index("Dave Diaz") < page.index("Erin Evans")
    assert "dave@example.edu" not in page
    # Raising the capacity in the admin seats the first in line.
    client.post(
        reverse("admin:courses_course_change", args=[cs101.pk]),
        course_form(cs101, capacity="2", **{"waitlist-TOTAL_FORMS": "2", "waitlist-INITIAL_FORMS": "2"})
        | {"waitlist-0-id": WaitlistEntry.objects.first().pk, "waitlist-0-course": cs101.pk}
        | {"waitlist-1-id": WaitlistEntry.objects.last().pk, "waitlist-1-course": cs101.pk},
    )
    assert list(WaitlistEntry.objects.values_list("student__username", flat=True)) == ["erin"]


def test_a_site_admins_delete_of_a_subscription_seats_the_first_in_line(client, root, alice, cs101, carol, dave):
    cs101.capacity = 1
    services.save_course(course=cs101, by=alice)
    seat, _ = services.subscribe(user=carol, course=cs101)
    services.subscribe(user=dave, course=cs101)
    client.force_login(root)
    client.post(
        reverse("admin:courses_subscription_changelist"),
        {"action": "delete_selected", "_selected_action": [seat.pk], "post": "yes"},
    )
    assert list(cs101.subscriptions.values_list("student__username", flat=True)) == ["dave"]
    assert not WaitlistEntry.objects.exists()
