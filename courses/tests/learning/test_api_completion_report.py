"""The course completion report, /api/v1/admin/reports/course-completion: every course for admins,
their own for instructors, nothing for students; JSON or CSV."""

import csv
import io

import pytest

from courses.models import CourseCompletion, Subscription
from lms_site.testing.api import client_for, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions(carol, dave, cs101, ma201, draft, carol_in_cs101):
    Subscription.objects.create(student=dave, course=cs101)
    CourseCompletion.objects.create(student=carol, course=cs101)
    return cs101


def report(who):
    response = client_for(who).get("/api/v1/admin/reports/course-completion")
    assert response.status_code == 200, response.content
    return {row["course"]: row for row in response.json()}


def test_an_admin_gets_every_course(root, completions):
    rows = report(root)
    assert list(rows) == ["CS101", "CS999", "MA201"]
    assert (rows["CS101"]["subscribers"], rows["CS101"]["completed"], rows["CS101"]["completion_rate"]) == (2, 1, 0.5)
    assert (rows["MA201"]["subscribers"], rows["MA201"]["completed"], rows["MA201"]["completion_rate"]) == (0, 0, 0.0)


def test_an_instructor_gets_their_own_courses(alice, bob, completions):
    assert list(report(alice)) == ["CS101", "CS999"]
    assert list(report(bob)) == ["MA201"]


def test_a_completion_counts_while_the_student_stays_subscribed(root, carol, completions):
    Subscription.objects.filter(student=carol).delete()
    row = report(root)["CS101"]
    assert (row["subscribers"], row["completed"], row["completion_rate"]) == (1, 0, 0.0)


@pytest.mark.parametrize(("who", "status"), [("carol", 403), ("dave", 403), ("anonymous", 401)])
def test_students_get_no_report(people, completions, who, status):
    error = error_of(client_for(people[who]).get("/api/v1/admin/reports/course-completion"))
    assert error["status"] == status


def test_the_report_as_csv(alice, completions):
    response = client_for(alice).get("/api/v1/admin/reports/course-completion", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "course-completion.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["course"], r["subscribers"], r["completed"], r["completion_rate"]) for r in rows] == [
        ("CS101", "2", "1", "0.5"),
        ("CS999", "0", "0", "0.0"),
    ]


def test_options_on_the_csv_report_describes_it(alice):
    response = client_for(alice).options("/api/v1/admin/reports/course-completion?format=csv")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[:2] == ["key,value", 'name,"""Completion Report"""']


def test_a_refused_csv_report_is_still_an_error(carol, completions):
    response = client_for(carol).get("/api/v1/admin/reports/course-completion", {"format": "csv"})
    assert response.status_code == 403
    assert response.content.decode().splitlines()[0] == "status,code,message"
