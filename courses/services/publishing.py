"""What students cannot use is never published: the one rule for every door that can publish a
lesson or change a published one (the admin's lesson page, the module's lesson rows, the lesson
list, the quiz's questions, the course workspace, commands and the shell, all through
`save_content`, `save_question` and `delete_content` in services/learning.py; the REST API writes
no content).

Drafts may be incomplete. A published lesson must be usable:
- a text lesson has its text, a video lesson a video (file or link), a file lesson its file;
- a quiz has at least one question, and each question can be answered and graded: a choice
  question has at least two choices and its right answer(s), a true-or-false question its answer,
  a short-answer question an accepted answer;
- an assignment accepts a text, a file or both.

`publish_problems(lesson)` lists what blocks publishing, as sentences an instructor can act on
(the workspace shows them beside a draft); `check_publishable(lesson)` raises them. The admin's
forms ask the same functions about what they are about to save (`lesson_problems`,
`question_problems`, `quiz_problems` with the proposed questions), so the instructor sees the
reason on the form instead of an error page. Reads only."""

from django.core.exceptions import ValidationError

from ..markup import markdown_to_text
from ..models import Assignment, Choice, Lesson, Question, Quiz

QUIZ_NEEDS_A_QUESTION = "A published quiz needs at least one question."
ASSIGNMENT_NEEDS_A_WAY = "A published assignment accepts a text, a file or both."


def lesson_problems(lesson: Lesson) -> list[str]:
    """The lesson's own fields: the content its kind shows."""
    missing = {
        Lesson.Kind.TEXT: not lesson.body.strip() and "A published text lesson needs its text.",
        Lesson.Kind.VIDEO: not (lesson.video or lesson.embed_url) and "A published video lesson needs its video.",
        Lesson.Kind.FILE: not lesson.file and "A published file lesson needs its file.",
    }.get(lesson.kind)
    return [missing] if missing else []


def question_problems(question: Question, correct: list[bool]) -> list[str]:
    """One question, given whether each of its choices is correct."""
    if question.has_choices:
        try:
            question.check_choices(correct)
        except ValidationError as error:
            return error.messages
        return []
    if question.kind == Question.Kind.TRUE_FALSE and question.is_true is None:
        return ["A true-or-false question needs its answer."]
    if question.kind == Question.Kind.SHORT and not question.accepted_list():
        return ["A short-answer question needs at least one accepted answer."]
    return []


def quiz_problems(quiz: Quiz, questions: list[tuple[Question, list[bool]]] | None = None) -> list[str]:
    """The quiz's questions: those in the database, or `questions` (each with whether each of its
    choices is correct) when a form is about to save them."""
    if questions is None:
        # .all(): what was prefetched with the quiz (publish_problems always does).
        questions = [
            (question, [choice.is_correct for choice in question.choices.all()]) for question in quiz.questions.all()
        ]
    if not questions:
        return [QUIZ_NEEDS_A_QUESTION]
    problems = []
    for number, (question, correct) in enumerate(questions, start=1):
        for problem in question_problems(question, correct):
            problems.append(f"Question {number} ({question_label(question)}): {problem}")
    return problems


def assignment_problems(assignment: Assignment) -> list[str]:
    return [] if assignment.accepts_text or assignment.accepts_file else [ASSIGNMENT_NEEDS_A_WAY]


def publish_problems(lesson: Lesson, *, loaded: bool = False) -> list[str]:
    """Everything that keeps this lesson from being published (empty: it may be). The lesson's own
    fields as they are on the object, its quiz or assignment as saved. `loaded`: the caller read the
    lesson with its quiz or assignment and the quiz's questions and choices (the workspace's tree),
    so nothing is read again."""
    problems = lesson_problems(lesson)
    if lesson.pk is None:
        # A new quiz has no questions yet; a new assignment gets the defaults (text and file).
        return problems + ([QUIZ_NEEDS_A_QUESTION] if lesson.kind == Lesson.Kind.QUIZ else [])
    if lesson.kind == Lesson.Kind.QUIZ:
        quiz = _settings_of(lesson, "quiz", loaded)
        problems += quiz_problems(quiz) if quiz is not None else [QUIZ_NEEDS_A_QUESTION]
    elif lesson.kind == Lesson.Kind.ASSIGNMENT:
        assignment = _settings_of(lesson, "assignment", loaded)
        problems += assignment_problems(assignment) if assignment is not None else []
    return problems


def _settings_of(lesson: Lesson, name: str, loaded: bool):
    """The lesson's quiz or assignment row as saved: the one the caller loaded, or read now."""
    if not loaded:
        if name == "quiz":
            return Quiz.objects.filter(lesson=lesson).prefetch_related("questions__choices").first()
        return Assignment.objects.filter(lesson=lesson).first()
    try:
        return getattr(lesson, name)
    except (Quiz.DoesNotExist, Assignment.DoesNotExist):
        return None


def check_publishable(lesson: Lesson) -> None:
    """Raise ValidationError naming every problem if a published `lesson` is not usable."""
    if lesson.is_published:
        problems = publish_problems(lesson)
        if problems:
            raise ValidationError(problems)


def lesson_of(obj) -> Lesson | None:
    """The lesson a piece of content belongs to (None for a module)."""
    if isinstance(obj, Lesson):
        return obj
    if isinstance(obj, Quiz | Assignment):
        return obj.lesson
    if isinstance(obj, Question):
        return obj.quiz.lesson
    if isinstance(obj, Choice):
        return obj.question.quiz.lesson
    return None


def question_label(question: Question) -> str:
    """A question as plain words (its text is Markdown), short enough for a title or a message."""
    words = markdown_to_text(question.text)
    return f"“{words[:57]}…”" if len(words) > 60 else f"“{words}”"
