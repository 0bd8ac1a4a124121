"""Forms of the learning pages (taking a quiz, submitting an assignment) and of authoring in the
admin (a lesson, a question with its choices): each authoring form shows the rules in its help texts
and asks the publishing rule (services/publishing.py) about what it is about to save, so an
instructor reads why a lesson cannot be published on the form, before anything is saved."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from ..markup import MARKDOWN_HELP
from ..models import Lesson, Question
from ..models.catalog import upload_help
from ..models.learning import VIDEO_EXTENSIONS
from ..services import publishing


class QuizForm(forms.Form):
    """One field per question, named q<id>. Every question is optional: an unanswered one scores 0,
    so a submission with unanswered questions is only taken once the student confirms it (`confirm`,
    posted by the "Submit anyway" button)."""

    TRUE_FALSE = [("true", "True"), ("false", "False")]

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            label = f"Question {number}"
            kinds = question.Kind
            if question.kind == kinds.SHORT:
                field = forms.CharField(label=f"{label}: your answer", required=False, max_length=500)
            elif question.kind == kinds.TRUE_FALSE:
                field = forms.ChoiceField(
                    label=label, required=False, choices=self.TRUE_FALSE, widget=forms.RadioSelect
                )
            else:
                choices = [(choice.pk, choice.text) for choice in question.choices.all()]
                if question.kind == kinds.MULTIPLE:
                    field = forms.MultipleChoiceField(
                        label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple
                    )
                else:
                    field = forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)
            self.fields[f"q{question.pk}"] = field
            question.form_field = self[f"q{question.pk}"]

    def responses(self) -> dict[int, object]:
        """{question id: [choice ids] | "true"/"false" | text}, as the grader expects."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == question.Kind.SINGLE:
                value = [int(value)] if value else []
            elif question.kind == question.Kind.MULTIPLE:
                value = sorted(int(item) for item in value or [])
            result[question.pk] = value or None
        return result

    def unanswered(self) -> list[int]:
        """The numbers (from 1, as the page shows them) of the questions left without an answer."""
        return [number for number, (_, value) in enumerate(self.responses().items(), start=1) if value is None]

    def needs_confirmation(self) -> bool:
        """Valid, with questions unanswered, and the student has not yet said to submit anyway."""
        return not self.cleaned_data.get("confirm") and bool(self.unanswered())

    def unanswered_message(self) -> str:
        """'Question 2 has no answer.' or 'Questions 2, 3 and 5 have no answer.', then the question."""
        numbers = [str(number) for number in self.unanswered()]
        if len(numbers) == 1:
            return f"Question {numbers[0]} has no answer. Submit anyway?"
        listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        return f"Questions {listed} have no answer. Submit anyway?"


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label="Your answer", required=False, widget=forms.Textarea, max_length=20000, help_text=MARKDOWN_HELP
    )
    file = forms.FileField(label="File", required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        if not assignment.accepts_text:
            del self.fields["text"]
        if not assignment.accepts_file:
            del self.fields["file"]


POSITION_HELP = "Empty: after the last one."


class PlacedLast(forms.ModelForm):
    """A new row's position starts empty (not the model's 0): saved, it goes after the last one."""

    position = forms.IntegerField(required=False, min_value=0, help_text=POSITION_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "position" not in (kwargs.get("initial") or {}):
            self.initial["position"] = None


def label_file_input(field: forms.Field) -> None:
    """Django's file input sits in a fieldset whose legend names it, which a screen reader does not
    read as the input's label: name the input itself."""
    field.widget.attrs.setdefault("aria-label", capfirst(field.label))


class LessonAdminForm(PlacedLast):
    """A lesson in the admin, on its page, in its module's rows or in the list: publishing it is
    refused on the form, naming what is missing (the "Published" box carries the reasons)."""

    #: Said after the reasons, where the form cannot show the missing fields (the module's rows).
    publish_hint = ""

    class Meta:
        model = Lesson
        fields = [
            "module",
            "title",
            "kind",
            "position",
            "body",
            "video",
            "embed_url",
            "file",
            "is_published",
            "release_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helps = {
            "video": upload_help(f"A video file: {', '.join(VIDEO_EXTENSIONS)}."),
            "file": upload_help("Students download it; any type."),
            "kind": "What the lesson is: its page shows the fields of its kind.",
            "is_published": "Students see a published lesson from its release time. A draft may be incomplete; "
            "a published lesson must be usable (a text lesson its text, a video lesson its video, a quiz its "
            "questions, each answerable).",
        }
        for name, help_text in helps.items():
            if name in self.fields:
                self.fields[name].help_text = help_text
        for name in ("video", "file"):
            if name in self.fields:
                label_file_input(self.fields[name])

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what is about to be saved
        if self.instance.is_published and "is_published" in self.fields and not self.errors:
            for problem in publishing.publish_problems(self.instance):
                self.add_error("is_published", f"{problem} {self.publish_hint}".strip())


class LabelsItsFields:
    """Rows of a table (a tabular inline, a list's editable columns) whose fields have no <label>:
    each is named by its column, so a screen reader says what it is."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            field.widget.attrs.setdefault("aria-label", "Delete" if name == "DELETE" else capfirst(field.label))


class LabelledRows(LabelsItsFields, forms.BaseInlineFormSet):
    pass


class LabelledList(LabelsItsFields, forms.BaseModelFormSet):
    pass


class ModuleLessonForm(LessonAdminForm):
    publish_hint = "Save it as a draft, complete it on its own page, then publish it."


TRUE_OR_FALSE = [("True", "True"), ("False", "False")]


class QuestionForm(PlacedLast):
    """A question with its choices in one form, so the choices sit under their question on the
    quiz's page and are saved with it (services.save_question)."""

    is_true = forms.NullBooleanField(
        label="The statement is", required=False, widget=forms.RadioSelect(choices=TRUE_OR_FALSE)
    )
    choices = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One choice per line, in order; start each right answer with “* ” (exactly one for single "
        "choice, one or more for multiple choice, at least two choices). Plain text, at most 500 characters.",
    )

    class Meta:
        model = Question
        fields = ["position", "kind", "text", "points", "is_true", "choices", "accepted_answers", "explanation"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "accepted_answers": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"is_true": "True-or-false questions: the right answer."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices"] = "\n".join(
                ("* " if choice.is_correct else "") + choice.text for choice in self.instance.choices.all()
            )
        if "quiz" in self.fields:
            self.fields["quiz"].help_text = "The quiz this question belongs to."

    def clean_choices(self) -> list[tuple[str, bool]]:
        """[(text, correct)] from the lines."""
        parsed = []
        for line in self.cleaned_data["choices"].splitlines():
            line = line.strip()
            correct = line.startswith("*")
            text = line.lstrip("*").strip() if correct else line
            if not text:
                continue
            if len(text) > 500:
                raise ValidationError("A choice has at most 500 characters.")
            parsed.append((text, correct))
        return parsed

    def _post_clean(self):
        super()._post_clean()
        question = self.instance
        quiz = question.quiz if question.quiz_id else None
        correct = [right for _, right in self.cleaned_data.get("choices", [])]
        if not self.errors:
            try:
                question.check_marks(correct)
            except ValidationError as error:
                self.add_error("choices", error)
        if quiz is None or self.errors or not quiz.lesson.is_published:
            return  # a draft's question may be incomplete
        for problem in publishing.question_problems(question, correct):
            self.add_error("choices" if question.has_choices else None, f"{problem} The quiz is published.")


class QuestionFormSet(forms.BaseInlineFormSet):
    """A quiz's questions: a published quiz keeps at least one."""

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]

    def clean(self):
        super().clean()
        if self.instance.lesson.is_published and not self.kept_forms():
            raise ValidationError(
                [
                    *publishing.quiz_problems(self.instance, []),
                    "Unpublish the lesson before removing its last question.",
                ]
            )
