"""Payments tell the buyer, and their return page follows live.

Receivers: a purchase settled (the receipt: a `payment` event on the buyer's own topic, mailed at
once by the delivery worker, linking to the receipt page), failed or refunded; a monthly payment
of the all-access plan settled (its receipt) or failed; and the plan ended; each once (on the save
that changed the row's status: `Transaction.just_became`).

Live part: `payment-status-<transaction id>`, the status box of the return page
(`courses/payments/_status.html`), rendered from the database when the event is published, so
"waiting for Stripe" turns into "you are enrolled" (or "failed", "refunded") without a reload.
The event's topic is the buyer's own, which no one else follows, so the part may speak to them.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.defaultfilters import upper
from django.template.loader import render_to_string
from django.urls import reverse

from courses.models import AllAccessPass, Subscription, Transaction

from . import topics
from .events import record
from .models import Event
from .rendering import live_parts

_TOLD = {
    Transaction.Status.SUCCEEDED: ("Receipt: {code} paid", "You paid {amount} {currency} for {title}."),
    Transaction.Status.FAILED: ("Payment for {code} failed", "{reason} You can try again with another card."),
    Transaction.Status.REFUNDED: (
        "Payment for {code} refunded",
        "{amount} {currency} were refunded for {title}; your access to the course has ended.",
    ),
}

# The all-access plan's monthly payments (its invoices): the receipt, or word that it failed.
_PLAN_TOLD = {
    Transaction.Status.SUCCEEDED: (
        "Receipt: all-access plan paid",
        "You paid {amount} {currency} for a month of the all-access plan.",
    ),
    Transaction.Status.FAILED: (
        "All-access plan payment failed",
        "{reason} Paid courses stay open to you while Stripe tries again.",
    ),
}


@receiver(post_save, sender=Transaction, dispatch_uid="event_payment")
def transaction_saved(sender, instance: Transaction, raw: bool = False, **kwargs):
    told = {Transaction.Kind.PURCHASE: _TOLD, Transaction.Kind.PLAN: _PLAN_TOLD}.get(instance.kind, {})
    if raw or instance.just_became not in told:
        return
    course = instance.course
    title, summary = told[instance.status]
    words = {
        "code": course.code if course else "",
        "title": course.title if course else "",
        "amount": instance.amount,
        "currency": upper(instance.currency),
        "reason": instance.failure_message,
    }
    record(
        kind=Event.Kind.PAYMENT,
        topic=topics.user_topic(instance.user_id),
        title=title.format(**words),
        summary=summary.format(**words),
        url=instance.get_absolute_url(),
        course=course,
        # A purchase's return page follows its status (payment_status); a plan payment has none.
        about=("transaction" if course else "plan_payment", instance.pk),
    )


@receiver(post_save, sender=AllAccessPass, dispatch_uid="event_plan_ended")
def plan_saved(sender, instance: AllAccessPass, raw: bool = False, **kwargs):
    if raw or instance.status != AllAccessPass.Status.ENDED or instance.saved_value("status") == instance.status:
        return
    record(
        kind=Event.Kind.PAYMENT,
        topic=topics.user_topic(instance.user_id),
        title="Your all-access plan has ended",
        summary="Paid courses you joined through the plan are closed to you now. Buy a course or subscribe again.",
        url=reverse("courses:payments"),
        about=("plan", instance.pk),
    )


@live_parts(Event.Kind.PAYMENT)
def payment_status(event: Event) -> list[dict]:
    """Two queries: the transaction with its course, and whether the buyer is in the course."""
    if event.payload.get("object") != "transaction":
        return []
    purchase = Transaction.objects.select_related("course").filter(pk=event.payload.get("id")).first()
    if purchase is None:
        return []
    enrolled = Subscription.objects.filter(student_id=purchase.user_id, course_id=purchase.course_id).exists()
    html = render_to_string("courses/payments/_status.html", {"purchase": purchase, "enrolled": enrolled})
    return [{"key": f"payment-status-{purchase.pk}", "html": html.strip()}]
