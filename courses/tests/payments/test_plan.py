"""The all-access plan against the Stripe emulator: a monthly subscription (customer, card saved
through a SetupIntent as Stripe.js saves it, the plan's subscription) opens every paid course; its
payment is on record from the emulator's own `invoice.payment_succeeded`; cancel at period end
from "Your payments"; the emulator's own `customer.subscription.deleted` webhook (signed by
localstripe, received by a real daphne) ends it and the access."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from courses import payments_gateway
from courses.models import AllAccessPass, Subscription, Transaction
from courses.services import card_setup_secret, start_plan, subscribe
from lms_site.testing.servers import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_plan_opens_paid_courses_until_stripe_ends_it(
    plan_id, localstripe, stripe_daphne, webhooks_to, carol, paid_cs101, ma201
):
    webhooks_to(stripe_daphne)
    with pytest.raises(ValidationError, match="paid course"):
        subscribe(user=carol, course=paid_cs101)
    setup = localstripe.confirm_card_setup(card_setup_secret(user=carol, recurring=True))
    plan = start_plan(user=carol, setup_intent=setup)
    assert plan.is_active and plan.subscription_id.startswith("sub_")
    with pytest.raises(ValidationError, match="already active"):
        start_plan(user=carol, setup_intent=setup)

    # The first month's payment, on record from the emulator's invoice webhook.
    paid = Transaction.objects.filter(kind=Transaction.Kind.PLAN, status=Transaction.Status.SUCCEEDED, user=carol)
    [month] = eventually(lambda: list(paid.all()), timeout=15)
    assert (month.amount, month.currency, month.course) == (Decimal("15.00"), "eur", None)
    assert month.gateway_reference.startswith("in_")

    page = Client()
    page.force_login(carol)
    assert "All-access plan" in page.get(f"/payments/{month.pk}/receipt/").content.decode()
    assert b"Join (included in your plan)" in page.get("/courses/CS101/").content
    page.post("/courses/CS101/subscribe/")
    assert Subscription.objects.filter(student=carol, course=paid_cs101).exists()

    # Cancel from "Your payments": at the end of the month, so access stays for now.
    assert page.post("/payments/plan/cancel/").status_code == 302
    plan.refresh_from_db()
    assert plan.cancel_at_period_end and plan.is_active
    assert payments_gateway._client().v1.subscriptions.retrieve(plan.subscription_id).cancel_at_period_end
    assert b"It ends at the end of this month" in page.get("/payments/").content

    # The month is over: Stripe deletes the subscription and tells us.
    payments_gateway._client().v1.subscriptions.cancel(plan.subscription_id)
    eventually(lambda: AllAccessPass.objects.get(pk=plan.pk).status == AllAccessPass.Status.ENDED, timeout=15)
    assert not Subscription.objects.filter(student=carol, course=paid_cs101).exists()
    assert b"Buy for 49.00 EUR" in page.get("/courses/CS101/").content


def test_the_plan_pages(plan_id, localstripe, carol):
    page = Client()
    page.force_login(carol)
    form = page.get("/payments/plan/")
    assert form.status_code == 200 and b'id="card-element"' in form.content
    assert localstripe.url in form["Content-Security-Policy"]  # Stripe.js (here the emulator's) may load
    secret = form.content.decode().split('data-setup-secret="')[1].split('"')[0]
    setup = localstripe.confirm_card_setup(secret)
    bad = page.post("/payments/plan/start/", b'{"setup_intent": 1}', content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]
    started = page.post("/payments/plan/start/", {"setup_intent": setup}, content_type="application/json")
    assert started.json() == {"status": "active", "next": "/payments/"}
    assert AllAccessPass.objects.get(user=carol).is_active
    assert b"Cancel at the end of the month" in page.get("/payments/").content


def test_without_a_plan_id_the_plan_is_not_offered(stripe_keys, settings, carol):
    settings.STRIPE_PLAN_ID = ""
    page = Client()
    page.force_login(carol)
    assert page.get("/payments/plan/").status_code == 302
    assert b"The all-access plan is not offered on this site." in page.get("/payments/").content
