"""The analytics pages in the admin: a course's dashboard for its teacher (linked from the workspace's
tabs), one student's progress in it (the at-risk list's links), the dashboard across courses and the
completion report for site admins, and each figure as CSV. The figures are
`courses.selectors.analytics`' (the same as `manage.py course_report` prints); the pages only lay
them out. Who may see them: `permissions.may_see_analytics` (through `get_analysed_course`: 404 for
anyone else) and `may_see_site_analytics`.

Each section of a course's dashboard is a live part: notifications/live_analytics.py renders the same
partial when a student completes a lesson, submits or posts, and static/js/analytics.js starts the
activity socket that brings it (the admin's pages do not load the site's header)."""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import csv_writer
from ..permissions import may_see_site_analytics
from ..selectors import analytics as selectors


def csv_response(figure, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{figure.key}.csv"'
    writer = csv_writer.writer(response)
    writer.writerow(figure.columns)
    writer.writerows(figure.rows)
    return response


def _figure(figures, key: str):
    for figure in figures:
        if figure.key == key:
            return figure
    raise Http404("No such table.")


def _sections_asked(request, known: dict) -> list[str] | HttpResponse | None:
    """What `?sections=` asks for: None (the whole page), the known sections it names, or a 400
    naming them when it names none of them."""
    asked = request.GET.get("sections")
    if asked is None:
        return None
    wanted = [key for key in asked.split(",") if key in known]
    return wanted or HttpResponseBadRequest("Name sections: " + ", ".join(known) + ".")


STUDENT_URL = "courses_course_analytics_student"


class Analytics:
    """The analytics views, bound to the CourseAdmin whose URLs they are."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def view(self, page):
        """The admin's own guard (log in, second factor, staff), but a signed-in student or any
        other non-staff account gets 404, as for any course page it may not see: the analytics of
        a course are not even said to exist to them."""
        guarded = self.admin_site.admin_view(page)

        @wraps(page)
        def checked(request, *args, **kwargs):
            if request.user.is_authenticated and not request.user.is_staff:
                raise Http404("No such page.")
            return guarded(request, *args, **kwargs)

        return checked

    def urls(self) -> list:
        view = self.view
        return [
            path("analytics/", view(self.site), name="courses_course_site_analytics"),
            path("analytics/completion/", view(self.completion), name="courses_course_completion"),
            path("analytics/<slug:key>.csv", view(self.site_csv), name="courses_course_site_analytics_csv"),
            path("<int:pk>/analytics/", view(self.course), name="courses_course_analytics"),
            path("<int:pk>/analytics/<slug:key>.csv", view(self.course_csv), name="courses_course_analytics_csv"),
            path(
                "<int:pk>/analytics/students/<int:student>/",
                view(self.student),
                name="courses_course_analytics_student",
            ),
        ]

    def _context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model_admin.model._meta,
            "weeks": settings.ANALYTICS_WEEKS,
            "inactive_days": settings.ANALYTICS_INACTIVE_DAYS,
            **extra,
        }

    def course(self, request, pk):
        """A course's dashboard; with `?sections=funnel,activity`, only those sections' HTML, which
        the page opened by a site admin (not the instructor, whose page gets them as live parts)
        reads again when an event says they changed (static/js/analytics.js)."""
        course = selectors.get_analysed_course(request.user, pk)
        csv_base = reverse("admin:courses_course_analytics", args=[course.pk])
        asked = _sections_asked(request, selectors.SECTION_TITLES)
        if isinstance(asked, HttpResponse):
            return asked
        if asked is not None:
            context = {"course": course, "sections": selectors.course_sections(course, asked), "csv_base": csv_base}
            return TemplateResponse(request, "admin/courses/analytics/_sections.html", context)
        students = selectors.student_count(course)
        context = self._context(
            request,
            course=course,
            title=f"{course.code}: analytics",
            subtitle=course.title,
            tab="analytics",
            students=students,
            sections=selectors.course_sections(course, students=students),
            csv_base=csv_base,
            follows_by_reading=request.user.pk != course.instructor_id,
        )
        return TemplateResponse(request, "admin/courses/analytics/course.html", context)

    def course_csv(self, request, pk, key):
        course = selectors.get_analysed_course(request.user, pk)
        section = next((name for name, keys in selectors.FIGURE_SECTIONS.items() if key in keys), None)
        if section is None:
            raise Http404("No such table.")
        return csv_response(_figure(selectors.course_figures(course, [section])[section], key), course.code)

    def student(self, request, pk, student):
        course = selectors.get_analysed_course(request.user, pk)
        found = selectors.get_course_student(course, student)
        if found is None:
            raise Http404("No such student.")
        context = self._context(
            request,
            course=course,
            student=found,
            lessons=selectors.student_lessons(course, found),
            title=f"{course.code}: {found.display_name()}",
            subtitle=course.title,
            tab="analytics",
        )
        return TemplateResponse(request, "admin/courses/analytics/student.html", context)

    def _site_only(self, request) -> None:
        if not may_see_site_analytics(request.user):
            raise Http404("No such page.")

    def site(self, request):
        """The dashboard across courses; with `?sections=people,work`, only those sections' HTML,
        which the open page reads again when an event says they changed (static/js/analytics.js)."""
        self._site_only(request)
        asked = _sections_asked(request, selectors.SITE_SECTION_TITLES)
        if isinstance(asked, HttpResponse):
            return asked
        if asked is not None:
            context = {"sections": selectors.site_sections(asked), "csv_base": self.site_csv_base}
            return TemplateResponse(request, "admin/courses/analytics/_sections.html", context)
        context = self._context(
            request, title="Analytics", tab="site", sections=selectors.site_sections(), csv_base=self.site_csv_base
        )
        return TemplateResponse(request, "admin/courses/analytics/site.html", context)

    @property
    def site_csv_base(self) -> str:
        return reverse("admin:courses_course_site_analytics")

    def completion(self, request):
        self._site_only(request)
        figure = selectors.completion_figure(request.user)
        context = self._context(
            request,
            title="Course completion",
            tab="completion",
            sections=[{"key": "completion", "title": "Every course", "figures": [figure]}],
            csv_base=self.site_csv_base,
        )
        return TemplateResponse(request, "admin/courses/analytics/site.html", context)

    def site_csv(self, request, key):
        self._site_only(request)
        figures = [selectors.completion_figure(request.user)] if key == "completion" else selectors.site_figures()
        return csv_response(_figure(figures, key), "site")
