"""Stripe's webhook at the HTTP boundary: payloads signed exactly as Stripe signs them (HMAC-SHA256
of "<timestamp>.<body>" with the endpoint secret, lms_site.testing.stripe.signature), checked by
the `stripe` library's construct_event. No Stripe server is involved: the purchases are rows."""

import time
from decimal import Decimal

import pytest

from courses.models import AllAccessPass, StripeEvent, Subscription, Transaction
from lms_site.testing.api import client_for, error_of
from lms_site.testing.stripe import WEBHOOK_SECRET, event_payload, signature
from notifications.models import Event

pytestmark = pytest.mark.django_db

URL = "/payments/stripe/webhook/"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def post(client, payload: bytes, header: str | None = None):
    extra = {"HTTP_STRIPE_SIGNATURE": header if header is not None else signature(payload)}
    return client.post(URL, data=payload, content_type="application/json", **extra)


def pending(user, course, reference="pi_test_1") -> Transaction:
    return Transaction.objects.create(
        user=user, course=course, amount=course.price, currency=course.currency, gateway_reference=reference
    )


def succeeded(reference="pi_test_1", event_id="evt_1") -> bytes:
    return event_payload(event_id, "payment_intent.succeeded", {"id": reference, "object": "payment_intent"})


def payments_told(user) -> list[Event]:
    return list(Event.objects.filter(kind=Event.Kind.PAYMENT, topic=f"user:{user.pk}"))


def test_payment_succeeded_settles_once_and_enrols(client, carol, paid_cs101):
    purchase = pending(carol, paid_cs101)
    assert post(client, succeeded()).status_code == 200
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.SUCCEEDED
    assert Subscription.objects.filter(student=carol, course=paid_cs101).count() == 1
    [receipt] = payments_told(carol)
    assert receipt.payload["title"] == "Receipt: CS101 paid"
    assert receipt.payload["url"] == f"/payments/{purchase.pk}/receipt/"


def test_a_replayed_event_changes_nothing_and_is_acknowledged(client, carol, paid_cs101):
    pending(carol, paid_cs101)
    payload = succeeded()
    assert post(client, payload).content == b"payment_intent.succeeded"
    again = post(client, payload)
    assert (again.status_code, again.content) == (200, b"duplicate")
    assert StripeEvent.objects.count() == 1
    assert len(payments_told(carol)) == 1
    assert Transaction.objects.filter(status=Transaction.Status.SUCCEEDED).count() == 1


def test_the_same_payment_in_another_event_settles_nothing_twice(client, carol, paid_cs101):
    """Stripe may send a second event (a new id) about the same payment, late: nothing changes."""
    pending(carol, paid_cs101)
    post(client, succeeded(event_id="evt_1"))
    assert post(client, succeeded(event_id="evt_2")).status_code == 200
    assert len(payments_told(carol)) == 1
    assert Subscription.objects.filter(student=carol).count() == 1


@pytest.mark.parametrize(
    "header",
    [
        "",  # none
        "t=1,v1=00",  # garbage
        signature(b"another body"),  # a real signature of something else
        None,  # replaced below: signed with another secret
        "old",  # replaced below: signed correctly, but 10 minutes ago (a replay of a captured request)
    ],
    ids=["missing", "garbage", "other-body", "other-secret", "too-old"],
)
def test_a_forged_or_stale_signature_is_400_and_changes_nothing(client, carol, paid_cs101, header):
    purchase = pending(carol, paid_cs101)
    payload = succeeded()
    if header is None:
        header = signature(payload, secret="whsec_someone_else")
    elif header == "old":
        header = signature(payload, timestamp=int(time.time()) - 600)
    response = post(client, payload, header)
    assert response.status_code == 400
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.PENDING
    assert not StripeEvent.objects.exists()
    assert not Subscription.objects.filter(student=carol).exists()
    assert not payments_told(carol)


def test_without_a_webhook_secret_every_webhook_is_refused(client, settings, carol, paid_cs101):
    settings.STRIPE_WEBHOOK_SECRET = ""
    pending(carol, paid_cs101)
    assert post(client, succeeded()).status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_body_that_is_not_json_is_400(client):
    assert post(client, b"\xff not json").status_code == 400


def test_unknown_event_types_are_acknowledged_and_ignored(client, carol, paid_cs101):
    payload = event_payload("evt_9", "invoice.finalization_failed", {"id": "in_1", "object": "invoice"})
    response = post(client, payload)
    assert (response.status_code, response.content) == (200, b"ignored")
    assert StripeEvent.objects.get().type == "invoice.finalization_failed"


def test_an_asynchronous_failure_ends_the_purchase_and_tells_the_buyer(client, carol, paid_cs101):
    purchase = pending(carol, paid_cs101)
    intent = {
        "id": "pi_test_1",
        "object": "payment_intent",
        "last_payment_error": {"message": "Your card was declined."},
    }
    assert post(client, event_payload("evt_f", "payment_intent.payment_failed", intent)).status_code == 200
    purchase.refresh_from_db()
    assert (purchase.status, purchase.failure_message) == ("failed", "Your card was declined.")
    [told] = payments_told(carol)
    assert told.payload["title"] == "Payment for CS101 failed"
    # A success arriving after the failure (out of order) does not revive the row.
    post(client, succeeded(event_id="evt_late"))
    assert not Subscription.objects.filter(student=carol).exists()


def test_an_expired_or_canceled_intent_cancels_the_purchase(client, carol, paid_cs101):
    purchase = pending(carol, paid_cs101)
    payload = event_payload("evt_c", "payment_intent.canceled", {"id": "pi_test_1", "object": "payment_intent"})
    assert post(client, payload).status_code == 200
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.CANCELED
    assert not Subscription.objects.filter(student=carol).exists()


def test_charge_refunded_from_stripes_dashboard_ends_access_and_tells_the_student(client, carol, paid_cs101):
    purchase = pending(carol, paid_cs101)
    post(client, succeeded())
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_test_1",
        "amount_refunded": 4900,
        "refunds": {"object": "list", "data": [{"id": "re_1", "object": "refund", "amount": 4900}]},
    }
    payload = event_payload("evt_r", "charge.refunded", charge)
    assert post(client, payload).status_code == 200
    purchase.refresh_from_db()
    assert purchase.status == Transaction.Status.REFUNDED
    refund = Transaction.objects.get(kind=Transaction.Kind.REFUND)
    assert (refund.gateway_reference, refund.amount, refund.user, refund.course) == (
        "re_1",
        Decimal("49.00"),
        carol,
        paid_cs101,
    )
    assert not Subscription.objects.filter(student=carol, course=paid_cs101).exists()
    assert [e.payload["title"] for e in payments_told(carol)] == ["Receipt: CS101 paid", "Payment for CS101 refunded"]
    # The same refund again (a replay with a new id) records nothing more.
    post(client, event_payload("evt_r2", "charge.refunded", charge))
    assert Transaction.objects.filter(kind=Transaction.Kind.REFUND).count() == 1


def test_subscription_deleted_ends_the_plan_and_its_courses(client, carol, dave, paid_cs101, ma201):
    AllAccessPass.objects.create(user=carol, subscription_id="sub_1")
    from courses.services import subscribe

    subscribe(user=carol, course=paid_cs101)
    subscribe(user=carol, course=ma201)  # free: stays
    payload = event_payload(
        "evt_s", "customer.subscription.deleted", {"id": "sub_1", "object": "subscription", "status": "canceled"}
    )
    assert post(client, payload).status_code == 200
    assert AllAccessPass.objects.get(user=carol).status == AllAccessPass.Status.ENDED
    assert list(Subscription.objects.filter(student=carol).values_list("course__code", flat=True)) == ["MA201"]
    assert [e.payload["title"] for e in payments_told(carol)] == ["Your all-access plan has ended"]


def test_the_plan_ending_keeps_courses_bought_outright(client, carol, paid_cs101):
    AllAccessPass.objects.create(user=carol, subscription_id="sub_1")
    purchase = pending(carol, paid_cs101)
    post(client, succeeded())
    purchase.refresh_from_db()
    assert purchase.status == "succeeded"
    payload = event_payload("evt_s", "customer.subscription.deleted", {"id": "sub_1", "object": "subscription"})
    post(client, payload)
    assert Subscription.objects.filter(student=carol, course=paid_cs101).exists()


def test_a_paid_course_is_joined_only_by_the_entitled(client, carol, paid_cs101):
    from django.core.exceptions import ValidationError

    from courses.services import subscribe

    with pytest.raises(ValidationError, match="paid course"):
        subscribe(user=carol, course=paid_cs101)
    client.force_login(carol)
    client.post(f"/courses/{paid_cs101.code}/subscribe/")
    assert not Subscription.objects.exists()
    error = error_of(client_for(carol).post(f"/api/v1/enrollments/{paid_cs101.code}"))
    assert (error["status"], error["message"]) == (409, "This is a paid course: buy it to join.")


def test_subscription_updated_follows_the_plan(client, carol, paid_cs101):
    plan = AllAccessPass.objects.create(user=carol, subscription_id="sub_1")
    subscription = {
        "id": "sub_1",
        "status": "active",
        "cancel_at_period_end": True,
        "current_period_end": 1_900_000_000,
    }
    assert post(client, event_payload("evt_u1", "customer.subscription.updated", subscription)).status_code == 200
    plan.refresh_from_db()
    assert plan.cancel_at_period_end and plan.is_active
    assert plan.current_period_end.timestamp() == 1_900_000_000
    # Unpaid for good: Stripe says so by an update too, and the plan ends.
    subscription |= {"status": "unpaid"}
    post(client, event_payload("evt_u2", "customer.subscription.updated", subscription))
    plan.refresh_from_db()
    assert plan.status == AllAccessPass.Status.ENDED


def test_a_success_after_a_refund_does_not_reopen_the_course(client, carol, paid_cs101):
    pending(carol, paid_cs101)
    post(client, succeeded())
    charge = {"id": "ch_1", "payment_intent": "pi_test_1", "amount_refunded": 4900, "refunds": {"data": []}}
    post(client, event_payload("evt_r", "charge.refunded", charge))
    post(client, succeeded(event_id="evt_very_late"))
    assert Transaction.objects.get(kind="purchase").status == Transaction.Status.REFUNDED
    assert not Subscription.objects.filter(student=carol).exists()


def invoice(event_id: str, event_type: str, *, customer="cus_carol", subscription="sub_1", paid=True) -> bytes:
    """The plan's invoice as the current API shapes it (its subscription under `parent`)."""
    obj = {
        "id": "in_1",
        "object": "invoice",
        "customer": customer,
        "currency": "eur",
        "amount_due": 1500,
        "amount_paid": 1500 if paid else 0,
        "parent": {"type": "subscription_details", "subscription_details": {"subscription": subscription}},
    }
    return event_payload(event_id, event_type, obj)


def test_each_plan_invoice_is_one_transaction_and_a_retry_that_pays_settles_it(client, carol):
    from courses.models import StripeCustomer

    StripeCustomer.objects.create(user=carol, customer_id="cus_carol")
    assert post(client, invoice("evt_1", "invoice.payment_failed", paid=False)).status_code == 200
    row = Transaction.objects.get()
    assert (row.kind, row.status, row.amount, row.user, row.course) == ("plan", "failed", Decimal("15.00"), carol, None)
    assert row.failure_message == "This month's payment did not go through."
    # Stripe tries the card again, and sends both events of the payment.
    post(client, invoice("evt_2", "invoice.payment_succeeded"))
    post(client, invoice("evt_3", "invoice.paid"))
    row = Transaction.objects.get()
    assert (row.status, row.amount, row.failure_message) == ("succeeded", Decimal("15.00"), "")
    assert row.settled_at is not None
    post(client, invoice("evt_4", "invoice.payment_failed", paid=False))  # late news undoes nothing
    assert Transaction.objects.get().status == "succeeded"
    # Told once of the failure and once of the payment (its receipt, which the worker mails).
    failed, receipt = payments_told(carol)
    assert failed.payload["title"] == "All-access plan payment failed"
    assert "Paid courses stay open to you while Stripe tries again." in failed.payload["summary"]
    assert receipt.payload["title"] == "Receipt: all-access plan paid"
    assert receipt.payload["summary"] == "You paid 15.00 EUR for a month of the all-access plan."
    assert receipt.payload["url"] == f"/payments/{row.pk}/receipt/"


def test_an_invoice_not_of_the_plan_or_not_of_our_customer_is_not_recorded(client, carol):
    from courses.models import StripeCustomer

    StripeCustomer.objects.create(user=carol, customer_id="cus_carol")
    assert post(client, invoice("evt_1", "invoice.paid", subscription=None)).status_code == 200
    assert post(client, invoice("evt_2", "invoice.paid", customer="cus_stranger")).status_code == 200
    assert not Transaction.objects.exists()
