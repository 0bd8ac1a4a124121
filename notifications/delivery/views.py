"""The preferences page, one-click unsubscribe (no log-in: the signed link is the proof), and the
Web Push subscription endpoints of this device."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import preferences
from .forms import PreferencesForm
from .mail import read_unsubscribe_token
from .models import PushSubscription


@login_required
def preferences_page(request):
    delivery_settings = preferences.settings_of(request.user)
    initial = {
        "quiet_from": delivery_settings.quiet_from,
        "quiet_until": delivery_settings.quiet_until,
        "digest_hour": delivery_settings.digest_hour,
        "digest_weekday": delivery_settings.digest_weekday,
        "muted_courses": list(delivery_settings.muted_courses.values_list("pk", flat=True)),
    }
    form = PreferencesForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preferences.save_preferences(
            user=request.user,
            choices=form.kind_choices(),
            muted_course_ids=[course.pk for course in data["muted_courses"]],
            quiet_from=data["quiet_from"],
            quiet_until=data["quiet_until"],
            digest_hour=data["digest_hour"],
            digest_weekday=data["digest_weekday"],
        )
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    devices = PushSubscription.objects.filter(user=request.user).count()
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "vapid_public_key": settings.VAPID_PUBLIC_KEY, "devices": devices},
    )


@csrf_exempt  # the signed token is the proof; RFC 8058 mail clients POST without a session
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
        user = get_user_model().objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, get_user_model().DoesNotExist, ValueError, KeyError) as error:
        raise Http404("This unsubscribe link is not valid.") from error
    label = preferences.LABELS.get(kind) if kind else None
    if request.method == "POST":
        preferences.unsubscribe(user=user, kind=kind)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def push_endpoint_ok(endpoint: str) -> bool:
    """A push service's URL: https, or plain http on a host PUSH_HTTP_HOSTS allows (a local one)."""
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in settings.PUSH_HTTP_HOSTS


@login_required
@require_POST
def push_subscribe(request):
    """The browser's PushSubscription (endpoint and keys) for this user; one row per device."""
    data = _json(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(value, str) and value for value in (endpoint, p256dh, auth)) or not push_endpoint_ok(
        endpoint
    ):
        return JsonResponse(
            {"detail": "Send the subscription's https endpoint and its p256dh and auth keys."}, status=400
        )
    preferences.add_push_subscription(user=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth)
    return JsonResponse({"subscribed": True}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    endpoint = _json(request).get("endpoint")
    if not isinstance(endpoint, str):
        return JsonResponse({"detail": "Send the subscription's endpoint."}, status=400)
    preferences.remove_push_subscription(user=request.user, endpoint=endpoint)
    return JsonResponse({"subscribed": False})
