from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def clean_email(self) -> str:
        # One account per address, so a password reset reaches exactly one person; but a taken
        # address is not an error here, it would tell anyone who has an account: sign_up mails
        # the owner instead.
        return User.objects.normalize_email(self.cleaned_data["email"])


class ProfileForm(forms.ModelForm):
    """The email address is not here: it changes through accounts/email_change.py, which asks for
    the password and confirms from the new mailbox."""

    class Meta:
        model = User
        fields = ("first_name", "last_name", "bio")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"bio": "A few words about yourself (up to 2000 characters)."}


class InstructorRequestForm(forms.Form):
    reason = forms.CharField(
        label="What would you like to teach?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines for the site administrators: the subject, your experience (up to 2000 characters).",
    )
