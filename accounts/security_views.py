"""The account's security pages: changing the email address and the list of sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from . import email_change


@login_required
def change_email(request):
    form = email_change.EmailChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        email_change.request_email_change(
            user=request.user,
            new_email=form.cleaned_data["email"],
            confirm_url=lambda token: request.build_absolute_uri(reverse("accounts:email_confirm", args=[token])),
        )
        messages.success(
            request,
            f"We sent a confirmation link to {form.cleaned_data['email']}. "
            "Your address changes when you open it and confirm.",
        )
        return redirect("accounts:profile")
    return render(request, "accounts/email_change.html", {"form": form})


@login_required
def confirm_email(request, token: str):
    """GET shows what the link would do; only the POST from that page changes the address, so a
    mail scanner that opens links changes nothing."""
    try:
        new_email = email_change.read_token(token, user=request.user)
        if request.method == "POST":
            email_change.confirm_email_change(user=request.user, token=token)
            messages.success(request, f"Your email address is now {new_email}.")
            return redirect("accounts:profile")
    except email_change.InvalidLink as problem:
        return render(request, "accounts/email_confirm.html", {"problem": str(problem)}, status=400)
    return render(request, "accounts/email_confirm.html", {"new_email": new_email, "token": token})
