"""Two rules for every course-owned admin. An instructor sees and changes only rows of their own
courses: the rule lives here once, and each ModelAdmin says how its rows reach a course. And every
write goes through a service (courses/services/): the admin's own saves, its inlines' rows and its
actions alike, so the admin takes the same door as the pages, the API and the commands."""

from django.contrib import admin

from .. import services
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
            deleted.delete()
        formset.save_m2m()

    def write(self, request, obj) -> None:
        """Save a row of this admin or of one of its inlines through its service. Course content
        (modules, lessons, quizzes, questions, choices, assignments) by default."""
        services.save_content(obj=obj, by=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not is_site_admin(request.user):
            kwargs["queryset"] = Course.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OwnCourseInline:
    """Inlines of a course the instructor owns (the parent admin already checked ownership)."""

    extra = 0
    show_change_link = False
