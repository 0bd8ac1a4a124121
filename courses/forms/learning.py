"""Forms of the learning pages: taking a quiz, submitting an assignment."""

from django import forms

from ..markup import MARKDOWN_HELP


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
