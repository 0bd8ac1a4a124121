"""Authoring in the admin: instructors manage modules, lessons and quizzes of their own courses only,
add lessons inline in order, and preview a lesson as a student sees it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import INSTRUCTORS_GROUP
from courses.models import Lesson, Module, Quiz
from lms_site.testing import content as w
from lms_site.testing.events import events_after, newest_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine_and_theirs(cs101, ma201):
    mine, theirs = w.module(cs101, "Alice week"), w.module(ma201, "Bob week")
    return {
        "module": (mine, theirs),
        "lesson": (w.lesson(mine, "Alice lesson"), w.lesson(theirs, "Bob lesson")),
        "quiz": (w.quiz_lesson(mine, "Alice quiz"), w.quiz_lesson(theirs, "Bob quiz")),
    }


def test_the_instructors_group_holds_the_learning_permissions(alice):
    codenames = set(Group.objects.get(name=INSTRUCTORS_GROUP).permissions.values_list("codename", flat=True))
    assert {"add_lesson", "change_module", "view_attempt", "change_submission", "view_gradebook"} <= codenames
    assert "change_attempt" not in codenames  # scores come from the grader only


@pytest.mark.parametrize("model", ["module", "lesson", "quiz"])
def test_an_instructor_lists_and_opens_only_their_own_rows(client, alice, mine_and_theirs, model):
    mine, theirs = mine_and_theirs[model]
    client.force_login(alice)
    response = client.get(reverse(f"admin:courses_{model}_changelist"))
    rows = list(response.context["cl"].queryset)
    assert mine in rows and theirs not in rows
    assert client.get(reverse(f"admin:courses_{model}_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse(f"admin:courses_{model}_change", args=[theirs.pk])).status_code == 302


def test_students_have_no_admin(client, carol, mine_and_theirs):
    client.force_login(carol)
    assert client.get(reverse("admin:courses_lesson_changelist")).status_code == 302


def test_lessons_are_added_in_order_inline_and_each_is_announced(client, alice, cs101):
    module = w.module(cs101)
    client.force_login(alice)
    before = newest_id()
    data = {
        "course": cs101.pk,
        "title": "Week 1",
        "summary": "",
        "position": 0,
        "lessons-TOTAL_FORMS": 2,
        "lessons-INITIAL_FORMS": 0,
        "lessons-0-title": "Second",
        "lessons-0-kind": "assignment",  # a new quiz needs its questions first
        "lessons-0-position": 2,
        "lessons-0-is_published": "on",
        "lessons-1-title": "First (draft)",
        "lessons-1-kind": "text",
        "lessons-1-position": 1,
    }
    response = client.post(reverse("admin:courses_module_change", args=[module.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert [lesson.title for lesson in module.lessons.all()] == ["First (draft)", "Second"]
    assert events_after(before) == [("new_lesson", "course:CS101")]


def test_an_instructor_cannot_put_a_lesson_in_another_courses_module(client, alice, mine_and_theirs):
    _, theirs = mine_and_theirs["module"]
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_lesson_add"),
        {"module": theirs.pk, "title": "Sneaky", "kind": "text", "position": 0, "body": "x"},
    )
    assert response.status_code == 200
    assert "module" in response.context["adminform"].form.errors
    assert not Lesson.objects.filter(title="Sneaky").exists()


def test_a_quiz_lesson_gets_its_quiz_settings_and_a_preview_link(client, alice, cs101):
    module = w.module(cs101)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_lesson_add"),
        {"module": module.pk, "title": "Quiz 1", "kind": "quiz", "position": 0, "_continue": "1"},
    )
    lesson = Lesson.objects.get(title="Quiz 1")
    assert Quiz.objects.filter(lesson=lesson).exists()
    page = client.get(response["Location"]).text
    assert f'href="/courses/CS101/lessons/{lesson.pk}/?preview=1"' in page
    assert "Edit the 0 question(s)" in page


def test_the_preview_shows_a_draft_as_a_student_would_see_it(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    w.single(quiz, text="What is **2 + 2**?")
    Lesson.objects.filter(pk=quiz.lesson.pk).update(is_published=False)
    client.force_login(alice)
    page = client.get(reverse("courses:lesson", args=["CS101", quiz.lesson.pk]) + "?preview=1").text
    assert "Student preview" in page and "It is a draft" in page
    assert "What is <strong>2 + 2</strong>?" in page
    assert "<fieldset disabled" in page


def test_modules_filter_by_course_from_the_outline_link(client, alice, mine_and_theirs, cs101):
    client.force_login(alice)
    response = client.get(reverse("admin:courses_module_changelist") + f"?course__id__exact={cs101.pk}")
    assert response.status_code == 200
    assert [m.title for m in response.context["cl"].queryset] == ["Alice week"]
    assert Module.objects.count() == 2
