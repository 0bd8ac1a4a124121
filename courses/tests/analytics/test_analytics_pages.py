"""The analytics pages in the admin: who may open them (the scoping matrix, pages and CSV), what they
show (every chart's table alternative holds the chart's numbers), their CSV (formula injection
neutralised), and a query count that does not grow with the data."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonProgress, Post, Subscription, Thread
from courses.selectors import analytics

pytestmark = pytest.mark.django_db

FIGURES = [key for keys in analytics.FIGURE_SECTIONS.values() for key in keys]


def course_pages(course, student) -> dict[str, str]:
    pages = {
        "dashboard": reverse("admin:courses_course_analytics", args=[course.pk]),
        "student": reverse("admin:courses_course_analytics_student", args=[course.pk, student.pk]),
    }
    for key in FIGURES:
        pages[f"{key}.csv"] = reverse("admin:courses_course_analytics_csv", args=[course.pk, key])
    return pages


SITE_PAGES = [
    reverse("admin:courses_course_site_analytics"),
    reverse("admin:courses_course_completion"),
    reverse("admin:courses_course_site_analytics_csv", args=["signups"]),
    reverse("admin:courses_course_site_analytics_csv", args=["completion"]),
]


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("root", 200), ("bob", 404)])
def test_a_courses_analytics_open_for_its_teachers_only(client, people, counted, who, status):
    client.force_login(people[who])
    for name, url in course_pages(counted["course"], counted["students"]["carol"]).items():
        assert client.get(url).status_code == status, name


@pytest.mark.parametrize("who", ["carol", "dave"])
def test_students_and_outsiders_get_404(client, people, counted, who):
    client.force_login(people[who])
    for url in [*course_pages(counted["course"], counted["students"]["carol"]).values(), *SITE_PAGES]:
        assert client.get(url).status_code == 404, url


def test_a_visitor_is_asked_to_log_in(client, counted):
    for url in [*course_pages(counted["course"], counted["students"]["carol"]).values(), *SITE_PAGES]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("who", ["carol", "bob"])
def test_the_selector_answers_404_to_anyone_but_the_courses_teachers(people, counted, who):
    with pytest.raises(Http404):
        analytics.get_analysed_course(people[who], counted["course"].pk)


@pytest.mark.parametrize(("who", "status"), [("root", 200), ("alice", 404), ("bob", 404)])
def test_the_analytics_across_courses_are_the_site_admins(client, people, counted, who, status):
    client.force_login(people[who])
    for url in SITE_PAGES:
        assert client.get(url).status_code == status, url


def test_unknown_tables_and_students_are_404(client, alice, counted, dave):
    client.force_login(alice)
    course = counted["course"]
    assert client.get(reverse("admin:courses_course_analytics_csv", args=[course.pk, "nope"])).status_code == 404
    grace = counted["students"]["grace"]  # left the course
    assert client.get(reverse("admin:courses_course_analytics_student", args=[course.pk, grace.pk])).status_code == 404
    assert client.get(reverse("admin:courses_course_analytics", args=[999999])).status_code == 404


def test_the_workspace_links_its_analytics(client, alice, cs101):
    client.force_login(alice)
    page = client.get(reverse("admin:courses_course_workspace", args=[cs101.pk])).text
    assert reverse("admin:courses_course_analytics", args=[cs101.pk]) in page


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'<figure [^>]*data-figure="([a-z_]+)">(.*?)</figure>', html, re.S))


def test_every_charts_table_holds_the_charts_numbers(client, alice, root, counted):
    client.force_login(alice)
    course_page = client.get(reverse("admin:courses_course_analytics", args=[counted["course"].pk])).text
    client.force_login(root)
    site_page = client.get(reverse("admin:courses_course_site_analytics")).text
    charts = 0
    for page, figures in ((course_page, analytics.course_figures(counted["course"])), (site_page, None)):
        found = _figures(page)
        expected = [figure for group in figures.values() for figure in group] if figures else analytics.site_figures()
        for figure in expected:
            html = found[figure.key]
            if not figure.is_chart:
                assert "<svg" not in html
                continue
            charts += 1
            drawn = re.findall(r"<text [^>]*data-value>([^<]*)</text>", html)
            body = html.split("<tbody>")[1]
            rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
            cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
            tabled = [row[figure.bar].strip() + figure.unit for row in cells] if figure.rows else []
            assert drawn == tabled, figure.key
            assert drawn == [f"{value:g}{figure.unit}" for value in figure.values()], figure.key
            assert f'<title id="chart-{figure.key}-title">{figure.title}</title>' in html
    assert charts == 7 + 7


def test_the_dashboard_shows_the_figures_and_links_students_at_risk(client, alice, counted):
    client.force_login(alice)
    course = counted["course"]
    page = client.get(reverse("admin:courses_course_analytics", args=[course.pk])).text
    frank = counted["students"]["frank"]
    assert reverse("admin:courses_course_analytics_student", args=[course.pk, frank.pk]) in page
    assert f'data-live="analytics-{course.pk}-funnel"' in page
    intro = counted["lessons"]["intro"]
    assert re.search(rf'<tr data-key="{intro.pk}">\s*<th scope="row">Intro</th><td>1</td><td>25</td>', page)
    student_page = client.get(reverse("admin:courses_course_analytics_student", args=[course.pk, frank.pk])).text
    assert "Frank Test: progress in CS101" in student_page and "not yet" in student_page


def test_each_table_downloads_as_csv_with_formulas_neutralised(client, alice, counted):
    course = counted["course"]
    lesson = counted["lessons"]["bonus"]
    type(lesson).objects.filter(pk=lesson.pk).update(title='=HYPERLINK("http://evil.example","x")')
    client.force_login(alice)
    response = client.get(reverse("admin:courses_course_analytics_csv", args=[course.pk, "funnel"]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="CS101-funnel.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Lesson", "Completed", "Share of students (%)"]
    assert rows[1] == ["Intro", "1", "25.0"]
    assert rows[-1][0] == '\'=HYPERLINK("http://evil.example","x")'


def test_the_completion_report_page_is_the_reports_numbers(client, root, counted, ma201):
    client.force_login(root)
    response = client.get(reverse("admin:courses_course_site_analytics_csv", args=["completion"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["CS101: Introduction to Programming", "Alice Archer", "yes", "4", "1", "25.0"]
    assert rows[2][0] == "MA201: Linear Algebra" and rows[2][3:] == ["0", "0", "0.0"]


def _grow(course, count: int, django_user_model):
    """`count` more students, each with progress on every lesson, a thread and a subscription."""
    lessons = list(course.modules.first().lessons.all())
    students = django_user_model.objects.bulk_create(
        [django_user_model(username=f"extra{i}", email=f"extra{i}@example.edu") for i in range(count)]
    )
    Subscription.objects.bulk_create([Subscription(student=s, course=course) for s in students])
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(student=s, lesson=lesson, completed_at=now - timedelta(days=i % 30))
        for i, s in enumerate(students)
        for lesson in lessons
    )
    threads = Thread.objects.bulk_create([Thread(course=course, author=s, title=f"T{s.pk}") for s in students])
    Post.objects.bulk_create([Post(thread=t, author=t.author, body="x") for t in threads])


@pytest.mark.parametrize("grow", [0, 40])
def test_the_dashboards_query_count_does_not_grow_with_the_data(
    client, alice, root, counted, django_user_model, django_assert_num_queries, grow
):
    _grow(counted["course"], grow, django_user_model)
    client.force_login(alice)
    url = reverse("admin:courses_course_analytics", args=[counted["course"].pk])
    with django_assert_num_queries(COURSE_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    client.force_login(root)
    with django_assert_num_queries(SITE_PAGE_QUERIES):
        assert client.get(reverse("admin:courses_course_site_analytics")).status_code == 200
    with django_assert_num_queries(COMPLETION_PAGE_QUERIES):
        assert client.get(reverse("admin:courses_course_completion")).status_code == 200
    for section, count in SITE_SECTION_QUERIES.items():
        with django_assert_num_queries(count):
            assert client.get(reverse("admin:courses_course_site_analytics"), {"sections": section}).status_code == 200


def test_the_site_dashboards_sections_alone_are_its_own_sections(client, root, alice, counted):
    """What the open page reads again when a section changed: the same section the page shows,
    for site admins only; a request naming no known section is told which there are."""
    url = reverse("admin:courses_course_site_analytics")
    client.force_login(root)
    page = client.get(url).text
    alone = client.get(url, {"sections": "work,people"}).text
    sections = re.findall(r'<section class="analytics-section" data-live="(site-analytics-[a-z]+)"', alone)
    assert sections == ["site-analytics-people", "site-analytics-work"]
    for key in sections:
        assert _section(alone, key) == _section(page, key)
    refused = client.get(url, {"sections": "nope"})
    assert refused.status_code == 400
    assert "people, courses, work" in refused.text
    client.force_login(alice)
    assert client.get(url, {"sections": "people"}).status_code == 404


def test_a_course_dashboards_sections_alone_are_its_own_sections(client, root, alice, bob, counted):
    """What the course's page opened by a site admin reads again: the page's own sections, for
    those who may see the page (its instructor, site admins); 404 for another instructor."""
    course = counted["course"]
    url = reverse("admin:courses_course_analytics", args=[course.pk])
    client.force_login(root)
    page = client.get(url).text
    assert f'data-course-sections="{url}"' in page  # a site admin's page reads its sections again
    alone = client.get(url, {"sections": "funnel,nope"}).text
    key = f"analytics-{course.pk}-funnel"
    assert re.findall(r'<section class="analytics-section" data-live="([^"]+)"', alone) == [key]
    assert _section(alone, key) == _section(page, key)
    assert client.get(url, {"sections": "nope"}).status_code == 400
    client.force_login(alice)
    assert "data-course-sections" not in client.get(url).text  # the instructor gets live parts
    client.force_login(bob)
    assert client.get(url, {"sections": "funnel"}).status_code == 404


def _section(html: str, key: str) -> str:
    return re.search(rf'<section [^>]*data-live="{key}".*?</section>', html, re.S).group(0)


COURSE_PAGE_QUERIES = 23
SITE_PAGE_QUERIES = 18  # the most and least active courses: a grouped count, then the courses; the socket's cursor
SITE_SECTION_QUERIES = {"people": 6, "courses": 5, "work": 6}  # each section read again alone (the live page)
COMPLETION_PAGE_QUERIES = 4
