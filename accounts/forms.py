from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    role = forms.ChoiceField(
        label="I am joining as",
        choices=[(User.Role.STUDENT, "A student"), (User.Role.INSTRUCTOR, "An instructor")],
        initial=User.Role.STUDENT,
        required=False,  # left out, it means student
        widget=forms.RadioSelect,
        help_text="Instructors create and run courses through the admin.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def clean_role(self) -> str:
        return self.cleaned_data["role"] or User.Role.STUDENT

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        # One account per address, so a password reset reaches exactly one person.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


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
