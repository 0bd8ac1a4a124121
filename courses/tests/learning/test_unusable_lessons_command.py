"""`manage.py unusable_lessons`: the published lessons of before the rule that students cannot use,
listed, and made drafts with --unpublish."""

from io import StringIO

import pytest
from django.core.management import call_command

from courses.models import Lesson
from lms_site.testing import content as w

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("unusable_lessons", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def legacy(cs101):
    week = w.module(cs101)
    empty = w.quiz_lesson(week, title="Empty quiz")  # published by a save that skipped the service
    usable = w.quiz_lesson(week, title="Good quiz")
    w.single(usable)
    return empty.lesson, usable.lesson


def test_it_lists_the_published_lessons_students_cannot_use(legacy):
    empty, _ = legacy
    out = run()
    assert f"CS101 · Empty quiz (lesson {empty.pk}): A published quiz needs at least one question." in out
    assert "Good quiz" not in out
    assert out.endswith("1 published lesson(s) students cannot use.\n")
    assert Lesson.objects.get(pk=empty.pk).is_published


def test_unpublish_makes_them_drafts_and_leaves_the_rest(legacy):
    empty, usable = legacy
    assert run("--unpublish").endswith("1 published lesson(s) students cannot use; 1 unpublished.\n")
    assert not Lesson.objects.get(pk=empty.pk).is_published
    assert Lesson.objects.get(pk=usable.pk).is_published
    assert run().endswith("0 published lesson(s) students cannot use.\n")
