"""Every write of payments: buying a course, paying, Stripe's webhooks, refunds, the all-access plan.

Stripe is called only through courses/payments_gateway.py. The buyer's card goes from their
browser to Stripe (Stripe.js); we receive ids. Access follows one rule, `has_paid_access`
(courses/permissions.py): a settled purchase opens its course through the same `subscribe` as a
free course; a refund or the plan's end asks the rule again and `unsubscribe`s whoever it no
longer entitles, so pages, files, the API and the socket all close the way leaving does.

Events (notifications/signals.py, from the saves here): `payment` to the buyer's own topic when
a purchase succeeds (the receipt, by mail too), fails or is refunded, and when the plan ends.
"""

import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import payments_gateway as gateway
from ..models import AllAccessPass, Course, StripeCustomer, StripeEvent, Subscription, Transaction
from ..permissions import has_paid_access, is_active_user, is_site_admin
from ..selectors.catalog import seats_left
from .catalog import subscribe, unsubscribe

logger = logging.getLogger(__name__)

UNAVAILABLE = "Payments are not set up on this site, so paid courses cannot be bought at the moment."


class NothingToBuy(ValidationError):
    """The caller already has the course, or it is free (the API's 409)."""


class PaymentFailed(ValidationError):
    """Stripe refused a payment (a declined card): the buyer may try another card."""


class StripeUnavailable(ValidationError):
    """A payment could not be started because Stripe did not answer or refused the call (the API's
    503): nothing was charged or recorded, and the buyer tries again."""

    def __init__(self):
        super().__init__("Stripe could not start the payment, and nothing was charged. Please try again in a moment.")


def _customer_id(user) -> str:
    existing = StripeCustomer.objects.filter(user=user).values_list("customer_id", flat=True).first()
    if existing:
        return existing
    customer_id = gateway.create_customer(email=user.email, user_id=user.pk)
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(user=user, customer_id=customer_id)
    except IntegrityError:  # a concurrent request made one first: use theirs
        return StripeCustomer.objects.get(user=user).customer_id
    return customer_id


def start_checkout(*, user, course: Course) -> Transaction:
    """A pending purchase of `course` by `user`: a PaymentIntent at Stripe and its Transaction row.
    An unfinished purchase of the same course is reused. Refused (NothingToBuy) for a free course
    or one the user already has; ValidationError when payments are not configured. Events: none."""
    if not course.is_paid:
        raise NothingToBuy("This course is free: subscribe to it.")
    if course.instructor_id == user.pk:
        raise NothingToBuy("You teach this course.")
    if Subscription.objects.filter(student=user, course=course).exists() or has_paid_access(user, course):
        raise NothingToBuy("You already have this course.")
    if not course.is_published:
        raise ValidationError("This course is not open for subscription.")
    if course.enrolment_state() != "open":  # the settled purchase enrols without asking again
        raise ValidationError("Enrolment in this course is not open now.")
    if seats_left(course) == 0:
        raise ValidationError("This course is full: nobody can buy a seat until one is freed.")
    if not gateway.configured():
        raise ValidationError(UNAVAILABLE)
    pending = Transaction.objects.filter(
        user=user, course=course, kind=Transaction.Kind.PURCHASE, status=Transaction.Status.PENDING
    ).first()
    if pending and pending.amount == course.price and pending.currency == course.currency:
        return pending
    try:
        intent = gateway.create_payment_intent(
            amount=course.price,
            currency=course.currency,
            customer=_customer_id(user),
            metadata={"user_id": str(user.pk), "course": course.code},
            key=str(uuid.uuid4()),
        )
    except gateway.Error as error:
        logger.warning("Stripe did not start a purchase of %s: %s", course.code, error)
        raise StripeUnavailable from error
    return Transaction.objects.create(
        user=user,
        course=course,
        amount=course.price,
        currency=course.currency,
        gateway_reference=intent.id,
    )


def card_setup_secret(*, user, recurring: bool = False) -> str:
    """The client secret of a SetupIntent: Stripe.js sends the card the buyer types to Stripe with
    it and gets back a PaymentMethod id, the only thing our server sees. Events: none."""
    try:
        return gateway.create_setup_intent(customer=_customer_id(user), recurring=recurring).client_secret
    except gateway.Error as error:
        logger.warning("Stripe did not set up a card form: %s", error)
        raise StripeUnavailable from error


def _own_payment_method(user, setup_intent: str) -> str:
    """A PaymentMethod id is only taken from a SetupIntent of the user's own customer, so nobody
    pays with another person's saved card by guessing its id."""
    if not setup_intent.startswith("seti_"):
        raise ValidationError("Give the SetupIntent Stripe.js confirmed.")
    try:
        setup = gateway.retrieve_setup_intent(setup_intent)
    except gateway.Error as error:
        raise ValidationError("Stripe does not know this card setup.") from error
    if setup.customer != _customer_id(user) or setup.status != "succeeded" or not setup.payment_method:
        raise ValidationError("This card was not saved for you.")
    return setup.payment_method


def pay(*, user, purchase: Transaction, setup_intent: str) -> dict:
    """Pay a pending purchase with the card saved by `setup_intent` (its id). Returns the intent's
    status and, when the bank asks for 3-D Secure, its client secret for Stripe.js. The purchase
    settles when Stripe's webhook says so (`handle_event`), not here. Events: none."""
    if purchase.user_id != user.pk or purchase.kind != Transaction.Kind.PURCHASE:
        raise PermissionDenied("Not your purchase.")
    if purchase.status != Transaction.Status.PENDING:
        raise ValidationError("This purchase is no longer waiting for payment.")
    payment_method = _own_payment_method(user, setup_intent)
    try:
        intent = gateway.pay_with(payment_intent=purchase.gateway_reference, payment_method=payment_method)
    except gateway.Error as error:
        raise PaymentFailed(getattr(error, "user_message", None) or "Stripe refused the payment.") from error
    answer = {"status": intent.status}
    if intent.status == "requires_action":
        answer["client_secret"] = intent.client_secret
    return answer


# --- Stripe's webhooks -------------------------------------------------------------------------


def handle_event(event) -> str:
    """Handle one verified Stripe event at most once, whichever process receives it and however
    often: its id is stored in the same transaction as its effects (unique; a concurrent duplicate
    waits for the first and then finds it). Returns what happened, for the log: "duplicate",
    "ignored" (a type we do not use, acknowledged all the same) or the type handled."""
    event = event.to_dict()
    handler = _HANDLERS.get(event["type"])
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event["id"], type=event["type"])
            if handler is None:
                return "ignored"
            handler(event["data"]["object"])
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event["id"]).exists():
            return "duplicate"
        raise
    return event["type"]


def _purchase_for_update(payment_intent: str) -> Transaction | None:
    return (
        Transaction.objects.select_for_update()
        .filter(kind=Transaction.Kind.PURCHASE, gateway_reference=payment_intent)
        .first()
    )


def _payment_succeeded(intent: dict) -> None:
    purchase = _purchase_for_update(intent["id"])
    if purchase is None or purchase.status != Transaction.Status.PENDING:
        return  # not ours, or settled, failed for good or refunded already: late news changes nothing
    purchase.status = Transaction.Status.SUCCEEDED
    purchase.settled_at = timezone.now()
    purchase.failure_message = ""
    purchase.save()
    try:
        subscribe(user=purchase.user, course=purchase.course, purchased=True)
    except ValidationError as refused:  # unpublished meanwhile: paid, not enrolled; an admin refunds
        logger.warning("Purchase %s settled but not enrolled: %s", purchase.pk, " ".join(refused.messages))


def _payment_failed(intent: dict) -> None:
    """A failed try (a declined card, 3-D Secure refused, a debit that bounced later) ends this
    purchase row; buying again starts a new one, so every failure stays on record."""
    purchase = _purchase_for_update(intent["id"])
    if purchase is None or purchase.status != Transaction.Status.PENDING:
        return
    error = intent.get("last_payment_error") or {}
    purchase.status = Transaction.Status.FAILED
    purchase.failure_message = (error.get("message") or "The payment failed.")[:500]
    purchase.save()


def _payment_canceled(intent: dict) -> None:
    purchase = _purchase_for_update(intent["id"])
    if purchase is None or purchase.status != Transaction.Status.PENDING:
        return
    purchase.status = Transaction.Status.CANCELED
    purchase.failure_message = "The payment expired or was canceled before it was completed."
    purchase.save()


def _charge_refunded(charge: dict) -> None:
    purchase = _purchase_for_update(charge["payment_intent"]) if charge.get("payment_intent") else None
    if purchase is None:
        return
    refunds = (charge.get("refunds") or {}).get("data") or []
    reference = refunds[0]["id"] if refunds else f"{charge['id']}:refund"
    _record_refund(purchase, reference=reference, amount=gateway.from_minor_units(charge["amount_refunded"]))


def _subscription_changed(subscription: dict) -> None:
    plan = AllAccessPass.objects.select_for_update().filter(subscription_id=subscription["id"]).first()
    if plan is None:
        return
    if subscription["status"] in ("canceled", "incomplete_expired", "unpaid"):
        _end(plan)
        return
    plan.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    plan.current_period_end = _moment(subscription.get("current_period_end"))
    plan.save()


def _subscription_deleted(subscription: dict) -> None:
    plan = AllAccessPass.objects.select_for_update().filter(subscription_id=subscription["id"]).first()
    if plan is not None:
        _end(plan)


def _invoice_paid(invoice: dict) -> None:
    _plan_invoice(invoice, paid=True)


def _invoice_failed(invoice: dict) -> None:
    _plan_invoice(invoice, paid=False)


def _plan_invoice(invoice: dict, *, paid: bool) -> None:
    """The plan's invoices, its first month and every renewal, each on record once as a `plan`
    Transaction keyed by the invoice id: Stripe sends `invoice.paid` and `invoice.payment_succeeded`
    for the same payment, and a failed invoice paid on a later try becomes succeeded (a success
    is never undone by late news of a failure). Whether the plan stays active follows the
    subscription's own events. An invoice of no subscription, or of a customer not ours, is not
    the plan's."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = invoice.get("subscription") or details.get("subscription")
    customer = StripeCustomer.objects.filter(customer_id=invoice.get("customer") or "").first()
    if not subscription or customer is None:
        return
    row, _ = Transaction.objects.get_or_create(
        gateway_reference=invoice["id"],
        defaults={"kind": Transaction.Kind.PLAN, "user_id": customer.user_id, "amount": 0, "currency": ""},
    )
    row = Transaction.objects.select_for_update().get(pk=row.pk)
    if row.kind != Transaction.Kind.PLAN or row.status == Transaction.Status.SUCCEEDED:
        return
    row.currency = invoice.get("currency") or row.currency
    if paid:
        row.status, row.settled_at, row.failure_message = Transaction.Status.SUCCEEDED, timezone.now(), ""
        row.amount = gateway.from_minor_units(invoice.get("amount_paid") or 0)
    else:
        row.status = Transaction.Status.FAILED
        row.failure_message = "This month's payment did not go through."
        row.amount = gateway.from_minor_units(invoice.get("amount_due") or 0)
    row.save()


def _moment(timestamp):
    return timezone.datetime.fromtimestamp(timestamp, tz=timezone.UTC) if timestamp else None


_HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.canceled": _payment_canceled,
    "charge.refunded": _charge_refunded,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
    "invoice.paid": _invoice_paid,
    "invoice.payment_succeeded": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
}


# --- Refunds and the end of access ---------------------------------------------------------------


def refund(*, purchase: Transaction, by) -> Transaction:
    """Refund a settled purchase in full at Stripe (site admins only) and end its access. Returns
    the refund's Transaction. Stripe's `charge.refunded` webhook that follows finds it done.
    Events: `payment` (refunded) to the buyer."""
    if not is_site_admin(by):
        raise PermissionDenied("Only site administrators refund.")
    if purchase.kind != Transaction.Kind.PURCHASE or purchase.status != Transaction.Status.SUCCEEDED:
        raise ValidationError("Only a settled purchase can be refunded.")
    if not gateway.configured():
        raise ValidationError(UNAVAILABLE)
    try:
        stripe_refund = gateway.refund(payment_intent=purchase.gateway_reference, key=f"refund-{purchase.pk}")
    except gateway.Error as error:
        raise ValidationError(f"Stripe refused the refund: {getattr(error, 'user_message', None) or error}") from error
    with transaction.atomic():
        locked = _purchase_for_update(purchase.gateway_reference)
        return _record_refund(locked, reference=stripe_refund.id, amount=gateway.from_minor_units(stripe_refund.amount))


def _record_refund(purchase: Transaction, *, reference: str, amount) -> Transaction | None:
    if purchase.status == Transaction.Status.REFUNDED:
        return Transaction.objects.filter(kind=Transaction.Kind.REFUND, gateway_reference=reference).first()
    refund_row = Transaction.objects.create(
        kind=Transaction.Kind.REFUND,
        status=Transaction.Status.SUCCEEDED,
        user_id=purchase.user_id,
        course_id=purchase.course_id,
        amount=amount,
        currency=purchase.currency,
        gateway_reference=reference,
        settled_at=timezone.now(),
    )
    purchase.status = Transaction.Status.REFUNDED
    purchase.refunded_at = timezone.now()
    purchase.save()
    _end_access(purchase.user, [purchase.course])
    return refund_row


def _end_access(user, courses) -> None:
    """Leave every paid course among `courses` the user is no longer entitled to."""
    for course in courses:
        if course.is_paid and not has_paid_access(user, course):
            unsubscribe(user=user, course=course)


def _end(plan: AllAccessPass) -> None:
    if plan.status == AllAccessPass.Status.ENDED:
        return
    plan.status = AllAccessPass.Status.ENDED
    plan.ended_at = timezone.now()
    plan.save()
    paid = Course.objects.filter(subscriptions__student=plan.user, price__isnull=False)
    _end_access(plan.user, list(paid))


# --- The all-access plan -----------------------------------------------------------------------


def start_plan(*, user, setup_intent: str) -> AllAccessPass:
    """Subscribe `user` to the monthly all-access plan, paid with the card saved by `setup_intent`.
    Every paid course opens to them while it is active (they join each one). Events: none."""
    if not is_active_user(user):
        raise PermissionDenied("Log in first.")
    if not gateway.plan_configured():
        raise ValidationError("The all-access plan is not offered on this site.")
    if AllAccessPass.objects.filter(user=user, status=AllAccessPass.Status.ACTIVE).exists():
        raise NothingToBuy("Your all-access plan is already active.")
    payment_method = _own_payment_method(user, setup_intent)
    try:
        subscription = gateway.subscribe_to_plan(customer=_customer_id(user), payment_method=payment_method)
    except gateway.Error as error:
        raise PaymentFailed(getattr(error, "user_message", None) or "Stripe refused the payment.") from error
    if subscription.status != "active":
        raise PaymentFailed("The first month's payment did not go through.")
    plan, _ = AllAccessPass.objects.update_or_create(
        user=user,
        defaults={
            "subscription_id": subscription.id,
            "status": AllAccessPass.Status.ACTIVE,
            "cancel_at_period_end": False,
            "current_period_end": _moment(subscription.to_dict().get("current_period_end")),
            "started_at": timezone.now(),
            "ended_at": None,
        },
    )
    return plan


def cancel_plan(*, user) -> AllAccessPass:
    """Cancel at the end of the paid month: access stays until Stripe ends the subscription
    (`customer.subscription.deleted`). Events: none."""
    plan = AllAccessPass.objects.filter(user=user, status=AllAccessPass.Status.ACTIVE).first()
    if plan is None:
        raise ValidationError("You have no active all-access plan.")
    try:
        gateway.cancel_plan_at_period_end(plan.subscription_id)
    except gateway.Error as error:
        raise ValidationError("Stripe could not cancel the plan; try again later.") from error
    plan.cancel_at_period_end = True
    plan.save(update_fields=["cancel_at_period_end"])
    return plan
