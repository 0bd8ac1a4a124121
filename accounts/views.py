import math
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import passkeys, services
from .authentication import expires_at
from .forms import (
    ConfirmDeviceForm,
    InstructorRequestForm,
    PasswordCheckForm,
    ProfileForm,
    SecondFactorForm,
    SignupForm,
)
from .models import InstructorRequest, Passkey, User
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
            accepted_policies=form.policies,
            time_zone=data["time_zone"],
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
        services.update_profile(
            user=request.user, **{name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
        )
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:profile")
    tokens = [
        {"created": token.created, "expires": expires_at(token)} for token in Token.objects.filter(user=request.user)
    ]
    return render(request, "accounts/profile.html", {"form": form, "tokens": tokens})


# Second factors (docs/architecture.md, "Multi-factor authentication").
#
# Log-in is two steps for a user with a second factor: the password step does not log in, it
# remembers the user in the session for MFA_PENDING_SECONDS (PENDING) and sends them to
# login_verify, which logs in only once a TOTP code, a recovery code or a passkey is proven. So no
# session of such a user is ever logged in without being verified. The admin's log-in page is the
# same two steps (admin_login); accounts/middleware.py keeps staff without a factor out of the
# admin and sends them to set one up.

PENDING = "mfa_pending"


def _safe_url(request, url: str | None, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(default)


def _next(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    return _safe_url(request, request.POST.get("next") or request.GET.get("next"), default)


def _with_next(view: str, next_url: str) -> str:
    return f"{reverse(view)}?{urlencode({'next': next_url})}"


class SecondFactorLoginMixin:
    """The password step of a LoginView: a user with a second factor is not logged in yet."""

    def form_valid(self, form):
        user = form.get_user()
        if not services.has_second_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "until": time.time() + settings.MFA_PENDING_SECONDS,
        }
        return redirect(_with_next("accounts:login_verify", self.get_success_url()))


class LoginView(SecondFactorLoginMixin, auth_views.LoginView):
    redirect_authenticated_user = True


class AdminLoginView(SecondFactorLoginMixin, auth_views.LoginView):
    authentication_form = AdminAuthenticationForm
    template_name = "admin/login.html"


def admin_login(request):
    """/admin/login/: the admin's own log-in page, as AdminSite.login shows it, with the second step."""
    next_url = _next(request, "admin:index")
    if request.method == "GET" and admin.site.has_permission(request):
        return redirect(next_url)
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
        REDIRECT_FIELD_NAME: next_url,
    }
    request.current_app = admin.site.name
    return AdminLoginView.as_view(extra_context=context)(request)


def _second_step_user(request) -> User | None:
    """Whose second factor is awaited: the log-in waiting after its password, or a logged-in
    session not verified yet (it began before the user added a factor)."""
    pending = request.session.get(PENDING)
    if pending and pending["until"] > time.time():
        return User.objects.filter(pk=pending["user"], is_active=True).first()
    user = request.user
    if user.is_authenticated and not user.is_verified() and services.has_second_factor(user):
        return user
    return None


def _complete_login(request, user: User, device) -> None:
    pending = request.session.pop(PENDING, None)
    if request.user.is_authenticated and request.user.pk == user.pk:
        request.session.cycle_key()  # a more trusted session gets a new key
        django_otp.login(request, device)
    else:
        user.otp_device = device  # django-otp's user_logged_in receiver marks the session verified
        login(request, user, backend=pending["backend"])


def login_verify(request):
    next_url = _next(request)
    user = _second_step_user(request)
    if user is None:
        messages.info(request, "Please log in again.")
        return redirect(_with_next("accounts:login", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            _complete_login(request, user, device)
            if isinstance(device, StaticDevice):
                left = services.recovery_codes_left(user)
                messages.warning(
                    request, f"You used a recovery code: {left} left. You can make new ones on your profile."
                )
            return redirect(next_url)
        form.add_error("code", "That code is not valid. Check your app and try again, or use a recovery code.")
    context = {"form": form, "next": next_url, "has_passkeys": Passkey.objects.filter(user=user).exists()}
    return render(request, "registration/login_verify.html", context)


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def login_passkey_options(request):
    user = _second_step_user(request)
    if user is None:
        return _json_error("Your log-in has expired. Please log in again.")
    return HttpResponse(passkeys.authentication_options(request, user), content_type="application/json")


@require_POST
def login_passkey(request):
    user = _second_step_user(request)
    if user is None:
        return _json_error("Your log-in has expired. Please log in again.")
    try:
        data = passkeys.read_credential(request.body)
        device = passkeys.verify_authentication(request, user, data["credential"])
    except passkeys.PasskeyError as error:
        return _json_error(str(error))
    _complete_login(request, user, device)
    return JsonResponse({"redirect": _safe_url(request, data.get("next"), settings.LOGIN_REDIRECT_URL)})


@login_required
def security(request):
    user = request.user
    context = {
        "totp": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        "passkeys": Passkey.objects.filter(user=user).order_by("created_at", "pk"),
        "has_factor": services.has_second_factor(user),
        "codes_left": services.recovery_codes_left(user),
        "next": _next(request, "accounts:security"),
    }
    return render(request, "accounts/security.html", context)


@login_required
def totp_setup(request):
    next_url = _next(request, "accounts:security")
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.info(request, "Your authenticator app is already set up. Remove it first to set up another.")
        return redirect("accounts:security")
    device = services.start_totp(request.user)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp(device, form.cleaned_data["code"])
        if codes is not None:
            django_otp.login(request, device)
            messages.success(request, "Two-factor authentication is on: log-ins now ask for a code from your app.")
            if codes:
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
            return redirect(next_url)
        form.add_error("code", "That code is not right. Check the time on your phone and enter the newest code.")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
    }
    return render(request, "accounts/totp_setup.html", context)


def _confirm_with_password(request, *, title: str, explanation: str, button: str):
    """The password form of a change to the second factors; the form when it is valid, else None."""
    form = PasswordCheckForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        return form, None
    context = {"form": form, "title": title, "explanation": explanation, "button": button}
    return None, render(request, "accounts/confirm_password.html", context)


@login_required
def totp_remove(request):
    device = get_object_or_404(TOTPDevice, user=request.user, confirmed=True)
    form, page = _confirm_with_password(
        request,
        title="Remove your authenticator app",
        explanation="Log-ins will no longer ask for a code from this app.",
        button="Remove the app",
    )
    if form is None:
        return page
    services.remove_second_factor(device)
    messages.success(request, "Your authenticator app was removed.")
    return redirect("accounts:security")


@login_required
def recovery_codes(request):
    if not services.has_second_factor(request.user):
        messages.info(request, "Set up an authenticator app or a passkey first.")
        return redirect("accounts:security")
    form, page = _confirm_with_password(
        request,
        title="New recovery codes",
        explanation="Your old recovery codes stop working and you get ten new ones.",
        button="Make new codes",
    )
    if form is None:
        return page
    codes = services.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:security")})


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


@login_required
@require_POST
def passkey_options(request):
    return HttpResponse(passkeys.registration_options(request, request.user), content_type="application/json")


@login_required
@require_POST
def passkey_add(request):
    try:
        data = passkeys.read_credential(request.body)
        fields = passkeys.verify_registration(request, request.user, data["credential"])
    except passkeys.PasskeyError as error:
        return _json_error(str(error))
    name = str(data.get("name") or "").strip()[:64]
    passkey = services.add_passkey(user=request.user, name=name, **fields)
    if not request.user.is_verified():
        django_otp.login(request, passkey)
    messages.success(request, f"Passkey “{passkey.name}” added.")
    return JsonResponse({"redirect": _safe_url(request, data.get("next"), "accounts:security")})


@login_required
def passkey_remove(request, pk: int):
    passkey = get_object_or_404(Passkey, pk=pk, user=request.user)
    form, page = _confirm_with_password(
        request,
        title=f"Remove the passkey “{passkey.name}”",
        explanation="It will no longer let you log in.",
        button="Remove the passkey",
    )
    if form is None:
        return page
    services.remove_second_factor(passkey)
    messages.success(request, f"Passkey “{passkey.name}” removed.")
    return redirect("accounts:security")
