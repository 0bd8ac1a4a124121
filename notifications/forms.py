from django import forms

from .models import Event

NEWS_KINDS = [(value, label) for value, label in Event.Kind.choices if value not in Event.QUIET_KINDS]


class FeedFilterForm(forms.Form):
    """/notifications/'s filters: one course (of those the user follows) and one kind of news."""

    course = forms.ChoiceField(required=False, label="Course")
    kind = forms.ChoiceField(required=False, label="Kind", choices=[("", "All kinds"), *NEWS_KINDS])

    def __init__(self, *args, course_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "All courses"), *((code, code) for code in sorted(course_codes))]
