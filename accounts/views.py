import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from . import services
from .authentication import expires_at
from .forms import InstructorRequestForm, ProfileForm, SignupForm
from .models import InstructorRequest
from .throttling import SignupThrottle


def signup(request):
    if request.user.is_authenticated:
        return redirect("courses:dashboard")
    if request.method == "POST":
        throttle = SignupThrottle()
        if not throttle.allow_request(request, None):
            minutes = max(1, math.ceil((throttle.wait() or 60) / 60))
            return render(request, "registration/signup_throttled.html", {"minutes": minutes}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.sign_up(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            absolute_url=request.build_absolute_uri,
        )
        return redirect("accounts:signup_done")
    return render(request, "registration/signup.html", {"form": form})


def signup_done(request):
    return render(request, "registration/signup_done.html")


def activate(request, uidb64: str, token: str):
    user = services.activate(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "registration/activation_invalid.html", status=400)
    messages.success(request, f"Welcome, {user.display_name()}! Your account is ready: log in.")
    return redirect("accounts:login")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    tokens = [
        {"created": token.created, "expires": expires_at(token)} for token in Token.objects.filter(user=request.user)
    ]
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens})


@login_required
@require_POST
def revoke_tokens(request):
    services.revoke_tokens(user=request.user)
    messages.success(request, "Your API tokens were revoked: programs using them must log in again.")
    return redirect("accounts:profile")


@login_required
def instructor_access(request):
    """A student asks to teach; a site admin decides in the admin."""
    user = request.user
    latest = user.instructor_requests.first()
    may_ask = not (user.is_instructor or user.is_site_admin)
    form = InstructorRequestForm(request.POST or None)
    if request.method == "POST" and may_ask and form.is_valid():
        services.request_instructor_access(user=user, reason=form.cleaned_data["reason"])
        messages.success(request, "Thank you: a site administrator will review your request.")
        return redirect("accounts:instructor_access")
    pending = latest is not None and latest.status == InstructorRequest.Status.PENDING
    context = {"form": form, "latest": latest, "may_ask": may_ask, "pending": pending}
    return render(request, "accounts/instructor_access.html", context)
