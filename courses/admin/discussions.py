"""Moderating discussions in the admin: threads (pin, lock) and posts (remove). Every admin is
InstructorScopedAdmin: an instructor moderates only their own courses' threads."""

from django.contrib import admin, messages
from django.db.models import Count

from .. import services
from ..models import (
    Post,
    Thread,
)
from .scoping import InstructorScopedAdmin


def moderation_action(action: str):
    """An admin action that applies services.moderate_thread to each selected thread."""

    @admin.action(description=f"{action.capitalize()} the selected threads", permissions=["change"])
    def moderate(model_admin, request, queryset):
        threads = list(queryset.select_related("course"))
        for thread in threads:
            services.moderate_thread(user=request.user, thread=thread, action=action)
        model_admin.message_user(request, f"{action.capitalize()}: {len(threads)} thread(s).", messages.SUCCESS)

    moderate.__name__ = action
    return moderate


@admin.register(Thread)
class ThreadAdmin(InstructorScopedAdmin):
    list_display = ["title", "course", "author", "is_pinned", "is_locked", "post_count", "last_activity_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter), "is_pinned", "is_locked"]
    search_fields = ["title"]
    list_select_related = ["course", "author"]
    fields = ["title", "course", "lesson", "author", "is_pinned", "is_locked", "created_at"]
    readonly_fields = ["course", "lesson", "author", "created_at"]
    actions = [moderation_action(action) for action in ("pin", "unpin", "lock", "unlock")]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description="posts", ordering="post_total")
    def post_count(self, obj):
        return obj.post_total

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # The change form's flags are the same moderation as the actions.
        for flag, (on, off) in {"is_pinned": ("pin", "unpin"), "is_locked": ("lock", "unlock")}.items():
            if flag in form.changed_data:
                services.moderate_thread(user=request.user, thread=obj, action=on if getattr(obj, flag) else off)
        if "title" in form.changed_data:
            services.rename_thread(user=request.user, thread=obj, title=obj.title)


@admin.register(Post)
class PostAdmin(InstructorScopedAdmin):
    instructor_lookup = "thread__course__instructor"
    list_display = ["__str__", "thread", "author", "created_at", "is_removed"]
    list_filter = [("thread__course", admin.RelatedOnlyFieldListFilter), "is_removed"]
    search_fields = ["body", "thread__title"]
    list_select_related = ["thread", "author"]
    fields = ["thread", "parent", "author", "body", "created_at", "edited_at", "is_removed"]
    readonly_fields = fields
    actions = ["remove"]

    @admin.action(description="Remove the selected posts (replies stay)", permissions=["change"])
    def remove(self, request, queryset):
        posts = list(queryset.select_related("thread__course"))
        for post in posts:
            services.remove_post(user=request.user, post=post)
        self.message_user(request, f"Removed {len(posts)} post(s).", messages.SUCCESS)

    def has_add_permission(self, request):
        return False
