"""Forms of the discussion pages."""

from django import forms

from ..markup import MARKDOWN_HELP


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(label="Message", widget=forms.Textarea, max_length=10000, help_text=MARKDOWN_HELP)
    lesson = forms.ModelChoiceField(queryset=None, required=False, label="About the lesson")

    def __init__(self, *args, lessons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = lessons


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea, max_length=10000, help_text=MARKDOWN_HELP)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostEditForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea, max_length=10000, help_text=MARKDOWN_HELP)
