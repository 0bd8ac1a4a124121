from django import forms

from courses.permissions import member_courses

from . import preferences
from .models import EmailMode

LOCKED_HELP = "Set by your institution: it cannot be turned off."
WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class PreferencesForm(forms.Form):
    """Per kind: email mode and push; muted courses; quiet hours; when digests arrive."""

    quiet_from = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="No mail or push from… (your time zone)",
    )
    quiet_until = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="…until. Urgent announcements still come.",
    )
    digest_hour = forms.TypedChoiceField(
        coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], help_text="When daily and weekly digests arrive."
    )
    digest_weekday = forms.TypedChoiceField(coerce=int, choices=WEEKDAYS, help_text="The day of the weekly digest.")
    muted_courses = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="No mail or push from these courses (you still see them here). Urgent announcements still come.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_courses"].queryset = member_courses(user).order_by("code")
        self.choices = preferences.choices_for([user.pk])[user.pk]
        self.kinds = []
        for kind, choice in self.choices.items():
            label = preferences.LABELS[kind]
            email = forms.ChoiceField(
                choices=EmailMode.choices, initial=choice.email, label=f"Email: {label}", disabled=choice.email_locked
            )
            push = forms.BooleanField(
                required=False, initial=choice.push, label=f"Push: {label}", disabled=choice.push_locked
            )
            if choice.email_locked or choice.push_locked:
                email.help_text = LOCKED_HELP
            self.fields[f"email_{kind}"] = email
            self.fields[f"push_{kind}"] = push
            self.kinds.append((kind, label, self[f"email_{kind}"], self[f"push_{kind}"]))

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_from")) != bool(data.get("quiet_until")):
            raise forms.ValidationError("Give both ends of your quiet hours, or neither.")
        return data

    def kind_choices(self) -> dict[str, tuple[str, bool]]:
        return {kind: (self.cleaned_data[f"email_{kind}"], self.cleaned_data[f"push_{kind}"]) for kind in self.choices}
