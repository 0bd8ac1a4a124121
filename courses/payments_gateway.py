"""Every call to Stripe, in one small module, through the official `stripe` library (StripeClient).

The keys come from the settings (the environment): STRIPE_SECRET_KEY for calls from the server,
STRIPE_PUBLISHABLE_KEY for Stripe.js in the buyer's browser, STRIPE_WEBHOOK_SECRET for webhooks,
STRIPE_API_BASE for another server speaking Stripe's API (localstripe, in tests). Without keys
`configured()` is false and nothing here is called: there is no fake gateway.

Card data never passes through here: the browser sends it to Stripe (Stripe.js), which gives us
a PaymentMethod id. Amounts are in the currency's minor unit (cents), as Stripe counts them.
"""

from decimal import Decimal

import stripe
from django.conf import settings

Error = stripe.StripeError
SignatureError = stripe.SignatureVerificationError


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def plan_configured() -> bool:
    return configured() and bool(settings.STRIPE_PLAN_ID)


def _client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=2,
        http_client=stripe.new_default_http_client(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def minor_units(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_minor_units(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def create_customer(*, email: str, user_id: int) -> str:
    return _client().v1.customers.create({"email": email, "metadata": {"user_id": str(user_id)}}).id


def create_payment_intent(*, amount: Decimal, currency: str, customer: str, metadata: dict, key: str):
    """A PaymentIntent for a purchase, not yet confirmed; `key` makes a retry create no second one."""
    params = {"amount": minor_units(amount), "currency": currency, "customer": customer, "metadata": metadata}
    return _client().v1.payment_intents.create(params, {"idempotency_key": key})


def create_setup_intent(*, customer: str, recurring: bool):
    """Where Stripe.js puts the card the buyer types (straight to Stripe); its PaymentMethod pays.
    A card for the plan is charged every month without the buyer present (`off_session`)."""
    usage = "off_session" if recurring else "on_session"
    return _client().v1.setup_intents.create({"customer": customer, "usage": usage})


def retrieve_setup_intent(setup_intent_id: str):
    return _client().v1.setup_intents.retrieve(setup_intent_id)


def pay_with(*, payment_intent: str, payment_method: str):
    """Attach the card the browser saved at Stripe and confirm. Two calls: Stripe's confirm also
    takes the method, but the emulator implements only confirming an intent that already has it."""
    client = _client()
    client.v1.payment_intents.update(payment_intent, {"payment_method": payment_method})
    return client.v1.payment_intents.confirm(payment_intent)


def retrieve_payment_intent(payment_intent: str):
    return _client().v1.payment_intents.retrieve(payment_intent)


def refund(*, payment_intent: str, key: str):
    return _client().v1.refunds.create({"payment_intent": payment_intent}, {"idempotency_key": key})


def subscribe_to_plan(*, customer: str, payment_method: str):
    """The all-access plan: the card becomes the customer's default, then the subscription starts."""
    client = _client()
    client.v1.customers.update(customer, {"invoice_settings": {"default_payment_method": payment_method}})
    return client.v1.subscriptions.create({"customer": customer, "items": [{"plan": settings.STRIPE_PLAN_ID}]})


def cancel_plan_at_period_end(subscription_id: str):
    return _client().v1.subscriptions.update(subscription_id, {"cancel_at_period_end": True})


def construct_event(payload: bytes, signature: str | None):
    """The library's check of Stripe's signature (HMAC-SHA256 of "<t>.<payload>" with the webhook
    secret, within five minutes): raises SignatureError, or ValueError for a body that is not JSON."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
