"""Print a course's analytics: the figures of its dashboard in the admin, from the same selectors
(courses/selectors/analytics.py), as text tables. An operator's command: whoever runs manage.py may
read every course; `--as <username>` prints only what that account may see on the dashboard (an
instructor their own courses, a site admin every one), for a report run on someone's behalf."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from courses.models import Course
from courses.selectors import analytics


def _cell(value) -> str:
    if hasattr(value, "isoformat"):
        return timezone.localtime(value, timezone.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{value:g}" if isinstance(value, float) else str(value)


def table(figure) -> list[str]:
    """The figure as aligned text: its title, description, then its columns and rows."""
    cells = [figure.columns, *([_cell(value) for value in row] for row in figure.rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(figure.columns))]
    lines = [figure.title, figure.description]
    for index, row in enumerate(cells):
        first, *rest = row
        lines.append(
            "  "
            + first.ljust(widths[0])
            + "".join("  " + cell.rjust(w) for cell, w in zip(rest, widths[1:], strict=True))
        )
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    if not figure.rows:
        lines.append("  (nothing yet)")
    return lines


class Command(BaseCommand):
    help = "Print a course's analytics (the figures of its dashboard) as text tables."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the course code, for example CS101")
        parser.add_argument("--as", dest="username", help="as this account would see it (the pages' rule)")

    def handle(self, *args, code: str, username: str | None = None, **options):
        course = Course.objects.select_related("instructor").filter(code__iexact=code).first()
        if course is not None and username is not None:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No account with the username {username!r}.")
            try:
                course = analytics.get_analysed_course(user, course.pk)
            except Http404:
                course = None  # as on the pages: not said to exist
        if course is None:
            raise CommandError(f"No course with the code {code!r}.")
        students = analytics.student_count(course)
        self.stdout.write(f"{course.code}: {course.title} ({students} students)")
        for section, figures in analytics.course_figures(course, students=students).items():
            self.stdout.write("")
            self.stdout.write(f"== {analytics.SECTION_TITLES[section]} ==")
            for figure in figures:
                self.stdout.write("\n".join(table(figure)))
                self.stdout.write("")
