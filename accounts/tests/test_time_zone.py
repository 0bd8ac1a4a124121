"""Each user's own time: the zone on the profile and at sign-up, every page and the admin in it."""

import re
import zoneinfo
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import User
from courses.models import Assignment, Lesson, Quiz
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
SIGNUP = "/accounts/signup/"
DUE = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)


def profile_data(**overrides):
    return {"first_name": "Carol", "last_name": "Chen", "bio": "", "time_zone": "Europe/Paris"} | overrides


def signup_data(**overrides):
    return {
        "username": "erin",
        "email": "erin@example.edu",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    } | overrides


def test_a_user_starts_in_the_sites_zone(carol):
    assert carol.time_zone == "UTC"


def test_update_profile_sets_the_zone(carol):
    services.update_profile(user=carol, first_name="Carol", last_name="Chen", bio="", time_zone="Asia/Tokyo")
    carol.refresh_from_db()
    assert carol.time_zone == "Asia/Tokyo"


def test_update_profile_refuses_a_zone_we_do_not_know(carol):
    with pytest.raises(ValidationError) as refused:
        services.update_profile(user=carol, first_name="Carol", last_name="", bio="", time_zone="Mars/Olympus_Mons")
    assert "time_zone" in refused.value.message_dict
    carol.refresh_from_db()
    assert carol.time_zone == "UTC"


def test_the_profile_page_offers_every_zone_grouped_with_mine_selected(client, carol):
    carol.time_zone = "America/New_York"
    carol.save()
    client.force_login(carol)
    page = client.get(PROFILE).text
    assert '<select name="time_zone"' in page
    assert '<optgroup label="Europe">' in page and '<optgroup label="America">' in page
    assert '<option value="America/New_York" selected>New York</option>' in page
    assert page.count(" selected>") == 1


def test_the_profile_page_changes_my_zone(client, carol):
    client.force_login(carol)
    response = client.post(PROFILE, profile_data(time_zone="Europe/Paris"))
    assert response.url == PROFILE
    carol.refresh_from_db()
    assert carol.time_zone == "Europe/Paris"


def test_the_profile_page_refuses_an_unknown_zone_with_a_form_error(client, carol):
    client.force_login(carol)
    response = client.post(PROFILE, profile_data(time_zone="Europe/Atlantis"))
    assert response.status_code == 200
    assert 'id="id_time_zone_error"' in response.text
    carol.refresh_from_db()
    assert carol.time_zone == "UTC"


def test_the_profile_page_shows_my_times_in_my_zone(client, carol):
    services.update_profile(user=carol, first_name="Carol", last_name="", bio="", time_zone="Asia/Tokyo")
    User.objects.filter(pk=carol.pk).update(date_joined=datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    client.force_login(carol)
    page = client.get(PROFILE).text
    assert (
        '<dd><time datetime="2026-12-04T05:00:00+09:00" data-when="date" data-zone="Asia/Tokyo">4 Dec 2026</time>'
        in page
    )
    assert 'data-time-zone="Asia/Tokyo"' in page


def test_signup_keeps_the_zone_the_browser_reported(client):
    client.post(SIGNUP, signup_data(time_zone="America/Sao_Paulo"))
    assert User.objects.get(username="erin").time_zone == "America/Sao_Paulo"


@pytest.mark.parametrize("reported", ["", "Not/AZone", "x" * 300])
def test_signup_falls_back_to_utc_silently(client, reported):
    response = client.post(SIGNUP, signup_data(time_zone=reported))
    assert response.status_code == 302
    assert User.objects.get(username="erin").time_zone == "UTC"


def test_signup_without_the_field_falls_back_to_utc(client):
    client.post(SIGNUP, signup_data())
    assert User.objects.get(username="erin").time_zone == "UTC"


def test_the_signup_form_carries_a_hidden_field_for_the_browser_to_fill(client):
    page = client.get(SIGNUP).text
    assert re.search(r'<input type="hidden" name="time_zone"[^>]*data-browser-time-zone', page)


def test_api_register_takes_a_zone_and_falls_back_silently():
    good = {"username": "erin", "email": "erin@example.edu", "password": "a-long-passphrase-42"}
    assert (
        client_for().post("/api/v1/auth/register", good | {"time_zone": "Europe/Oslo"}, format="json").status_code
        == 202
    )
    assert User.objects.get(username="erin").time_zone == "Europe/Oslo"
    other = {"username": "finn", "email": "finn@example.edu", "password": "a-long-passphrase-42"}
    assert client_for().post("/api/v1/auth/register", other | {"time_zone": "Oslo"}, format="json").status_code == 202
    assert User.objects.get(username="finn").time_zone == "UTC"


@pytest.fixture
def essay(cs101, carol_in_cs101):
    assignment = w.assignment_lesson(w.module(cs101), max_points=10)
    Assignment.objects.filter(pk=assignment.pk).update(due_at=DUE)
    return assignment.lesson


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Europe/Paris", "3 Dec 2026, 14:00 CET"),
        ("America/Los_Angeles", "3 Dec 2026, 05:00 PST"),
        ("UTC", "3 Dec 2026, 13:00 UTC"),
    ],
)
def test_a_due_date_is_shown_in_the_students_zone_with_the_zone_named(client, carol, essay, zone, shown):
    carol.time_zone = zone
    carol.save()
    client.force_login(carol)
    page = client.get(essay.get_absolute_url()).text
    assert f">{shown}</time>" in page


def test_a_zone_dropped_from_the_tz_database_shows_the_sites(client, carol, essay):
    User.objects.filter(pk=carol.pk).update(time_zone="Gone/Away")
    client.force_login(carol)
    assert ">3 Dec 2026, 13:00 UTC</time>" in client.get(essay.get_absolute_url()).text


@pytest.fixture
def check_in(cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    Quiz.objects.filter(pk=quiz.pk).update(due_at=DUE)
    # A draft: a published quiz without questions could not be saved (the publish rules).
    Lesson.objects.filter(pk=quiz.lesson_id).update(is_published=False)
    return quiz


def test_the_admin_shows_times_in_the_instructors_zone_in_the_sites_format(client, alice, check_in):
    alice.time_zone = "Europe/Paris"
    alice.save()
    client.force_login(alice)
    listing = client.get("/admin/courses/quiz/")
    assert "3 Dec 2026, 14:00 CET" in listing.text
    change = client.get(f"/admin/courses/quiz/{check_in.pk}/change/").text
    assert 'name="due_at_0" value="2026-12-03"' in change
    assert 'name="due_at_1" value="14:00:00"' in change


def test_a_time_typed_into_the_admin_is_read_in_the_instructors_zone(client, alice, check_in):
    alice.time_zone = "America/New_York"
    alice.save()
    client.force_login(alice)
    url = f"/admin/courses/quiz/{check_in.pk}/change/"
    page = client.get(url)
    data = {
        "max_attempts": check_in.max_attempts,
        "time_limit_minutes": check_in.time_limit_minutes or "",
        "weight": check_in.weight,
    }
    for inline in page.context["inline_admin_formsets"]:
        # The questions as the page shows them: kept as they are.
        formset = inline.formset
        data |= {f"{formset.prefix}-TOTAL_FORMS": formset.initial_form_count()}
        data |= {f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count()}
        for form in formset.initial_forms:
            for field in form:
                value = field.value()
                if value is not None and value is not False:
                    data[field.html_name] = "on" if value is True else value
    response = client.post(url, data | {"due_at_0": "2026-07-10", "due_at_1": "09:30", "_save": "Save"})
    assert response.status_code == 302, [
        response.context["adminform"].form.errors,
        *(inline.formset.errors for inline in response.context["inline_admin_formsets"]),
        *(inline.formset.non_form_errors() for inline in response.context["inline_admin_formsets"]),
    ]
    check_in.refresh_from_db()
    assert check_in.due_at == datetime(2026, 7, 10, 13, 30, tzinfo=UTC)  # 09:30 EDT


def test_my_zone_is_in_my_data_export_and_erasure_forgets_it(carol):
    from accounts.privacy.erasure import anonymise
    from accounts.privacy.export import profile

    services.update_profile(user=carol, first_name="Carol", last_name="", bio="", time_zone="Europe/Lisbon")
    assert profile(carol)["time_zone"] == "Europe/Lisbon"
    anonymise(carol)
    carol.refresh_from_db()
    assert carol.time_zone == "UTC"


def test_a_pushed_event_is_rendered_in_utc_whoever_published_it(alice, cs101):
    from django.utils import timezone

    from courses.services import post_announcement
    from notifications.models import Event
    from notifications.rendering import event_message

    post_announcement(author=alice, title="Room change", body="Room 4.", course=cs101)
    event = Event.objects.get(kind=Event.Kind.ANNOUNCEMENT)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):  # as in the instructor's request
        html = event_message(event)["html"]
    assert 'data-zone="UTC"' in html
    assert "Europe/Paris" not in html
