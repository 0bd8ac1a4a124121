"""Buying a course, paying, the return page, receipts, the all-access plan, and Stripe's webhook.

The pay pages load Stripe.js (STRIPE_JS_URL) and mount Stripe's card Element: the card number
goes from the browser to Stripe, never to us (static/js/payments.js posts only Stripe's ids
here). Their Content-Security-Policy adds Stripe's script, API and frame origins to the site's.
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .. import payments_gateway as gateway
from .. import permissions, selectors, services
from ..models import Transaction
from ..selectors import payments as payment_selectors

logger = logging.getLogger(__name__)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _stripe_csp() -> dict:
    """The site's policy plus what Stripe.js needs: its script, calls to Stripe's API, and its
    frames (the card field and 3-D Secure are pages of Stripe's inside ours)."""
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    script = _origin(settings.STRIPE_JS_URL)
    api = _origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else "https://api.stripe.com"
    policy["script-src"].append(script)
    policy["connect-src"].append(api)
    policy["frame-src"] += ["https://js.stripe.com", "https://hooks.stripe.com"]
    return policy


def _stripe_page(view):
    """csp_override reads its policy when the view is decorated; the settings may differ later
    (tests), so the policy is computed per request."""

    def wrapped(request, *args, **kwargs):
        return csp_override(_stripe_csp())(view)(request, *args, **kwargs)

    return wrapped


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@login_required
def buy(request, code):
    """The price and "Continue to payment"; POST starts the purchase (a PaymentIntent)."""
    course = selectors.get_course_for_user(request.user, code)
    if not course.is_paid or permissions.has_paid_access(request.user, course):
        return redirect(course)
    if request.method == "POST":
        try:
            purchase = services.start_checkout(user=request.user, course=course)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(course)
        return redirect("courses:pay", purchase.pk)
    return render(request, "courses/payments/buy.html", {"course": course, "available": gateway.configured()})


@login_required
@require_GET
@_stripe_page
def pay_page(request, pk):
    purchase = payment_selectors.own_purchase(request.user, pk)
    if purchase.status != Transaction.Status.PENDING or not gateway.configured():
        return redirect("courses:payment_return", purchase.pk)
    try:
        setup_secret = services.card_setup_secret(user=request.user)
    except services.StripeUnavailable as unavailable:
        messages.error(request, " ".join(unavailable.messages))
        return redirect(purchase.course)
    context = {
        "purchase": purchase,
        "course": purchase.course,
        "setup_secret": setup_secret,
        "stripe_js": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    return render(request, "courses/payments/pay.html", context)


@login_required
@require_POST
def pay_confirm(request, pk):
    """JSON in, JSON out (static/js/payments.js): `{"setup_intent": "seti_..."}`."""
    purchase = payment_selectors.own_purchase(request.user, pk)
    setup_intent = _json_body(request).get("setup_intent")
    if not isinstance(setup_intent, str):
        return JsonResponse({"error": "Give the SetupIntent Stripe.js confirmed."}, status=400)
    try:
        answer = services.pay(user=request.user, purchase=purchase, setup_intent=setup_intent)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(answer | {"next": reverse("courses:payment_return", args=[purchase.pk])})


@login_required
def payment_return(request, pk):
    """Where the buyer lands: the status box turns into "you are enrolled" when the webhook lands
    (a live part, notifications/payments.py), or says so at once if it already has."""
    purchase = payment_selectors.own_purchase(request.user, pk)
    enrolled = selectors.subscription_for(request.user, purchase.course) is not None
    return render(
        request, "courses/payments/return.html", {"purchase": purchase, "course": purchase.course, "enrolled": enrolled}
    )


@login_required
def receipt(request, pk):
    row = payment_selectors.receipt(request.user, pk)
    return render(request, "courses/payments/receipt.html", {"row": row, "site_name": settings.SITE_NAME})


@login_required
def overview(request):
    """Your payments and the all-access plan (subscribe, or cancel at the end of the month)."""
    context = {
        "transactions": payment_selectors.user_transactions(request.user),
        "plan": payment_selectors.plan_of(request.user),
        "plan_offered": gateway.plan_configured(),
    }
    return render(request, "courses/payments/overview.html", context)


@login_required
@require_GET
@_stripe_page
def plan_page(request):
    if not gateway.plan_configured():
        return redirect("courses:payments")
    try:
        setup_secret = services.card_setup_secret(user=request.user, recurring=True)
    except services.StripeUnavailable as unavailable:
        messages.error(request, " ".join(unavailable.messages))
        return redirect("courses:payments")
    context = {
        "setup_secret": setup_secret,
        "stripe_js": settings.STRIPE_JS_URL,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
    }
    return render(request, "courses/payments/plan.html", context)


@login_required
@require_POST
def plan_start(request):
    setup_intent = _json_body(request).get("setup_intent")
    if not isinstance(setup_intent, str):
        return JsonResponse({"error": "Give the SetupIntent Stripe.js confirmed."}, status=400)
    try:
        services.start_plan(user=request.user, setup_intent=setup_intent)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    messages.success(request, "Your all-access plan is active: every paid course is open to you.")
    return JsonResponse({"status": "active", "next": reverse("courses:payments")})


@login_required
@require_POST
def plan_cancel(request):
    try:
        services.cancel_plan(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your plan ends at the end of the month you paid for.")
    return redirect("courses:payments")


@csrf_exempt  # Stripe's signature is the proof, checked before anything is read
@require_POST
def webhook(request):
    """Stripe's events. A bad or missing signature: 400, nothing read or changed. Every event
    with a good one is acknowledged (200), handled at most once, unknown types ignored."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponse("Webhooks are not configured.", status=400, content_type="text/plain")
    try:
        event = gateway.construct_event(request.body, request.headers.get("Stripe-Signature"))
    except (gateway.SignatureError, ValueError):
        return HttpResponse("Bad signature.", status=400, content_type="text/plain")
    outcome = services.handle_event(event)
    logger.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return HttpResponse(outcome, content_type="text/plain")
