"""Payments in the admin: transactions read-only (nobody adds, changes or deletes one here: they
are the record of what Stripe did); an instructor sees the sales of their own courses
(InstructorScopedAdmin's rule); site admins see all and refund a settled purchase through Stripe
(the "Refund" action calls `services.refund`). The all-access plans: site admins, read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .. import services
from ..models import AllAccessPass, Transaction
from ..permissions import is_site_admin
from .scoping import InstructorScopedAdmin


@admin.register(Transaction)
class TransactionAdmin(InstructorScopedAdmin):
    list_display = ["created_at", "kind", "status", "course", "user", "amount", "currency", "gateway_reference"]
    list_filter = ["kind", "status", "currency"]
    search_fields = ["gateway_reference", "course__code", "user__username", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["course", "user"]
    actions = ["refund"]
    fields = [
        "kind", "status", "course", "user", "amount", "currency", "gateway_reference", "failure_message",
        "created_at", "settled_at", "refunded_at",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request):
        return is_site_admin(request.user)

    @admin.action(description="Refund the selected purchases in full (through Stripe)", permissions=["refund"])
    def refund(self, request, queryset):
        done = 0
        for purchase in queryset.filter(kind=Transaction.Kind.PURCHASE).select_related("course", "user"):
            try:
                services.refund(purchase=purchase, by=request.user)
            except ValidationError as refused:
                self.message_user(request, f"{purchase}: {' '.join(refused.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"Refunded {done} purchase(s); the students were told.", messages.SUCCESS)


@admin.register(AllAccessPass)
class AllAccessPassAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "cancel_at_period_end", "current_period_end", "started_at", "ended_at"]
    list_filter = ["status", "cancel_at_period_end"]
    search_fields = ["user__username", "user__email", "subscription_id"]
    readonly_fields = [
        "user", "subscription_id", "status", "cancel_at_period_end", "current_period_end", "started_at", "ended_at",
    ]  # fmt: skip

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
