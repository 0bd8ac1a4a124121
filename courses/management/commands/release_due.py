"""Announce lessons whose release time has come: each gets its `new_lesson` event once.

Idempotent and safe to overlap, so cron may run it every minute:

    * * * * *  cd /srv/lms && .venv/bin/python manage.py release_due

or, with no cron at all, let it run as a long-lived process: `manage.py release_due --every 60`.
"""

import time

from django.core.management.base import BaseCommand

from courses.models import Lesson


class Command(BaseCommand):
    help = "Announce released lessons (new_lesson events) whose release time has come. Safe every minute."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, metavar="SECONDS", help="keep running, checking every SECONDS"
        )

    def handle(self, *args, every: int, **options):
        while True:
            announced = self.release()
            self.stdout.write(f"Announced {announced} lesson(s).")
            if every <= 0:
                return
            time.sleep(every)

    def release(self) -> int:
        # Lesson.announce_if_due locks each row, so overlapping runs announce a lesson once.
        due = Lesson.objects.due_for_announcement().order_by("release_at", "id")
        return sum(1 for lesson in due if lesson.announce_if_due())
