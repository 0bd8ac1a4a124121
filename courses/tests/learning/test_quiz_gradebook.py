"""The gradebook of quiz attempts: the export_grades command, the admin's export and attempt list
(each for the course's instructor only), and the question kinds the admin validates."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.models import Question
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(cs101):
    return w.quiz_lesson(w.module(cs101), max_attempts=2)


@pytest.fixture
def graded(cs101, carol, dave, carol_in_cs101, quiz):
    from courses.models import Subscription

    Subscription.objects.create(student=dave, course=cs101)
    question = w.single(quiz, points=4)
    w.take(carol, quiz, {question.pk: [w.choice_id(question, "3")]})
    w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})  # the best attempt counts
    assignment = w.assignment_lesson(quiz.lesson.module, max_points=10)
    submission = services.submit_assignment(student=dave, assignment=assignment, text="My essay")
    submission.record_grade(points=7, feedback="Good", grader=cs101.instructor)
    return cs101


def test_export_grades_writes_the_gradebook(graded, capsys):
    call_command("export_grades", "CS101")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == [
        "course",
        "username",
        "name",
        "lessons completed (of 2)",
        "quiz: Check-in quiz (/4)",
        "assignment: Essay (/10)",
        "late submissions",
        "total so far (%)",
        "total with missed work as 0 (%)",
    ]
    # Nothing is past due, so missing work counts in neither total (courses/gradebook.py).
    assert rows[1:] == [
        ["CS101", "carol", "Carol Chen", "1", "4", "", "0", "100.0", "100.0"],
        ["CS101", "dave", "Dave Diaz", "1", "", "7", "0", "70.0", "70.0"],
    ]


def test_export_grades_rejects_an_unknown_course(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_grades", "NOPE")


def test_the_admin_exports_the_gradebook_of_my_course_only(client, alice, bob, graded, ma201):
    client.force_login(alice)
    changelist = reverse("admin:courses_gradebook_changelist")
    response = client.post(changelist, {"action": "export_csv", "_selected_action": [graded.pk, ma201.pk]})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "carol" in text and "MA201" not in text
    client.force_login(bob)
    assert client.get(reverse("admin:courses_gradebook_csv", args=[graded.pk])).status_code == 404


def test_the_admin_lists_attempts_per_student_for_the_instructor_only(client, alice, bob, carol, graded):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_attempt_changelist"))
    assert response.status_code == 200
    assert "Carol Chen" in response.text and "4/4" in response.text
    client.force_login(bob)
    assert "Carol Chen" not in client.get(reverse("admin:courses_attempt_changelist")).text


def test_question_kinds_validate_in_the_admin(client, alice, quiz):
    client.force_login(alice)
    url = reverse("admin:courses_question_add")
    data = {
        "quiz": quiz.pk,
        "position": 0,
        "kind": "single",
        "text": "Pick one",
        "points": 1,
        "choices": "* A\n* B",  # the quiz is published
    }
    response = client.post(url, data)
    assert response.status_code == 200  # two correct choices: refused
    assert "mark only one" in response.text
    data["choices"] = "* A\nB"
    assert client.post(url, data).status_code == 302
    assert Question.objects.get(text="Pick one").choices.filter(is_correct=True).count() == 1
