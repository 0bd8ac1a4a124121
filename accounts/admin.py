from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import services
from .models import User
from .privacy import admin as privacy_admin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People are managed by site administrators only. Instructors are staff too, but must not
    browse other people's accounts, whatever permissions they are given."""

    list_display = ("username", "email", "first_name", "last_name", "role", "is_staff", "is_active")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "groups")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Personal info", {"fields": ("first_name", "last_name", "email", "bio")}),
        ("Role", {"fields": ("role",)}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    actions = [privacy_admin.request_erasure]
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Role", {"classes": ("wide",), "fields": ("email", "role")}),
    )

    @staticmethod
    def _is_site_admin(request) -> bool:
        return request.user.is_staff and request.user.is_site_admin

    def has_module_permission(self, request):
        return self._is_site_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_site_admin(request)

    def has_add_permission(self, request):
        return self._is_site_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_site_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_site_admin(request)

    def save_related(self, request, form, formsets, change):
        # After the form's groups are saved, which would otherwise undo the group membership.
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.is_instructor:
            # Staff status and the group follow the role, as they do at sign-up.
            services.make_instructor(user)
