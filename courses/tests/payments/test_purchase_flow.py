"""A purchase from start to enrolment against the Stripe emulator, with a real daphne receiving
the emulator's own signed webhook.

Against localstripe: creating the customer, the PaymentIntent and the SetupIntent; the card
posted to Stripe as Stripe.js posts it (publishable key, LocalStripeServer.confirm_card_setup);
attaching and confirming; the refund; the `payment_intent.succeeded` webhook (sent and signed by
localstripe). At the HTTP boundary: the `charge.refunded` webhook localstripe does not send, built
around the charge read back from localstripe and signed as Stripe signs."""

import pytest
import requests
from django.core.exceptions import ValidationError

from courses import payments_gateway
from courses.models import StripeEvent, Subscription, Transaction
from courses.services import pay, refund, start_checkout
from lms_site.testing.servers import eventually
from lms_site.testing.stripe import event_payload, signature
from notifications.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_purchase_settles_through_localstripes_webhook_and_enrols_once(
    stripe_keys, stripe_daphne, webhooks_to, carol, paid_cs101, root
):
    webhooks_to(stripe_daphne)
    purchase = start_checkout(user=carol, course=paid_cs101)
    assert purchase.gateway_reference.startswith("pi_") and purchase.status == "pending"
    # Buying twice before paying reuses the same purchase (no second PaymentIntent).
    assert start_checkout(user=carol, course=paid_cs101) == purchase

    from courses.services import card_setup_secret

    setup = stripe_keys.confirm_card_setup(card_setup_secret(user=carol))
    assert pay(user=carol, purchase=purchase, setup_intent=setup) == {"status": "succeeded"}

    eventually(lambda: Subscription.objects.filter(student=carol, course=paid_cs101).exists(), timeout=15)
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.SUCCEEDED
    # localstripe may announce the success twice, under two event ids (seen under load): each is
    # stored once, and the second changes nothing (one enrolment, one receipt).
    assert StripeEvent.objects.filter(type="payment_intent.succeeded").count() in {1, 2}
    assert Subscription.objects.filter(student=carol, course=paid_cs101).count() == 1
    assert Event.objects.filter(kind=Event.Kind.PAYMENT, topic=f"user:{carol.pk}").count() == 1
    with pytest.raises(ValidationError, match="already have"):
        start_checkout(user=carol, course=paid_cs101)

    # A site admin refunds through Stripe: access ends, the student is told.
    refund_row = refund(purchase=purchase, by=root)
    assert refund_row.gateway_reference.startswith("re_")
    assert payments_gateway.retrieve_payment_intent(purchase.gateway_reference).status == "succeeded"
    assert not Subscription.objects.filter(student=carol, course=paid_cs101).exists()
    assert Event.objects.filter(kind=Event.Kind.PAYMENT, payload__title="Payment for CS101 refunded").count() == 1

    # Stripe's charge.refunded for the same refund follows: nothing more happens.
    stripe = payments_gateway._client()
    charge_id = stripe.v1.refunds.retrieve(refund_row.gateway_reference).charge
    charge = stripe.v1.charges.retrieve(charge_id).to_dict()
    payload = event_payload("evt_refund_echo", "charge.refunded", charge)
    url = f"{stripe_daphne.url}/payments/stripe/webhook/"
    response = requests.post(url, data=payload, headers={"Stripe-Signature": signature(payload)}, timeout=10)
    assert response.status_code == 200
    assert Transaction.objects.filter(kind=Transaction.Kind.REFUND).count() == 1


def test_a_declined_card_is_refused_and_the_purchase_fails(stripe_keys, stripe_daphne, webhooks_to, carol, paid_cs101):
    webhooks_to(stripe_daphne)
    from courses.services import card_setup_secret

    purchase = start_checkout(user=carol, course=paid_cs101)
    # 4000 0000 0000 0341: Stripe's test card that saves fine and is declined when charged.
    setup = stripe_keys.confirm_card_setup(card_setup_secret(user=carol), number="4000000000000341")
    with pytest.raises(ValidationError):
        pay(user=carol, purchase=purchase, setup_intent=setup)
    eventually(lambda: Transaction.objects.get(pk=purchase.pk).status == "failed", timeout=15)
    assert not Subscription.objects.filter(student=carol).exists()
    # Buying again is a new purchase row: the failure stays on record.
    assert start_checkout(user=carol, course=paid_cs101).pk != purchase.pk


def test_nobody_pays_with_a_card_saved_for_someone_else(stripe_keys, carol, dave, paid_cs101):
    from courses.services import card_setup_secret

    purchase = start_checkout(user=dave, course=paid_cs101)
    carols_card = stripe_keys.confirm_card_setup(card_setup_secret(user=carol))
    with pytest.raises(ValidationError, match="not saved for you"):
        pay(user=dave, purchase=purchase, setup_intent=carols_card)


def test_without_keys_nothing_can_be_bought(no_stripe_keys, carol, paid_cs101):
    with pytest.raises(ValidationError, match="Payments are not set up"):
        start_checkout(user=carol, course=paid_cs101)
