"""Changing the email address: asked with the password, confirmed from the new mailbox.

`request_email_change` checks nothing itself (EmailChangeForm has checked the password and the
address); it mails a signed, expiring link to the new address and tells the old one. Nothing about
the account changes until `confirm_email_change` is called with that link's token, by the same
user, while the account still has the address the link was made for (so a link works once). The
old address is told of the change too, so a stolen session cannot quietly take the account over
through a password reset to an address the owner never sees.

The token is `django.core.signing` over (user id, old address, new address) with its own salt and
EMAIL_CHANGE_MAX_AGE seconds to live; it carries no secret, only the key-signed claim.
"""

from django import forms
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from .models import User

SALT = "accounts.email_change"


def max_age() -> int:
    return settings.EMAIL_CHANGE_MAX_AGE


class InvalidLink(Exception):
    """The link cannot be used; str() is the message to show."""


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To make sure it is you.",
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("This is already your email address.")
        if address_taken(email, user=self.user):
            raise forms.ValidationError("Another account uses this email address.")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password was entered incorrectly. Please enter it again.")
        return password


def address_taken(email: str, *, user: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def make_token(*, user: User, new_email: str) -> str:
    return signing.dumps({"user": user.pk, "old": user.email, "new": new_email}, salt=SALT, compress=True)


def read_token(token: str, *, user: User) -> str:
    """The new address the token confirms for `user`, or InvalidLink saying why not."""
    try:
        claim = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise InvalidLink("This confirmation link has expired. Ask for a new one below.") from None
    except signing.BadSignature:
        raise InvalidLink("This confirmation link is not valid. Check that you copied all of it.") from None
    if claim.get("user") != user.pk:
        raise InvalidLink("This confirmation link is for another account. Log in as its owner to use it.")
    if claim.get("old") != user.email:
        raise InvalidLink("This confirmation link has already been used, or your address has changed since.")
    return claim["new"]


def _mail(template: str, *, to: str, context: dict) -> None:
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, None, [to])


def request_email_change(*, user: User, new_email: str, confirm_url) -> None:
    """Mail the confirmation link to `new_email` and tell the current address. `confirm_url` turns
    a token into the absolute URL of the confirmation page."""
    token = make_token(user=user, new_email=new_email)
    context = {"user": user, "new_email": new_email, "old_email": user.email, "hours": max_age() // 3600}
    _mail("email_change_confirm", to=new_email, context={**context, "url": confirm_url(token)})
    if user.email:
        _mail("email_change_requested", to=user.email, context=context)


def confirm_email_change(*, user: User, token: str) -> str:
    """Apply the change the token stands for; returns the new address. InvalidLink if it cannot.
    The old address is told once the change is saved."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        new_email = read_token(token, user=user)
        if address_taken(new_email, user=user):
            raise InvalidLink("Another account started using this address meanwhile; choose another one.")
        old_email = user.email
        user.email = new_email
        user.save(update_fields=["email"])
    if old_email:
        _mail("email_changed", to=old_email, context={"user": user, "new_email": new_email, "old_email": old_email})
    return new_email
