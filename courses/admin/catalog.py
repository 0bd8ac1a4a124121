from django.contrib import admin, messages
from django.db.models import Count

from ..models import Announcement, Course, Resource, Subscription
from .scoping import InstructorScopedAdmin, OwnCourseInline, is_site_admin


class ResourceInline(OwnCourseInline, admin.StackedInline):
    model = Resource
    fields = ["title", "file", "url", "body"]


class AnnouncementInline(OwnCourseInline, admin.StackedInline):
    model = Announcement
    fields = ["title", "body"]


class SubscriberInline(OwnCourseInline, admin.TabularInline):
    """Who is subscribed: names only; instructors never see their students' other data."""

    model = Subscription
    verbose_name_plural = "subscribers"
    fields = ["student_name", "subscribed_at", "last_viewed_at"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description="student")
    def student_name(self, obj):
        return obj.student.display_name()

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")


@admin.register(Course)
class CourseAdmin(InstructorScopedAdmin):
    instructor_lookup = "instructor"
    list_display = ["code", "title", "instructor", "is_published", "subscriber_count", "created_at"]
    list_filter = ["is_published"]
    search_fields = ["code", "title"]
    inlines = [ResourceInline, AnnouncementInline, SubscriberInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("instructor").annotate(subscriber_total=Count("subscriptions"))
        )

    @admin.display(description="subscribers", ordering="subscriber_total")
    def subscriber_count(self, obj):
        return obj.subscriber_total

    def get_fields(self, request, obj=None):
        fields = ["code", "title", "description", "is_published"]
        return [*fields, "instructor"] if is_site_admin(request) else fields

    def get_readonly_fields(self, request, obj=None):
        # The code names the course's topic and group; it stays fixed once created.
        return ["code"] if obj else []

    def save_model(self, request, obj, form, change):
        if not is_site_admin(request):
            obj.instructor = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # Inline resources and announcements are written one by one so each one's event fires,
        # and an announcement made here is signed by whoever made it.
        for instance in formset.save(commit=False):
            if isinstance(instance, Announcement) and instance.author_id is None:
                instance.author = request.user
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()

    @admin.action(description="Publish the selected courses")
    def publish(self, request, queryset):
        # One save per course, not queryset.update(): publishing is an event students are told of.
        changed = 0
        for course in queryset.filter(is_published=False):
            course.is_published = True
            course.save(update_fields=["is_published"])
            changed += 1
        self.message_user(request, f"Published {changed} course(s).", messages.SUCCESS)

    @admin.action(description="Unpublish the selected courses")
    def unpublish(self, request, queryset):
        changed = queryset.filter(is_published=True).update(is_published=False)
        self.message_user(request, f"Unpublished {changed} course(s).", messages.SUCCESS)


@admin.register(Resource)
class ResourceAdmin(InstructorScopedAdmin):
    list_display = ["title", "course", "kind", "created_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "course__code"]
    list_select_related = ["course"]
    fields = ["course", "title", "file", "url", "body"]


@admin.register(Announcement)
class AnnouncementAdmin(InstructorScopedAdmin):
    list_display = ["title", "course", "author", "created_at"]
    search_fields = ["title", "body"]
    list_select_related = ["course", "author"]
    fields = ["course", "title", "body"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not is_site_admin(request):
            # Only site admins post site-wide announcements.
            form.base_fields["course"].required = True
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Subscription)
class SubscriptionAdmin(InstructorScopedAdmin):
    """Subscribers of my courses, read-only: students subscribe themselves."""

    list_display = ["student_name", "course", "subscribed_at", "last_viewed_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["student__username", "student__first_name", "student__last_name", "course__code"]
    list_select_related = ["student", "course"]
    fields = ["student_name", "course", "subscribed_at", "last_viewed_at"]
    readonly_fields = fields

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, obj):
        return obj.student.display_name()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request) and super().has_delete_permission(request, obj)
