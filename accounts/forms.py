from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User
from .privacy import forms as privacy_forms
from .privacy import selectors as privacy_selectors


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

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


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class ConfirmDeviceForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=8,
        help_text="Enter the 6-digit code your authenticator app shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class PasswordCheckForm(forms.Form):
    """Asks for the account's password again before a change to its second factors."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
