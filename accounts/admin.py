from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from lms_site.admin_access import NoAddOrDelete, SiteAdminOnly

from . import services
from .models import InstructorRequest, User
from .privacy import admin as privacy_admin


@admin.register(User)
class UserAdmin(SiteAdminOnly, DjangoUserAdmin):
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

    def save_related(self, request, form, formsets, change):
        # After the form's groups are saved, which would otherwise undo the group membership.
        super().save_related(request, form, formsets, change)
        user = form.instance
        if user.is_instructor:
            # Staff status and the group follow the role, as they do at sign-up.
            services.make_instructor(user)


@admin.register(InstructorRequest)
class InstructorRequestAdmin(NoAddOrDelete, SiteAdminOnly, admin.ModelAdmin):
    """Site admins decide who may teach; the pending requests come first. Deciding goes through
    accounts.services.decide_instructor_request, like every other door. Students make the requests
    (accounts:instructor_access); the change permission is for the actions, every field is read-only."""

    list_display = ("user", "user_email", "reason", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("user", "decided_by")
    search_fields = ("user__username", "user__email", "reason")
    readonly_fields = ("user", "reason", "status", "created_at", "decided_by", "decided_at")
    actions = ("approve", "decline")

    @admin.display(description="email", ordering="user__email")
    def user_email(self, obj: InstructorRequest) -> str:
        return obj.user.email

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-status", "-created_at")  # pending first

    def _decide(self, request, queryset, *, approve: bool) -> None:
        pending = queryset.filter(status=InstructorRequest.Status.PENDING)
        count = 0
        for item in pending:
            services.decide_instructor_request(request=item, approve=approve, by=request.user)
            count += 1
        verb = "Approved" if approve else "Declined"
        self.message_user(request, f"{verb} {count} request(s); already decided ones were left as they were.")

    @admin.action(description="Approve: make them instructors")
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Decline: they stay (or become) students")
    def decline(self, request, queryset):
        self._decide(request, queryset, approve=False)
