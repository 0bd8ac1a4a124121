from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from .models import OptionalPurpose, PolicyDocument


def policy_links(documents: list[PolicyDocument]):
    """ "the privacy policy and the terms of use", each a link to its page."""
    names = {PolicyDocument.Kind.PRIVACY: "privacy:policy", PolicyDocument.Kind.TERMS: "privacy:terms"}
    links = [
        format_html('<a href="{}">{}</a>', reverse(names[d.kind]), d.get_kind_display().lower()) for d in documents
    ]
    return format_html(" and ".join(["{}"] * len(links)), *links)


def acceptance_field(documents: list[PolicyDocument]) -> forms.BooleanField:
    """A required box: "I accept the privacy policy and the terms of use", with links to both."""
    return forms.BooleanField(
        label="I accept these policies",
        required=True,
        help_text=format_html("Read the {} (the versions in force now).", policy_links(documents)),
        error_messages={"required": "Tick the box to accept the policies."},
    )


class PolicyAcceptanceForm(forms.Form):
    def __init__(self, *args, documents: list[PolicyDocument], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept"] = acceptance_field(documents)


class ErasureForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )
    confirm = forms.BooleanField(
        label="Erase my account and my data",
        required=True,
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["confirm"].help_text = (
            f"After {settings.PRIVACY_ERASURE_GRACE_DAYS} days this cannot be undone. Until then you can log in "
            "and cancel."
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class OptionalConsentForm(forms.Form):
    """One box per optional purpose; unticked means not given."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in OptionalPurpose:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label, required=False, initial=current.get(purpose.value, False)
            )
