"""The calendar's pages: a month grid and an agenda of the same month, navigated by links, in the
viewer's time zone; and the Upcoming panel on the dashboard and a course's outline."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from courses.models import Course, Subscription
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

MONTH = reverse("courses:calendar")
AGENDA = reverse("courses:agenda")


@pytest.fixture
def essay(cs101, carol_in_cs101):
    return w.assignment_lesson(w.module(cs101), "Essay", due_at=datetime(2031, 3, 10, 23, 30, tzinfo=UTC))


def test_the_month_shows_each_item_on_its_day(client, carol, essay):
    client.force_login(carol)
    page = client.get(MONTH, {"month": "2031-03"}).text
    assert "What is due: March 2031" in page
    cell = page.split("Monday 10 March", 1)[1].split("</td>", 1)[0]
    assert "Essay" in cell and essay.lesson.get_absolute_url() in cell and "Assignment due" in cell
    assert 'href="/calendar/?month=2031-02" rel="prev"' in page
    assert 'href="/calendar/?month=2031-04" rel="next"' in page
    assert "Essay" not in client.get(MONTH, {"month": "2031-04"}).text


def test_days_are_the_viewers(client, carol, essay):
    # 23:30 UTC on the 10th is already the 11th in Tokyo, the viewer's zone.
    carol.time_zone = "Asia/Tokyo"
    carol.save(update_fields=["time_zone"])
    client.force_login(carol)
    page = client.get(AGENDA, {"month": "2031-03"}).text
    assert "Tuesday 11 March 2031" in page and "Monday 10 March 2031" not in page


def test_the_agenda_lists_the_months_days_in_order(client, carol, essay, cs101):
    w.quiz_lesson(w.module(cs101, "Week 2", 1), "Check-in", due_at=datetime(2031, 3, 2, 9, tzinfo=UTC))
    client.force_login(carol)
    page = client.get(AGENDA, {"month": "2031-03"}).text
    assert page.index("Sunday 2 March 2031") < page.index("Check-in") < page.index("Monday 10 March 2031")
    assert page.index("Monday 10 March 2031") < page.index("Essay")
    assert 'href="/calendar/agenda/?month=2031-04" rel="next"' in page
    assert "Nothing is due this month." in client.get(AGENDA, {"month": "2031-05"}).text


BAD_MONTHS = ["2031-13", "2031-00", "31-03", "March", "0000-01", "0001-01", "9999-12", "2031-3"]
FULL_WIDTH_2031 = "\uff12\uff10\uff13\uff11"


@pytest.mark.parametrize("month", [*BAD_MONTHS, f"{FULL_WIDTH_2031}-03"])
def test_a_bad_month_is_a_404(client, carol, month):
    client.force_login(carol)
    assert client.get(MONTH, {"month": month}).status_code == 404
    assert client.get(AGENDA, {"month": month}).status_code == 404


def test_the_calendar_wants_a_log_in(client):
    assert reverse("accounts:login") in client.get(MONTH)["Location"]
    assert reverse("accounts:login") in client.get(AGENDA)["Location"]


def test_other_students_courses_are_not_shown(client, dave, essay):
    client.force_login(dave)
    assert "Essay" not in client.get(MONTH, {"month": "2031-03"}).text


def _many(alice, carol, size):
    courses = Course.objects.bulk_create(
        Course(code=f"Q{n:03d}", title=f"Course {n}", instructor=alice, is_published=True) for n in range(size)
    )
    Subscription.objects.bulk_create(Subscription(student=carol, course=c) for c in courses)
    for n, course in enumerate(courses):
        week = w.module(course)
        w.assignment_lesson(week, f"Essay {n}", due_at=datetime(2031, 3, 1 + n, 12, tzinfo=UTC))
        w.quiz_lesson(week, f"Quiz {n}", due_at=datetime(2031, 3, 1 + n, 15, tzinfo=UTC))
    return courses


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("url", [MONTH, AGENDA])
def test_the_calendar_query_count_does_not_grow(client, alice, carol, django_assert_num_queries, size, url):
    _many(alice, carol, size)
    client.force_login(carol)
    client.get(url, {"month": "2031-03"})
    # session, user, the items, the feed's address, 4 for the header
    with django_assert_num_queries(8):
        response = client.get(url, {"month": "2031-03"})
    assert response.text.count('class="due-item') == 2 * size


def test_the_dashboard_shows_what_is_due_next_with_overdue_marked(client, carol, cs101, carol_in_cs101):
    week = w.module(cs101)
    w.assignment_lesson(week, "Late essay", due_at=w.ago(days=1))
    w.quiz_lesson(week, "Check-in", due_at=w.later(days=1))
    w.lesson(week, "Recursion", release_at=w.later(days=2))
    w.quiz_lesson(week, "Closed quiz", due_at=w.ago(days=2), position=30)
    client.force_login(carol)
    page = client.get(reverse("courses:dashboard")).text
    panel = page.split('aria-labelledby="upcoming-heading"', 1)[1].split("</section>", 1)[0]
    assert panel.index("Late essay") < panel.index("Overdue") < panel.index("Check-in") < panel.index("A new lesson")
    assert "Recursion" not in page  # released later: its title is secret until then
    assert panel.index("Closed quiz") < panel.index("Missed") < panel.index("Late essay")
    assert 'data-live-list="upcoming"' in panel and 'aria-live="polite"' in panel
    assert "Release" in panel and "<time datetime=" in panel


def test_the_outline_shows_its_courses_items_only(client, carol, cs101, ma201, carol_in_cs101):
    Subscription.objects.create(student=carol, course=ma201)
    w.assignment_lesson(w.module(cs101), "CS essay", due_at=w.later(days=1))
    w.assignment_lesson(w.module(ma201), "MA essay", due_at=w.later(days=1))
    client.force_login(carol)
    page = client.get(reverse("courses:outline", args=["CS101"])).text
    assert "CS essay" in page and "MA essay" not in page
    assert f'data-live-list="upcoming-{cs101.pk}"' in page


def test_an_empty_panel_says_so(client, carol, carol_in_cs101):
    client.force_login(carol)
    assert "Nothing due." in client.get(reverse("courses:dashboard")).text
