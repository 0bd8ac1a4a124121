"""Grades: the one rule for a course total (a table), each item's standing, weights, the grades page
of a course, the grades page across courses, and the instructor's CSV with the totals."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from courses import gradebook, services
from courses.gradebook import Row, Status, total
from courses.models import Course, Subscription
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db

G, A, M, OPEN = Status.GRADED, Status.AWAITING, Status.MISSED, Status.OPEN


def row(status, score=None, out_of=None, weight=1, max_points=10):
    return Row(lesson=None, weight=Decimal(weight), max_points=max_points, status=status, score=score, out_of=out_of)


# Each case: the items (status, score, out of, weight) -> (so far %, with missed work as 0 %).
TOTALS = [
    ("nothing yet", [], None, None),
    ("one graded item", [row(G, 7, 10)], "70.0", "70.0"),
    ("equal weights: the mean of percentages, not of points", [row(G, 1, 2), row(G, 90, 100)], "70.0", "70.0"),
    ("weight 2 counts twice", [row(G, 10, 10, weight=2), row(G, 4, 10)], "80.0", "80.0"),
    ("weight 0 does not count", [row(G, 10, 10), row(G, 0, 10, weight=0)], "100.0", "100.0"),
    ("fractional weights", [row(G, 10, 10, weight="0.5"), row(G, 0, 10, weight="1.5")], "25.0", "25.0"),
    ("missed work is 0 only in the second total", [row(G, 8, 10), row(M)], "80.0", "40.0"),
    ("missed work alone", [row(M)], None, "0.0"),
    ("waiting for grading counts in neither", [row(G, 6, 10), row(A)], "60.0", "60.0"),
    ("not due yet counts in neither", [row(G, 6, 10), row(OPEN)], "60.0", "60.0"),
    ("a quiz without questions counts in neither", [row(G, 5, 10), row(M, max_points=0)], "50.0", "50.0"),
    ("a graded attempt out of 0 counts in neither", [row(G, 0, 0), row(G, 3, 4)], "75.0", "75.0"),
    ("an expired attempt scores 0 and counts", [row(G, 0, 4), row(G, 4, 4)], "50.0", "50.0"),
    ("rounded half up to one place", [row(G, 2, 3)], "66.7", "66.7"),
    ("missed work of weight 0 does not count", [row(G, 9, 10), row(M, weight=0)], "90.0", "90.0"),
]


@pytest.mark.parametrize(("rows", "so_far", "with_missed"), [case[1:] for case in TOTALS], ids=[c[0] for c in TOTALS])
def test_the_course_total_rule(rows, so_far, with_missed):
    assert total(rows, with_missed=False).percent == (None if so_far is None else Decimal(so_far))
    assert total(rows, with_missed=True).percent == (None if with_missed is None else Decimal(with_missed))


def test_a_total_says_its_weighted_points_and_weights():
    counted = total([row(G, 10, 10, weight=2), row(G, 4, 10), row(M)], with_missed=True)
    assert (counted.points, counted.weight, counted.percent) == (Decimal("2.40"), Decimal(4), Decimal("60.0"))


# Each item's standing, from the database.


@pytest.fixture
def week(cs101):
    return w.module(cs101)


def test_each_item_has_its_standing(week, alice, carol, carol_in_cs101):
    quiz = w.quiz_lesson(week, "Quiz taken", position=1)
    question = w.single(quiz, points=2)
    w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})
    closed = w.quiz_lesson(week, "Quiz closed", position=2, due_at=w.ago(days=1))
    w.single(closed)
    w.quiz_lesson(week, "Quiz open", position=3, due_at=w.later(days=1))
    graded = w.assignment_lesson(week, "Graded essay", position=4, max_points=20, weight=Decimal(3))
    services.submit_assignment(student=carol, assignment=graded, text="Mine").record_grade(
        points=15, feedback="", grader=alice
    )
    waiting = w.assignment_lesson(week, "Waiting essay", position=5)
    services.submit_assignment(student=carol, assignment=waiting, text="Mine")
    w.assignment_lesson(week, "Missed essay", position=6, due_at=w.ago(hours=1))
    draft = w.assignment_lesson(week, "Draft essay", position=7, due_at=w.ago(hours=1))
    draft.lesson.is_published = False
    draft.lesson.save()

    grades = gradebook.course_grades(carol, carol_in_cs101.course)
    standing = [(r.lesson.title, r.status, r.score, r.out_of, r.weight) for r in grades.rows]
    assert standing == [
        ("Quiz taken", G, 2, 2, 1),
        ("Quiz closed", M, None, None, 1),
        ("Quiz open", OPEN, None, None, 1),
        ("Graded essay", G, 15, 20, 3),
        ("Waiting essay", A, None, None, 1),
        ("Missed essay", M, None, None, 1),
    ]  # the draft is not there
    # so far: (1 x 100 + 3 x 75) / 4; with missed work: (100 + 225 + 0 + 0) / 6
    assert (grades.so_far.percent, grades.with_missed.percent) == (Decimal("81.3"), Decimal("54.2"))


def test_a_quiz_counts_its_best_attempt(week, carol, carol_in_cs101):
    quiz = w.quiz_lesson(week, max_attempts=3)
    question = w.single(quiz, points=4)
    for answer in ("3", "4", "5"):
        w.take(carol, quiz, {question.pk: [w.choice_id(question, answer)]})
    (item,) = gradebook.course_grades(carol, carol_in_cs101.course).rows
    assert (item.score, item.out_of, item.attempt.number, item.percent) == (4, 4, 2, Decimal("100.0"))


def test_weights_are_not_negative(week):
    quiz = w.quiz_lesson(week)
    quiz.weight = Decimal(-1)
    with pytest.raises(ValidationError):
        quiz.full_clean()
    assignment = w.assignment_lesson(week)
    assert assignment.weight == 1
    assignment.weight = Decimal("-0.5")
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_the_admin_sets_an_assignments_weight(client, alice, week):
    assignment = w.assignment_lesson(week, max_points=10)
    client.force_login(alice)
    url = reverse("admin:courses_lesson_change", args=[assignment.lesson.pk])
    page = client.get(url).text
    assert "How much this counts in the course total" in page
    data = {
        "module": week.pk,
        "title": "Essay",
        "kind": "assignment",
        "position": 20,
        "body": "Write.",
        "is_published": "on",
        "assignment-TOTAL_FORMS": 1,
        "assignment-INITIAL_FORMS": 1,
        "assignment-MIN_NUM_FORMS": 0,
        "assignment-MAX_NUM_FORMS": 1,
        "assignment-0-id": assignment.pk,
        "assignment-0-lesson": assignment.lesson.pk,
        "assignment-0-max_points": 10,
        "assignment-0-weight": "-1",
        "assignment-0-accepts_text": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "greater than or equal to 0" in response.text
    data["assignment-0-weight"] = "2.5"
    assert client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.weight == Decimal("2.5")


# The grades page of a course.


def test_the_grades_page_shows_each_item_weight_and_the_totals(client, week, alice, carol, carol_in_cs101):
    essay = w.assignment_lesson(week, "Essay", max_points=10, weight=Decimal(2))
    services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
        points=7, feedback="", grader=alice
    )
    w.assignment_lesson(week, "Lab report", position=30, due_at=w.ago(days=1))
    client.force_login(carol)
    page = client.get(reverse("courses:grades", args=["CS101"])).text
    assert f'data-live="grade-row-{essay.lesson.pk}"' in page
    assert "7/10" in page and "70.0%" in page and "Missed" in page
    assert f'data-live="grade-totals-{carol_in_cs101.course.pk}"' in page
    assert "Total so far" in page and "With missed work as 0" in page
    assert "46.7%" in page  # 2 x 70 / 3: the lab report counts as 0 with weight 1
    assert "How the totals are counted" in page


@pytest.mark.parametrize("items", [1, 6])
def test_the_grades_page_costs_the_same_queries_however_many_items(
    client, week, alice, carol, carol_in_cs101, items, django_assert_num_queries
):
    for number in range(items):
        quiz = w.quiz_lesson(week, f"Quiz {number}", position=2 * number)
        question = w.single(quiz)
        w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})
        essay = w.assignment_lesson(week, f"Essay {number}", position=2 * number + 1)
        services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
            points=50, feedback="", grader=alice
        )
    client.force_login(carol)
    # session, user, course, subscription (membership); items, quiz maxima, attempts, submissions;
    # header: membership, read cursor, unread, newest id
    with django_assert_num_queries(12):
        response = client.get(reverse("courses:grades", args=["CS101"]))
    assert response.status_code == 200
    assert response.text.count("grade-row-") == 2 * items


def test_the_grades_page_is_for_members_only(client, dave, carol, cs101, draft):
    client.force_login(dave)  # not subscribed
    assert client.get(reverse("courses:grades", args=["CS101"])).status_code == 404
    client.force_login(carol)
    assert client.get(reverse("courses:grades", args=[draft.code])).status_code == 404
    client.logout()
    assert client.get(reverse("courses:grades", args=["CS101"])).status_code == 302


def test_the_instructor_sees_the_items_and_weights_and_no_ones_grades(client, week, alice, carol, carol_in_cs101):
    essay = w.assignment_lesson(week, weight=Decimal("1.5"))
    services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
        points=99, feedback="", grader=alice
    )
    client.force_login(alice)
    page = client.get(reverse("courses:grades", args=["CS101"])).text
    assert "admin&#x27;s gradebook" in page or "admin's gradebook" in page
    assert "Essay" in page and "1.5" in page and "99/100" not in page


# The grades page across courses.


def test_the_grades_page_across_courses_lists_my_courses_with_their_totals(
    client, alice, bob, carol, carol_in_cs101, ma201, draft
):
    Subscription.objects.create(student=carol, course=ma201)
    Subscription.objects.create(student=carol, course=draft)  # unpublished: not listed
    essay = w.assignment_lesson(w.module(ma201), max_points=10)
    services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
        points=9, feedback="", grader=bob
    )
    client.force_login(carol)
    page = client.get(reverse("courses:all_grades")).text
    assert page.index("CS101") < page.index("MA201")
    assert draft.code not in page
    assert f'href="{reverse("courses:grades", args=["MA201"])}"' in page
    assert f'data-live="course-grade-{ma201.pk}"' in page and "90.0%" in page
    assert "No grades yet" in page  # CS101
    assert 'aria-current="page">Grades</a>' in page  # the main navigation's link


def test_the_grades_page_across_courses_for_someone_without_courses(client, alice):
    client.force_login(alice)
    page = client.get(reverse("courses:all_grades")).text
    assert "You follow no course yet" in page


@pytest.mark.parametrize("courses", [1, 4])
def test_the_grades_page_across_courses_costs_the_same_however_many_courses(
    client, alice, carol, courses, django_assert_num_queries
):
    for number in range(courses):
        course = Course.objects.create(code=f"C{number}", title=f"Course {number}", instructor=alice, is_published=True)
        Subscription.objects.create(student=carol, course=course)
        week = w.module(course)
        quiz = w.quiz_lesson(week)
        question = w.single(quiz)
        w.take(carol, quiz, {question.pk: [w.choice_id(question, "4")]})
        essay = w.assignment_lesson(week)
        services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
            points=50, feedback="", grader=alice
        )
    client.force_login(carol)
    # session, user; subscriptions with courses, items, quiz maxima, attempts, submissions;
    # header: membership, read cursor, unread, newest id
    with django_assert_num_queries(11):
        response = client.get(reverse("courses:all_grades"))
    assert response.text.count("course-grade-") == courses
    assert response.text.count("75.0%") == 2 * courses


# The instructor's CSV.


def test_the_csv_has_both_totals_with_weights_and_missed_work(week, alice, carol, dave, carol_in_cs101, dave_in_cs101):
    essay = w.assignment_lesson(week, "Essay", max_points=10, weight=Decimal(3))
    w.assignment_lesson(week, "Lab", position=30, max_points=10, due_at=w.ago(days=1))
    services.submit_assignment(student=carol, assignment=essay, text="Mine").record_grade(
        points=8, feedback="", grader=alice
    )
    out = io.StringIO()
    call_command("export_grades", "CS101", stdout=out, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][-2:] == ["total so far (%)", "total with missed work as 0 (%)"]
    by_name = {r[1]: r[-2:] for r in rows[1:]}
    assert by_name == {"carol": ["80.0", "60.0"], "dave": ["", "0.0"]}
