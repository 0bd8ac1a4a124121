"""Every figure of a course's dashboard against numbers counted by hand (the story is in conftest.py),
and the edge cases: an empty course, a course with one student, lessons added after students
finished (Bonus), a student who left (grace)."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from courses.models import Course, Subscription
from courses.selectors import analytics
from lms_site.testing import content as w

from .conftest import NOW, on


def figures(course, now=NOW) -> dict:
    return {figure.key: figure for found in analytics.course_figures(course, now=now).values() for figure in found}


WEEKS = ["Week of 2 Nov 2026", "Week of 9 Nov 2026", "Week of 16 Nov 2026", "Week of 23 Nov 2026"]


def test_the_weeks_are_the_last_four_from_monday():
    assert [start for start, _end in analytics.weeks(NOW)] == [on(11, 2, 0), on(11, 9, 0), on(11, 16, 0), on(11, 23, 0)]


def test_enrolments_count_current_subscribers_by_week_with_those_from_before(counted):
    figure = figures(counted["course"])["enrolments"]
    assert figure.rows == [[WEEKS[0], 1, 2], [WEEKS[1], 0, 2], [WEEKS[2], 1, 3], [WEEKS[3], 1, 4]]
    assert figure.values() == [2, 2, 3, 4]


def test_active_students_per_week_are_students_who_did_something(counted):
    # carol (lessons, quiz), carol (essay, thread), dave (view, quiz, thread, essay), erin (view);
    # grace left, alice's reply is not a student's.
    assert figures(counted["course"])["activity"].rows == [[WEEKS[0], 1], [WEEKS[1], 1], [WEEKS[2], 1], [WEEKS[3], 1]]


def test_the_funnel_follows_course_order_and_counts_current_students(counted):
    figure = figures(counted["course"])["funnel"]
    assert figure.rows == [
        ["Intro", 1, 25.0],  # carol; grace left
        ["Check-in quiz", 2, 50.0],
        ["Essay", 2, 50.0],
        ["Bonus", 0, 0.0],  # added after carol finished
    ]
    lessons = counted["lessons"]
    assert figure.keys == [lessons[name].pk for name in ("intro", "quiz", "essay", "bonus")]
    assert figure.scale == 4


def test_quiz_scores_count_each_students_best_attempt(counted):
    rows = figures(counted["course"])["quiz_scores"].rows
    assert rows[0] == ["0-9%", 1]  # dave 0/2
    assert rows[-1] == ["90-100%", 1]  # carol 2/2 (her 1/2 is not her best)
    assert sum(count for _label, count in rows) == 2


def test_the_hardest_question_is_the_one_answered_right_least_often(counted):
    rows = figures(counted["course"])["hardest"].rows
    assert [row[1:] for row in rows] == [[3, 33.3], [3, 66.7]]
    assert rows[0][0].startswith("Check-in quiz: Python is compiled")


def test_assignments_on_time_late_and_missing(counted):
    assert figures(counted["course"])["assignments"].rows == [["Essay", 1, 1, 2, 0, 25.0, 25.0, 50.0]]
    before_due = figures(counted["course"], now=on(11, 19))["assignments"].rows
    assert before_due[0][1:5] == [1, 1, 0, 2]  # before the due date nobody is missing: erin and frank "not yet"


def test_the_grading_backlog_by_age(counted):
    figure = figures(counted["course"])["backlog"]
    assert figure.rows == [["under a day", 0], ["1 to 3 days", 0], ["3 to 7 days", 1], ["a week or more", 0]]
    assert "1 submissions wait" in figure.description and "waited 4 days" in figure.description


def test_discussions_per_week_and_unanswered_threads(counted):
    found = figures(counted["course"])
    assert found["discussions"].rows == [[WEEKS[0], 0, 0], [WEEKS[1], 1, 1], [WEEKS[2], 1, 1], [WEEKS[3], 1, 0]]
    assert [row[0] for row in found["unanswered"].rows] == ["Deadline?"]
    thread = counted["course"].threads.get(title="Deadline?")
    assert found["unanswered"].links[0].endswith(f"/workspace/threads/{thread.pk}/")


def test_students_at_risk_are_inactive_or_behind_and_link_to_their_progress(counted):
    figure = figures(counted["course"])["at_risk"]
    students = counted["students"]
    assert [(row[0], row[2], row[3]) for row in figure.rows] == [
        ("Frank Test", 1, "no activity for 36 days; 1 overdue"),
        ("Carol Chen", 0, "no activity for 14 days"),
        ("Erin Test", 1, "1 overdue"),
    ]
    course = counted["course"]
    assert figure.links[0] == f"/admin/courses/course/{course.pk}/analytics/students/{students['frank'].pk}/"


def test_the_inactivity_setting_decides_who_is_at_risk(counted, settings):
    settings.ANALYTICS_INACTIVE_DAYS = 30
    assert [row[0] for row in figures(counted["course"])["at_risk"].rows] == ["Frank Test", "Erin Test"]


def test_an_empty_course_has_zeros_and_no_rows(alice):
    empty = Course.objects.create(code="EMPTY1", title="Empty", instructor=alice, is_published=True)
    found = figures(empty)
    assert found["enrolments"].values() == [0, 0, 0, 0]
    assert found["activity"].values() == [0, 0, 0, 0]
    assert found["funnel"].rows == [] and found["funnel"].scale is None
    assert [count for _label, count in found["quiz_scores"].rows] == [0] * 10
    for key in ("hardest", "assignments", "unanswered", "at_risk"):
        assert found[key].rows == [], key
    assert [count for _label, count in found["backlog"].rows] == [0, 0, 0, 0]


def test_a_course_with_one_student(bob, carol, ma201):
    week = w.module(ma201)
    first = w.lesson(week, "Vectors", position=0)
    w.lesson(week, "Matrices", position=1)
    from courses import services

    services.subscribe(user=carol, course=ma201)
    services.complete_lesson(student=carol, lesson=first)
    Subscription.objects.filter(student=carol).update(subscribed_at=NOW - timedelta(days=1))
    found = figures(ma201, now=NOW)
    assert found["enrolments"].values() == [0, 0, 0, 1]
    assert found["funnel"].rows == [["Vectors", 1, 100.0], ["Matrices", 0, 0.0]]
    assert found["at_risk"].rows == []


def test_course_report_prints_the_dashboards_figures(counted):
    out = io.StringIO()
    call_command("course_report", "cs101", stdout=out)
    text = out.getvalue()
    assert text.startswith("CS101: Introduction to Programming (4 students)")
    for figures in analytics.course_figures(counted["course"]).values():
        for figure in figures:
            assert figure.title in text
    funnel = text.split("Completion funnel by lesson")[1]
    assert re.search(r"Intro\s+1\s+25\n", funnel)
    assert re.search(r"Check-in quiz\s+2\s+50\n", funnel)
    assert re.search(r"Frank Test\s+2026-10-20 12:00 UTC\s+1\s+no activity", text)


@pytest.mark.parametrize(("who", "allowed"), [("alice", True), ("root", True), ("bob", False), ("carol", False)])
def test_course_report_as_an_account_follows_the_pages_rule(counted, people, who, allowed):
    out = io.StringIO()
    if allowed:
        call_command("course_report", "cs101", "--as", people[who].username, stdout=out)
        assert out.getvalue().startswith("CS101: Introduction to Programming")
    else:
        with pytest.raises(CommandError, match="No course with the code 'cs101'"):
            call_command("course_report", "cs101", "--as", people[who].username, stdout=out)
        assert out.getvalue() == ""


def test_course_report_refuses_an_unknown_code(db):
    with pytest.raises(CommandError, match="No course with the code 'NOPE1'"):
        call_command("course_report", "NOPE1")
