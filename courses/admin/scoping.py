"""One rule for every course-owned admin: an instructor sees and changes only rows of their own
courses. The rule lives here once; each ModelAdmin says how its rows reach a course."""

from django.contrib import admin

from ..models import Course


def is_site_admin(request) -> bool:
    return request.user.is_active and request.user.is_site_admin


class InstructorScopedAdmin(admin.ModelAdmin):
    #: The lookup from this model to its course's instructor ("instructor" for Course itself).
    instructor_lookup = "course__instructor"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_site_admin(request):
            return queryset
        return queryset.filter(**{self.instructor_lookup: request.user})

    def owns(self, request, obj) -> bool:
        if obj is None or is_site_admin(request):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.owns(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course" and not is_site_admin(request):
            kwargs["queryset"] = Course.objects.taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OwnCourseInline:
    """Inlines of a course the instructor owns (the parent admin already checked ownership)."""

    extra = 0
    show_change_link = False
