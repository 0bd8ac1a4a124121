"""What students cannot use is never published (courses/services/publishing.py): each rule through
the service and through every door of the admin that can publish (the lesson's page, the module's
lesson rows, the lesson list, the quiz's questions, a question's own page), and a student never
sees the unusable lesson, on the site or through the API. Drafts may be incomplete. (The REST API
has no write path for content: it reads what these doors let through.)"""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import services
from courses.models import Assignment, Choice, Lesson, Question, Quiz
from lms_site.testing import content as w
from lms_site.testing.api import client_for

pytestmark = pytest.mark.django_db


def draft(module, kind, **fields) -> Lesson:
    return w.lesson(module, title=f"Draft {kind}", kind=kind, published=False, **fields)


def draft_quiz(module, *questions) -> Quiz:
    """A draft quiz with questions made as a draft may have them: (kind, {field: value}, choices)."""
    quiz = draft(module, Lesson.Kind.QUIZ).quiz
    for position, (kind, fields, choices) in enumerate(questions):
        question = Question.objects.create(quiz=quiz, kind=kind, text=f"Q{position}", position=position, **fields)
        for n, (text, right) in enumerate(choices):
            Choice.objects.create(question=question, text=text, is_correct=right, position=n)
    return quiz


# Each unusable lesson, and the reason publishing it is refused.
UNUSABLE = {
    "text without its text": (lambda m: draft(m, "text", body=""), "A published text lesson needs its text."),
    "video without a video": (lambda m: draft(m, "video"), "A published video lesson needs its video."),
    "file without its file": (lambda m: draft(m, "file"), "A published file lesson needs its file."),
    "quiz without questions": (lambda m: draft_quiz(m).lesson, "A published quiz needs at least one question."),
    "single choice without choices": (
        lambda m: draft_quiz(m, ("single", {}, [])).lesson,
        "needs at least two choices, exactly one correct",
    ),
    "single choice without its right answer": (
        lambda m: draft_quiz(m, ("single", {}, [("3", False), ("4", False)])).lesson,
        "needs at least two choices, exactly one correct",
    ),
    "multiple choice without a right answer": (
        lambda m: draft_quiz(m, ("multiple", {}, [("2", False), ("4", False)])).lesson,
        "one or more correct",
    ),
    "true or false without its answer": (
        lambda m: draft_quiz(m, ("true_false", {"is_true": None}, [])).lesson,
        "A true-or-false question needs its answer.",
    ),
    "assignment accepting nothing": (
        lambda m: unusable_assignment(m),
        "A published assignment accepts a text, a file or both.",
    ),
}


def unusable_assignment(module) -> Lesson:
    lesson = draft(module, "assignment")
    Assignment.objects.filter(lesson=lesson).update(accepts_text=False, accepts_file=False)  # a row of old
    return lesson


@pytest.fixture
def week(cs101):
    return w.module(cs101)


@pytest.mark.parametrize("case", UNUSABLE)
def test_the_service_lists_what_blocks_publishing(week, case):
    make, reason = UNUSABLE[case]
    lesson = make(week)
    problems = services.publish_problems(lesson)
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize("case", UNUSABLE)
def test_publishing_through_the_service_is_refused_and_saves_nothing(alice, week, case):
    make, reason = UNUSABLE[case]
    lesson = make(week)
    lesson.is_published = True
    with pytest.raises(ValidationError, match=reason.split(",")[0]):
        services.save_content(obj=lesson, by=alice)
    assert not Lesson.objects.get(pk=lesson.pk).is_published


@pytest.mark.parametrize("case", UNUSABLE)
def test_a_draft_may_be_incomplete(alice, week, case):
    make, _ = UNUSABLE[case]
    lesson = make(week)
    lesson.title = "Still a draft"
    services.save_content(obj=lesson, by=alice)
    assert Lesson.objects.get(pk=lesson.pk).title == "Still a draft"


def test_a_complete_lesson_of_each_kind_publishes(alice, cs101):
    lessons = w.a_lesson_of_each_kind(cs101)
    quiz = lessons["quiz"].quiz
    w.single(quiz), w.multiple(quiz), w.true_false(quiz), w.short(quiz)
    essay = w.assignment_lesson(lessons["intro"].module, accepts_file=False).lesson
    for lesson in [*lessons.values(), essay]:
        assert services.publish_problems(lesson) == [], lesson.kind
        lesson.is_published = True
        services.save_content(obj=lesson, by=alice)


def test_the_reasons_name_the_question_in_plain_words(week):
    quiz = draft_quiz(week, ("true_false", {"is_true": True}, []), ("single", {}, [("4", True)]))
    Question.objects.filter(quiz=quiz, position=1).update(text="What is **2 + 2**?")
    assert services.publish_problems(quiz.lesson) == [
        "Question 2 (“What is 2 + 2?”): A single-choice question needs at least two choices, exactly one correct."
    ]


def test_a_change_that_would_make_a_published_quiz_unusable_is_refused(alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    question = w.single(quiz)
    with pytest.raises(ValidationError, match="at least two choices"):
        services.save_question(question=question, choices=[("4", True)], by=alice)
    assert question.choices.count() == 3
    with pytest.raises(ValidationError, match="at least two choices"):
        services.save_content(obj=Question(quiz=quiz, kind="single", text="New, no choices yet"), by=alice)
    assert quiz.questions.count() == 1


def test_a_published_quizs_last_question_cannot_be_deleted(alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    first, second = w.single(quiz), w.true_false(quiz)
    services.delete_content(obj=first, by=alice)  # another remains
    with pytest.raises(ValidationError, match="at least one question"):
        services.delete_content(obj=second, by=alice)
    assert list(quiz.questions.all()) == [second]


def test_a_published_questions_needed_choice_cannot_be_deleted(alice, cs101):
    question = w.single(w.quiz_lesson(w.module(cs101)), wrong=("3",))
    with pytest.raises(ValidationError, match="at least two choices"):
        services.delete_content(obj=question.choices.get(text="3"), by=alice)
    assert question.choices.count() == 2


def test_a_question_saved_with_its_choices_keeps_their_ids(alice, week):
    quiz = draft_quiz(week)
    question = Question(quiz=quiz, kind="single", text="2 + 2 = ?")
    services.save_question(question=question, choices=[("3", False), ("4", True), ("5", False)], by=alice)
    ids = list(question.choices.values_list("pk", flat=True))
    services.save_question(question=question, choices=[("three", False), ("4", True)], by=alice)
    assert list(question.choices.values_list("pk", "text", "is_correct")) == [
        (ids[0], "three", False),
        (ids[1], "4", True),
    ]


def test_new_content_without_a_position_goes_last(alice, week):
    w.lesson(week, "First", position=4)
    later = Lesson(module=week, title="Later", kind="text", body="x", position=None)
    services.save_content(obj=later, by=alice)
    assert later.position == 5


# --- The admin's doors ---------------------------------------------------------------------------


def lesson_form(lesson, **changes) -> dict:
    data = {
        "module": lesson.module_id,
        "title": lesson.title,
        "kind": lesson.kind,
        "position": lesson.position,
        "body": lesson.body,
        "embed_url": lesson.embed_url,
        "is_published": "on",
    }
    for prefix in ("quiz", "assignment"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


@pytest.mark.parametrize("case", UNUSABLE)
def test_the_lesson_page_says_why_it_cannot_be_published(client, alice, week, case):
    make, reason = UNUSABLE[case]
    lesson = make(week)
    client.force_login(alice)
    data = lesson_form(lesson)
    if lesson.kind == "quiz":
        data |= {
            "quiz-TOTAL_FORMS": 1,
            "quiz-INITIAL_FORMS": 1,
            "quiz-0-id": lesson.quiz.pk,
            "quiz-0-lesson": lesson.pk,
        }
        data |= {"quiz-0-max_attempts": 1, "quiz-0-weight": 1}
    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), data)
    if case == "assignment accepting nothing":
        # An assignment lesson's page shows its settings, which refuse "neither" even for a draft.
        response = client.post(
            reverse("admin:courses_lesson_change", args=[lesson.pk]),
            data
            | {
                "assignment-TOTAL_FORMS": 1,
                "assignment-INITIAL_FORMS": 1,
                "assignment-0-id": lesson.assignment.pk,
                "assignment-0-lesson": lesson.pk,
                "assignment-0-max_points": 100,
            },
        )
        assert "An assignment accepts a text, a file or both." in response.text
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["is_published"]
        assert any(reason in error for error in errors), errors
    assert not Lesson.objects.get(pk=lesson.pk).is_published


def test_the_lesson_page_publishes_a_complete_lesson(client, alice, week):
    lesson = draft(week, "text")
    client.force_login(alice)
    response = client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), lesson_form(lesson))
    assert response.status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).is_published


def module_rows(module, *rows) -> dict:
    """The module's page with its lessons as rows: (id or None, title, kind, published)."""
    data = {
        "course": module.course_id,
        "title": module.title,
        "summary": "",
        "position": module.position,
        "lessons-TOTAL_FORMS": len(rows),
        "lessons-INITIAL_FORMS": sum(1 for row in rows if row[0]),
    }
    for n, (pk, title, kind, published) in enumerate(rows):
        data |= {f"lessons-{n}-title": title, f"lessons-{n}-kind": kind, f"lessons-{n}-position": ""}
        data |= {f"lessons-{n}-module": module.pk} | ({f"lessons-{n}-id": pk} if pk else {})
        if published:
            data[f"lessons-{n}-is_published"] = "on"
    return data


@pytest.mark.parametrize("case", UNUSABLE)
def test_the_modules_lesson_rows_refuse_publishing_an_unusable_lesson(client, alice, week, case):
    make, reason = UNUSABLE[case]
    lesson = make(week)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_module_change", args=[week.pk]),
        module_rows(week, (lesson.pk, lesson.title, lesson.kind, True)),
    )
    assert response.status_code == 200
    errors = [error for row in response.context["inline_admin_formsets"][0].formset.errors for error in row.values()]
    assert any(reason in message for error in errors for message in error), errors
    assert not Lesson.objects.get(pk=lesson.pk).is_published


def test_a_new_text_row_ticked_published_is_told_where_to_write_its_text(client, alice, week):
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_module_change", args=[week.pk]), module_rows(week, (None, "Intro", "text", True))
    )
    assert "A published text lesson needs its text. Save it as a draft, complete it on its own page" in response.text
    assert not Lesson.objects.filter(title="Intro").exists()


def test_new_rows_go_after_the_last_lesson_in_their_order(client, alice, week):
    w.lesson(week, "Existing", position=7)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_module_change", args=[week.pk]),
        module_rows(week, (None, "Quiz", "quiz", False), (None, "Essay", "assignment", True)),
    )
    assert response.status_code == 302
    assert list(week.lessons.values_list("title", "position")) == [("Existing", 7), ("Quiz", 8), ("Essay", 9)]
    assert Quiz.objects.filter(lesson__title="Quiz").exists()  # its settings row, made with it
    assert Assignment.objects.filter(lesson__title="Essay").exists()


def test_the_lesson_list_refuses_publishing_an_unusable_lesson(client, alice, week):
    lesson = draft_quiz(week).lesson
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_lesson_changelist"),
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": lesson.pk,
            "form-0-position": lesson.position,
            "form-0-is_published": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "A published quiz needs at least one question." in response.text
    assert not Lesson.objects.get(pk=lesson.pk).is_published


def questions_form(quiz, *questions) -> dict:
    """The quiz's page: its settings and questions as (id or None, kind, text, choices lines, extra)."""
    data = {
        "max_attempts": quiz.max_attempts or "",
        "weight": quiz.weight,
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": sum(1 for q in questions if q[0]),
    }
    for n, (pk, kind, text, choices, extra) in enumerate(questions):
        prefix = f"questions-{n}-"
        fields = {"kind": kind, "text": text, "points": 1, "position": "", "choices": choices, "quiz": quiz.pk}
        fields |= extra | ({"id": pk} if pk else {})
        data |= {prefix + name: value for name, value in fields.items()}
    return data


def test_a_choice_question_is_added_with_its_choices_under_it(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    kept = w.true_false(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_quiz_change", args=[quiz.pk]),
        questions_form(
            quiz,
            (kept.pk, "true_false", kept.text, "", {"is_true": "True", "position": kept.position}),
            (None, "single", "2 + 2 = ?", "3\n* 4\n\n5", {}),
        ),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    question = quiz.questions.get(text="2 + 2 = ?")
    assert list(question.choices.values_list("text", "is_correct", "position")) == [
        ("3", False, 0),
        ("4", True, 1),
        ("5", False, 2),
    ]
    assert question.position == kept.position + 1


@pytest.mark.parametrize(
    "choices, reason",
    [("", "at least two choices"), ("3\n4", "exactly one correct"), ("* 4", "at least two choices")],
)
def test_a_published_quiz_refuses_a_choice_question_that_cannot_be_answered(client, alice, cs101, choices, reason):
    quiz = w.quiz_lesson(w.module(cs101))
    kept = w.true_false(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_quiz_change", args=[quiz.pk]),
        questions_form(
            quiz,
            (kept.pk, "true_false", kept.text, "", {"is_true": "True"}),
            (None, "single", "2 + 2 = ?", choices, {}),
        ),
    )
    assert response.status_code == 200
    assert reason in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert quiz.questions.count() == 1


def test_a_draft_quiz_refuses_a_single_choice_question_with_two_right_answers(client, alice, week):
    quiz = draft_quiz(week)
    client.force_login(alice)
    form = questions_form(quiz, (None, "single", "Q", "* 3\n* 4", {}))
    response = client.post(reverse("admin:courses_quiz_change", args=[quiz.pk]), form)
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert "mark only one, or make it multiple choice" in errors
    question = Question(quiz=quiz, kind="single", text="Q")
    with pytest.raises(ValidationError, match="mark only one"):
        services.save_question(question=question, choices=[("3", True), ("4", True)], by=alice)
    assert not quiz.questions.exists()
    services.save_question(question=question, choices=[("3", True), ("4", True)][:1], by=alice)  # incomplete: kept
    assert quiz.questions.count() == 1


def test_a_draft_quiz_takes_a_choice_question_without_choices_yet(client, alice, week):
    quiz = draft_quiz(week)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_quiz_change", args=[quiz.pk]), questions_form(quiz, (None, "single", "Later", "", {}))
    )
    assert response.status_code == 302
    assert services.publish_problems(quiz.lesson)  # and it says so before it is published


def test_the_quiz_page_refuses_deleting_a_published_quizs_last_question(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    only = w.true_false(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_quiz_change", args=[quiz.pk]),
        questions_form(quiz, (only.pk, "true_false", only.text, "", {"is_true": "True", "DELETE": "on"})),
    )
    assert response.status_code == 200
    assert "Unpublish the lesson before removing its last question." in response.text
    assert quiz.questions.count() == 1


def test_replacing_a_published_quizs_only_question_on_its_page_works(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    only = w.true_false(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_quiz_change", args=[quiz.pk]),
        questions_form(
            quiz,
            (only.pk, "true_false", only.text, "", {"is_true": "True", "DELETE": "on"}),
            (None, "short", "Capital of France?", "", {"accepted_answers": "Paris"}),
        ),
    )
    assert response.status_code == 302
    assert list(quiz.questions.values_list("text", flat=True)) == ["Capital of France?"]


def test_a_questions_own_page_refuses_deleting_a_published_quizs_last_question(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    only = w.true_false(quiz)
    client.force_login(alice)
    response = client.post(reverse("admin:courses_question_delete", args=[only.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:courses_question_change", args=[only.pk])
    page = client.get(response["Location"]).text
    assert "A published quiz needs at least one question." in page
    assert Question.objects.filter(pk=only.pk).exists()


def test_a_questions_own_page_saves_its_choices_and_leads_back_to_the_quiz(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    question = w.single(quiz, text="What is **2 + 2**?")
    client.force_login(alice)
    page = client.get(reverse("admin:courses_question_change", args=[question.pk])).text
    assert "* 4\n3\n5" in page  # its choices, the right one marked
    assert "What is 2 + 2?" in page and "**" not in page.split("<title>")[1].split("</title>")[0]
    assert reverse("admin:courses_quiz_change", args=[quiz.pk]) in page  # the breadcrumb
    data = {"quiz": quiz.pk, "kind": "single", "text": "2 + 2?", "points": 1, "position": 0, "choices": "* 4\n5"}
    response = client.post(reverse("admin:courses_question_change", args=[question.pk]), data)
    assert response["Location"] == reverse("admin:courses_quiz_change", args=[quiz.pk])
    assert list(question.choices.values_list("text", flat=True)) == ["4", "5"]


# --- What students see ---------------------------------------------------------------------------


def test_a_student_never_sees_an_unusable_quiz_or_assignment(client, alice, carol, carol_in_cs101, week):
    """Every door above refused; what a student opens is still a 404 and not on the course page."""
    quiz = draft_quiz(week, ("single", {}, []))
    essay = unusable_assignment(week)
    client.force_login(alice)
    for lesson in (quiz.lesson, essay):
        client.post(reverse("admin:courses_lesson_change", args=[lesson.pk]), lesson_form(lesson))
        client.post(
            reverse("admin:courses_module_change", args=[week.pk]),
            module_rows(week, (lesson.pk, lesson.title, lesson.kind, True)),
        )
        lesson.is_published = True
        with pytest.raises(ValidationError):
            services.save_content(obj=lesson, by=alice)
    client.force_login(carol)
    for lesson in (quiz.lesson, essay):
        assert client.get(reverse("courses:lesson", args=["CS101", lesson.pk])).status_code == 404
    assert "Draft" not in client.get(reverse("courses:outline", args=["CS101"])).text
    listed = client_for(carol).get("/api/v1/courses/CS101/lessons").json()
    assert not {item["title"] for item in listed} & {quiz.lesson.title, essay.title}


def test_deleting_every_question_of_a_published_quiz_from_the_list_keeps_the_last(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    first, second = w.single(quiz), w.true_false(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
        follow=True,
    )
    assert quiz.questions.count() == 1
    assert "was kept: A published quiz needs at least one question." in response.text
    assert "Deleted 1 question." in response.text
    assert "Successfully deleted" not in response.text  # Django counted the whole selection
    # the history logs the deletion that happened, not the one refused
    deletions = LogEntry.objects.filter(action_flag=DELETION, content_type__model="question")
    assert list(deletions.values_list("object_id", flat=True)) == [str(first.pk)]


def test_a_refused_delete_from_the_list_says_so_alone(client, alice, cs101):
    quiz = w.quiz_lesson(w.module(cs101))
    only = w.single(quiz)
    client.force_login(alice)
    response = client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "delete_selected", "_selected_action": [only.pk], "post": "yes"},
        follow=True,
    )
    assert quiz.questions.count() == 1
    assert "was kept" in response.text
    assert "Deleted" not in response.text and "Successfully" not in response.text
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
