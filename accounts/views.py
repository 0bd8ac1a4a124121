from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import services
from .forms import InstructorRequestForm, ProfileForm, SignupForm
from .models import InstructorRequest


def signup(request):
    if request.user.is_authenticated:
        return redirect("courses:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.register(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        welcome = f"Welcome, {user.display_name()}! Your account is ready."
        messages.success(request, welcome)
        return redirect("courses:dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


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
