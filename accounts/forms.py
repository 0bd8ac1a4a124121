from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User
from .privacy import forms as privacy_forms
from .privacy import selectors as privacy_selectors


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The policies in force, when any are published, must be accepted (accounts/privacy).
        self.policies = privacy_selectors.current_policies()
        if self.policies:
            self.fields["accept_policies"] = privacy_forms.acceptance_field(self.policies)

    def clean_role(self) -> str:
        return self.cleaned_data["role"] or User.Role.STUDENT

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        # One account per address, so a password reset reaches exactly one person.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email


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
