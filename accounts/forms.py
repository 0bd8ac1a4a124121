from collections import defaultdict

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User, time_zone_names
from .privacy import forms as privacy_forms
from .privacy import selectors as privacy_selectors


def time_zone_choices() -> list:
    """Every zone we know, grouped by region ("Europe" > "Paris") and sorted, after UTC; the names
    without a region (the old aliases such as "EST5EDT") last, under "Other"."""
    groups = defaultdict(list)
    for name in sorted(time_zone_names() - {"UTC"}):
        region, _, place = name.partition("/")
        if place and region not in {"Etc", "SystemV", "US", "Brazil", "Canada", "Chile", "Mexico"}:
            groups[region].append((name, place.replace("_", " ").replace("/", ", ")))
        else:
            groups["Other"].append((name, name.replace("_", " ")))
    return [("UTC", "UTC")] + [
        (region, groups[region]) for region in sorted(groups, key=lambda region: (region == "Other", region))
    ]


class SignupForm(UserCreationForm):
    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    # Filled by static/js/when.js with the browser's zone. Never an error (the person cannot see
    # or fix it): sign_up keeps only a zone we know, else the site's.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}))

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

    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Every date and time on the site is shown in this zone.",
    )

    class Meta:
        model = User
        fields = ("first_name", "last_name", "bio", "time_zone")
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
