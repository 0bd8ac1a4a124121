"""The rules of learning content live in the model or the service, so every door keeps them: the
lesson's own admin page, the module's inline editor, the pages, the API, commands and the shell."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from courses import services
from courses.models import Assignment, Lesson, LessonProgress, Module, Question, Quiz
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db


def inline_lessons(course, *kinds) -> dict:
    """The module admin's add form with one inline lesson per kind."""
    data = {
        "course": course.pk,
        "title": "Week 9",
        "summary": "",
        "position": 0,
        "lessons-TOTAL_FORMS": len(kinds),
        "lessons-INITIAL_FORMS": 0,
    }
    for n, kind in enumerate(kinds):
        data |= {f"lessons-{n}-title": f"{kind} lesson", f"lessons-{n}-kind": kind, f"lessons-{n}-position": n}
    return data


def test_a_quiz_lesson_made_in_the_modules_inline_editor_has_its_quiz(client, alice, cs101):
    client.force_login(alice)
    response = client.post(reverse("admin:courses_module_add"), inline_lessons(cs101, "quiz", "assignment", "text"))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Quiz.objects.filter(lesson__title="quiz lesson").exists()
    assert Assignment.objects.filter(lesson__title="assignment lesson").exists()
    assert not Quiz.objects.filter(lesson__title="text lesson").exists()


def test_a_quiz_lesson_made_inline_opens_for_its_students(client, alice, carol_in_cs101, carol, cs101):
    client.force_login(alice)
    client.post(reverse("admin:courses_module_add"), inline_lessons(cs101, "quiz"))
    lesson = Lesson.objects.get(title="quiz lesson")
    Lesson.objects.filter(pk=lesson.pk).update(is_published=True)
    client.force_login(carol)
    assert client.get(reverse("courses:lesson", args=["CS101", lesson.pk])).status_code == 200


def test_a_lesson_changed_to_an_assignment_in_the_admin_gets_its_settings(client, alice, cs101):
    item = w.lesson(w.module(cs101), "Essay")
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_lesson_change", args=[item.pk]),
        {"module": item.module_id, "title": "Essay", "kind": "assignment", "position": 0, "body": "Write."},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert Assignment.objects.filter(lesson=item).exists()


@pytest.mark.parametrize("kind, settings", [("quiz", Quiz), ("assignment", Assignment)])
def test_the_service_and_the_shell_make_the_settings_row(alice, cs101, kind, settings):
    module = w.module(cs101)
    through_service = Lesson(module=module, title="Service", kind=kind, position=1)
    services.save_content(obj=through_service, by=alice)
    from_the_shell = Lesson.objects.create(module=module, title="Shell", kind=kind, position=2)
    assert settings.objects.filter(lesson__in=[through_service, from_the_shell]).count() == 2


def test_the_demo_commands_quiz_lessons_have_their_settings():
    call_command("seed_demo", "--students", "0", stdout=None)
    quiz_lessons = Lesson.objects.filter(kind=Lesson.Kind.QUIZ)
    assert quiz_lessons.exists()
    assert all(Quiz.objects.filter(lesson=lesson).exists() for lesson in quiz_lessons)


def test_only_the_courses_teacher_authors_its_content(bob, cs101):
    with pytest.raises(PermissionDenied):
        services.save_content(obj=Module(course=cs101, title="Not mine"), by=bob)
    assert not Module.objects.filter(title="Not mine").exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "true_false", "text": "True?"}, "is_true"),
        ({"kind": "short", "text": "Name?", "accepted_answers": " "}, "accepted_answers"),
    ],
)
def test_a_question_keeps_its_rules_in_the_admin_and_the_service(client, alice, cs101, fields, field):
    quiz = w.quiz_lesson(w.module(cs101))
    with pytest.raises(ValidationError) as refused:
        services.save_content(obj=Question(quiz=quiz, position=0, **fields), by=alice)
    assert field in refused.value.message_dict
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_question_add"),
        {"quiz": quiz.pk, "position": 0, "points": 1, "choices-TOTAL_FORMS": 0, "choices-INITIAL_FORMS": 0, **fields},
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Question.objects.exists()


def test_only_the_courses_teacher_grades(alice, bob, carol_in_cs101, carol, cs101):
    assignment = w.assignment_lesson(w.module(cs101))
    submission = services.submit_assignment(student=carol, assignment=assignment, text="My essay")
    with pytest.raises(PermissionDenied):
        services.grade_submission(submission=submission, points=90, feedback="", by=bob)
    services.grade_submission(submission=submission, points=90, feedback="Good", by=alice)
    submission.refresh_from_db()
    assert (submission.points, submission.graded_by) == (90, alice)


class TestProgressIsForStudentsAndHandCompletion:
    """complete_lesson and record_lesson_view decide; the page and the API only translate."""

    def test_the_service_refuses_to_complete_a_quiz_by_hand(self, carol_in_cs101, carol, cs101):
        quiz = w.quiz_lesson(w.module(cs101))
        with pytest.raises(services.CompletesOnSubmission):
            services.complete_lesson(student=carol, lesson=quiz.lesson)
        assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()

    def test_the_page_answers_404_and_the_api_409_for_a_quiz(self, client, carol_in_cs101, carol, cs101):
        quiz = w.quiz_lesson(w.module(cs101))
        client.force_login(carol)
        assert client.post(reverse("courses:lesson_complete", args=["CS101", quiz.lesson.pk])).status_code == 404
        response = client_for(carol).put(f"/api/v1/progress/{quiz.lesson.pk}", {"completed": True}, format="json")
        assert response.status_code == 409
        assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()

    def test_the_service_refuses_teachers(self, alice, cs101):
        item = w.lesson(w.module(cs101))
        with pytest.raises(PermissionDenied):
            services.record_lesson_view(student=alice, lesson=item)
        with pytest.raises(PermissionDenied):
            services.complete_lesson(student=alice, lesson=item)
        assert not LessonProgress.objects.exists()

    def test_the_page_records_nothing_for_a_teacher_and_the_api_answers_403(self, client, alice, cs101):
        item = w.lesson(w.module(cs101))
        client.force_login(alice)
        assert client.get(reverse("courses:lesson", args=["CS101", item.pk])).status_code == 200
        assert client.post(reverse("courses:lesson_complete", args=["CS101", item.pk])).status_code == 302
        response = client_for(alice).put(f"/api/v1/progress/{item.pk}", {"completed": True}, format="json")
        assert response.status_code == 403
        assert not LessonProgress.objects.exists()

    def test_the_service_refuses_a_student_who_is_not_subscribed(self, carol, cs101):
        item = w.lesson(w.module(cs101))
        with pytest.raises(PermissionDenied):
            services.record_lesson_view(student=carol, lesson=item)
        assert not LessonProgress.objects.exists()
