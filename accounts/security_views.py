"""The account's security pages: changing the email address and the list of sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import email_change, sessions


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


@login_required
def session_list(request):
    rows = sessions.sessions_of(request.user)
    current = request.session.session_key
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "current": current, "others": [row for row in rows if row.session_key != current]},
    )


@require_POST
@login_required
def end_session(request, session_id: int):
    if sessions.UserSession.objects.filter(pk=session_id, session_key=request.session.session_key).exists():
        messages.info(request, "To end this session, use Log out.")
    elif sessions.end_session(user=request.user, session_id=session_id):
        messages.success(request, "That session was logged out.")
    return redirect("accounts:sessions")


@require_POST
@login_required
def end_other_sessions(request):
    count = sessions.end_other_sessions(user=request.user, keep=request.session.session_key)
    messages.success(request, f"Logged out {count} other session{'' if count == 1 else 's'}.")
    return redirect("accounts:sessions")
