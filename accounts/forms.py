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
    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "bio")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"bio": "A few words about yourself (up to 2000 characters)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another account uses this email address.")
        return email


class InstructorRequestForm(forms.Form):
    reason = forms.CharField(
        label="What would you like to teach?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines for the site administrators: the subject, your experience (up to 2000 characters).",
    )
