"""Site admins edit the policies, see erasure requests and ask for an account's erasure (an action
on the user list, accounts/admin.py). Instructors never see any of it."""

from django.contrib import admin, messages
from django.utils import timezone

from lms_site.admin_access import NoAddOrDelete, SiteAdminOnly

from . import services
from .models import ErasureRequest, PolicyDocument


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ("kind", "version", "title", "published_at")
    list_filter = ("kind",)
    fields = ("kind", "version", "title", "body", "published_at")

    def get_readonly_fields(self, request, obj=None):
        # A published text is what people accepted: a change is a new version.
        if obj is not None and obj.published_at is not None and obj.published_at <= timezone.now():
            return ("kind", "version", "title", "body", "published_at")
        return ()

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.published_at is None)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(NoAddOrDelete, SiteAdminOnly, admin.ModelAdmin):
    """Erasures are requested from the user list (the action) or by the person, and the row stays as
    the record that an erasure was asked for and done."""

    list_display = ("user", "requested_by", "requested_at", "due_at", "cancelled_at", "erased_at")
    list_filter = ("erased_at", "cancelled_at")
    readonly_fields = ("user", "requested_by", "requested_at", "due_at", "cancelled_at", "erased_at")
    actions = ["cancel_selected"]

    @admin.action(description="Cancel the selected erasures (not yet carried out)")
    def cancel_selected(self, request, queryset):
        cancelled = sum(services.cancel_erasure(user=r.user) for r in queryset.select_related("user") if r.is_pending)
        self.message_user(request, f"Cancelled {cancelled} erasure(s).", messages.SUCCESS)


@admin.action(description="Erase the selected accounts (after the grace period)")
def request_erasure(modeladmin, request, queryset):
    """The user list's action: each selected account gets an erasure request, carried out by the
    worker when the grace period ends. A site admin cannot ask for their own (they use Your data)."""
    count = 0
    for user in queryset.exclude(pk=request.user.pk):
        services.request_erasure(user=user, by=request.user)
        count += 1
    modeladmin.message_user(
        request, f"Erasure requested for {count} account(s); each is carried out when its grace period ends."
    )
