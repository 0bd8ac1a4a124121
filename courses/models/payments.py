"""Payments: what we keep of purchases, refunds and the all-access plan. Stripe holds the money and
the cards; we keep references to its objects (ids), amounts and states, never card data.

- `Transaction`: one row per purchase (its PaymentIntent), per refund and per plan payment; a
  purchase goes pending -> succeeded (or failed, canceled) -> refunded. At most one succeeded
  purchase per student and course (a partial unique index): a duplicate webhook cannot settle twice.
- `StripeEvent`: the id of every Stripe event handled, unique, so each is handled at most once, on
  any number of processes at once.
- `StripeCustomer`: the Stripe customer of a user (cards are saved at Stripe, on it).
- `AllAccessPass`: a user's all-access plan (a Stripe subscription): it opens every paid course
  while it is active.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .catalog import Course
from .tracking import RemembersSavedValues


class TransactionQuerySet(models.QuerySet):
    def settled_purchases(self):
        """Purchases paid and not refunded: these entitle their buyer to their course."""
        return self.filter(kind=Transaction.Kind.PURCHASE, status=Transaction.Status.SUCCEEDED)


class Transaction(RemembersSavedValues):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", "Purchase"
        REFUND = "refund", "Refund"
        PLAN = "plan", "All-access plan"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"
        REFUNDED = "refunded", "Refunded"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PURCHASE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transactions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    # The Stripe object it stands for: pi_... (purchase), re_... (refund), sub_... or in_... (plan).
    gateway_reference = models.CharField(max_length=255, unique=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    objects = TransactionQuerySet.as_manager()
    remembered_fields = ("status",)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(kind="purchase", status="succeeded"),
                name="one_settled_purchase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.gateway_reference} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("courses:receipt", args=[self.pk])

    @property
    def just_became(self) -> str | None:
        """The status this save set, if it changed it (for the receivers that tell the buyer)."""
        before = self.saved_value("status")
        return self.status if before != self.status else None


class StripeEvent(models.Model):
    """A Stripe event handled: its id is unique, so a replay or a duplicate is recognised."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class StripeCustomer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer")
    customer_id = models.CharField(max_length=255, unique=True)

    def __str__(self) -> str:
        return f"{self.user} = {self.customer_id}"


class AllAccessPass(RemembersSavedValues):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="all_access")
    subscription_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_end = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    remembered_fields = ("status",)

    class Meta:
        verbose_name = "all-access plan"

    def __str__(self) -> str:
        return f"{self.user}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
