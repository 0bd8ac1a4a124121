"""Two rules for every course-owned admin. An instructor sees and changes only rows of their own
courses: the rule lives here once, and each ModelAdmin says how its rows reach a course. And every
write goes through a service (courses/services/): the admin's own saves, its inlines' rows and its
actions alike, so the admin takes the same door as the pages, the API and the commands."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404

from .. import permissions, services
from ..models import Course
from ..permissions import is_site_admin


class InstructorScopedAdmin(admin.ModelAdmin):
    #: The lookup from this model to its course's instructor ("instructor" for Course itself).
    instructor_lookup = "course__instructor"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_site_admin(request.user):
            return queryset
        return queryset.filter(**{self.instructor_lookup: request.user})

    def owns(self, request, obj) -> bool:
        if obj is None or is_site_admin(request.user):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.owns(request, obj)

    def save_model(self, request, obj, form, change):
        self.write(request, obj)

    def save_formset(self, request, form, formset, change):
        # One service call per inline row, so each row's rules and events run.
        for instance in formset.save(commit=False):
            self.write(request, instance)
        for deleted in formset.deleted_objects:
            self.remove(request, deleted)
        formset.save_m2m()

    def write(self, request, obj) -> None:
        """Save a row of this admin or of one of its inlines through its service. Course content
        (modules, lessons, quizzes, questions, choices, assignments) by default."""
        services.save_content(obj=obj, by=request.user)

    def remove(self, request, obj) -> None:
        """Delete a row of this admin's inlines (course content overrides it with its service)."""
        obj.delete()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not is_site_admin(request.user):
            kwargs["queryset"] = Course.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OwnCourseInline:
    """Inlines of a course the instructor owns (the parent admin already checked ownership)."""

    extra = 0
    show_change_link = False


class StudentRowsInline(OwnCourseInline, admin.TabularInline):
    """A course's students in some relation to it (subscribed, waiting): read-only rows, names only;
    instructors never see their students' other data. Subclasses give the model and the fields."""

    template = "admin/courses/tabular_rows.html"
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="student")
    def student_name(self, obj):
        return obj.student.display_name()

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" shortcut (/admin/r/<content type>/<id>/), for what this user may
    change only. Django's own redirects any staff user to any object with a URL, which confirms
    that another instructor's draft exists and where it lives. Here "not yours", "does not exist"
    and "not in the admin" are one and the same 404."""
    not_found = Http404("No such object.")
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise not_found from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise not_found
    try:
        obj = model._default_manager.filter(pk=object_id).first()
    except (ValueError, ValidationError):
        raise not_found from None
    if obj is None or not model_admin.has_change_permission(request, obj):
        raise not_found
    if permissions.is_course_content(obj) and not permissions.may_change(request.user, obj):
        raise not_found
    return shortcut(request, content_type_id, object_id)
