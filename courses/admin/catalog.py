from django.contrib import admin, messages
from django.db.models import Count

from .. import selectors, services
from ..forms.learning import label_file_input
from ..models import Announcement, Course, Resource, Subscription
from ..models.catalog import upload_help
from ..permissions import is_site_admin
from .enrolment import ENROLMENT_FIELDS, CourseForm, WaitlistInline
from .scoping import InstructorScopedAdmin, OwnCourseInline, StudentRowsInline

CODE_HELP = (
    "Letters, digits, '-' and '_', at most 20 (for example CS101). It names the course's address and "
    "cannot be changed once the course is created."
)


#: Said on every resource form, before the error would say it.
RESOURCE_RULE = "Give exactly one of: a file, a link or a text."


class ResourceForms:
    """A resource's upload states its size limit; its text field is Markdown."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file":
            field.help_text = upload_help(f"{RESOURCE_RULE} Any type; students download it.")
            label_file_input(field)
        return field


class ResourceInline(ResourceForms, OwnCourseInline, admin.StackedInline):
    model = Resource
    fields = ["title", "file", "url", "body"]


class AnnouncementInline(OwnCourseInline, admin.StackedInline):
    model = Announcement
    fields = ["title", "body"]


class SubscriberInline(StudentRowsInline):
    """Who is subscribed."""

    model = Subscription
    verbose_name_plural = "subscribers"
    fields = ["student_name", "subscribed_at", "last_viewed_at"]


@admin.register(Course)
class CourseAdmin(InstructorScopedAdmin):
    instructor_lookup = "instructor"
    list_display = ["code", "title", "instructor", "is_published", "subscriber_count", "created_at"]
    list_filter = ["is_published"]
    search_fields = ["code", "title"]
    form = CourseForm
    inlines = [ResourceInline, AnnouncementInline, SubscriberInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("instructor").annotate(subscriber_total=Count("subscriptions"))
        )

    @admin.display(description="subscribers", ordering="subscriber_total")
    def subscriber_count(self, obj):
        return obj.subscriber_total

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "code":
            field.help_text = CODE_HELP
        return field

    def get_urls(self):
        # The course's workspace, grading and analytics pages (courses/admin/workspace.py, grading.py, analytics.py).
        from .analytics import Analytics
        from .grading import Grading
        from .workspace import Workspace

        return Analytics(self).urls() + Workspace(self).urls() + Grading(self).urls() + super().get_urls()

    def get_fields(self, request, obj=None):
        fields = ["code", "title", "description", "price", "currency", "is_published"]
        return [*fields, "instructor"] if is_site_admin(request.user) else fields

    def get_inlines(self, request, obj):
        # A waiting list only where seats are limited.
        has_line = obj is not None and obj.capacity is not None
        return [*self.inlines, WaitlistInline] if has_line else self.inlines

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.get_fields(request, obj)}), ("Enrolment", {"fields": ENROLMENT_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        # The code names the course's topic and group; it stays fixed once created.
        return ["code"] if obj else []

    def write(self, request, obj) -> None:
        # The course itself and its inline resources and announcements.
        writers = {
            Course: lambda: services.save_course(course=obj, by=request.user),
            Resource: lambda: services.save_resource(resource=obj, by=request.user),
            Announcement: lambda: services.save_announcement(announcement=obj, by=request.user),
        }
        writers[type(obj)]()

    @admin.action(description="Publish the selected courses")
    def publish(self, request, queryset):
        self._set_published(request, queryset, published=True)

    @admin.action(description="Unpublish the selected courses")
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, published=False)

    def _set_published(self, request, queryset, *, published: bool) -> None:
        changed = sum(
            services.set_published(course=course, published=published, by=request.user) for course in queryset
        )
        verb = "Published" if published else "Unpublished"
        self.message_user(request, f"{verb} {changed} course(s).", messages.SUCCESS)


@admin.register(Resource)
class ResourceAdmin(ResourceForms, InstructorScopedAdmin):
    list_display = ["title", "course", "kind", "created_at"]
    list_filter = [("course", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "course__code"]
    list_select_related = ["course"]
    fields = ["course", "title", "file", "url", "body"]

    def write(self, request, obj) -> None:
        services.save_resource(resource=obj, by=request.user)


@admin.register(Announcement)
class AnnouncementAdmin(InstructorScopedAdmin):
    list_display = ["title", "course", "author", "is_urgent", "acknowledgements", "created_at"]
    search_fields = ["title", "body"]
    list_select_related = ["course", "author"]
    fields = ["course", "title", "body", "is_urgent", "requires_acknowledgement"]
    actions = ["remind"]

    def get_queryset(self, request):
        return selectors.with_acknowledgement_counts(super().get_queryset(request))

    @admin.display(description="acknowledged")
    def acknowledgements(self, obj):
        if not obj.requires_acknowledgement or obj.course is None:
            return "-"
        return f"{obj.acknowledged} of {obj.expected}"

    @admin.action(description="Remind members who have not acknowledged")
    def remind(self, request, queryset):
        count = 0
        for announcement in queryset.filter(requires_acknowledgement=True, course__isnull=False):
            count += services.remind_unacknowledged(announcement=announcement, by=request.user)
        self.message_user(request, f"{count} reminder{'s' if count != 1 else ''} sent.")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        course = form.base_fields["course"]
        if is_site_admin(request.user):
            course.help_text = "The course whose members are told. Empty: a site-wide announcement, to everyone."
        else:
            # Only site admins post site-wide announcements.
            course.required = True
            course.help_text = "The course whose members are told: one of yours."
        return form

    def write(self, request, obj) -> None:
        services.save_announcement(announcement=obj, by=request.user)


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
        return is_site_admin(request.user) and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        # Through the service: a freed seat goes to the first in line.
        services.unsubscribe(user=obj.student, course=obj.course)

    def delete_queryset(self, request, queryset):
        for subscription in queryset.select_related("student", "course"):
            self.delete_model(request, subscription)
