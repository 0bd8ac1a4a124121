"""Write a course's gradebook as CSV, the same file as the admin's "Export the gradebook as CSV"."""

import sys

from django.core.management.base import BaseCommand, CommandError

from courses.gradebook import write_gradebook_csv
from courses.models import Course


class Command(BaseCommand):
    help = "Export a course's gradebook (progress, best quiz scores, assignment grades) as CSV."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the course code, for example CS101")
        parser.add_argument("--output", "-o", help="a file to write (default: standard output)")

    def handle(self, *args, code: str, output: str | None, **options):
        course = Course.objects.filter(code__iexact=code).first()
        if course is None:
            raise CommandError(f"No course with the code {code!r}.")
        if output:
            with open(output, "w", newline="", encoding="utf-8") as stream:
                students = write_gradebook_csv(course, stream)
        else:
            students = write_gradebook_csv(course, self.stdout)
        sys.stderr.write(f"Exported the gradebook of {course.code}: {students} student(s).\n")
