"""List the published lessons students cannot use (courses/services/publishing.py), and with
`--unpublish` make them drafts. Lessons published before the rule existed may be such (a quiz with
no questions, a choice question without choices); every door refuses new ones. Run once after
upgrading, then whenever in doubt:

    .venv/bin/python manage.py unusable_lessons              # list
    .venv/bin/python manage.py unusable_lessons --unpublish  # and make them drafts
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from courses import services
from courses.models import Lesson


class Command(BaseCommand):
    help = "List published lessons students cannot use; --unpublish makes them drafts."

    def add_arguments(self, parser):
        parser.add_argument("--unpublish", action="store_true", help="make each of them a draft")

    def handle(self, *args, unpublish: bool, **options):
        lessons = Lesson.objects.filter(is_published=True).select_related("module__course")
        found = unpublished = 0
        for lesson in lessons.order_by("module__course__code", "module__position", "module_id", "position", "id"):
            problems = services.publish_problems(lesson)
            if not problems:
                continue
            found += 1
            self.stdout.write(
                f"{lesson.module.course.code} · {lesson.title} (lesson {lesson.pk}): {' '.join(problems)}"
            )
            if unpublish:
                lesson.is_published = False
                try:
                    services.save_content(obj=lesson, by=None)  # the operator
                    unpublished += 1
                except ValidationError as error:
                    self.stderr.write(f"  not unpublished: {' '.join(error.messages)}")
        summary = f"{found} published lesson(s) students cannot use"
        self.stdout.write(f"{summary}; {unpublished} unpublished." if unpublish else f"{summary}.")
