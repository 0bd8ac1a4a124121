"""Site administrators see every delivery (dead ones first to act on) and retry them, and set the
site's defaults per kind, locking a channel where users must not turn it off."""

from django.contrib import admin, messages

from courses.permissions import is_site_admin

from . import preferences, sending
from .models import Delivery, SitePreference
from .tasks import send_due


class SiteAdminOnly:
    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_add_permission(self, request):
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request.user)


@admin.register(Delivery)
class DeliveryAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ("event", "user", "channel", "mode", "state", "attempts", "due_at", "sent_at", "short_error")
    list_filter = ("state", "channel", "mode", "urgent")
    search_fields = ("user__username", "user__email", "key")
    list_select_related = ("event", "user")
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["retry"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only; retrying is an action

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Retry the selected dead or failed deliveries")
    def retry(self, request, queryset):
        count = sending.retry(queryset)

        send_due.enqueue()
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)


@admin.register(SitePreference)
class SitePreferenceAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ("label", "email", "push", "email_locked", "push_locked")

    @admin.display(description="kind")
    def label(self, obj):
        return preferences.LABELS.get(obj.kind, obj.kind)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            from django import forms

            return forms.ChoiceField(choices=[(kind, preferences.LABELS[kind]) for kind in preferences.DEFAULTS])
        return super().formfield_for_dbfield(db_field, request, **kwargs)
