"""`manage.py lms_worker`: django-tasks-db's `db_worker`, plus the delivery scheduler in a thread
(notifications/delivery/scheduler.py: heartbeat, stale claims, lost doorbells, hourly digests).
Takes every option of db_worker; `make run`'s Procfile and `make cluster` start it."""

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from notifications.delivery.scheduler import Scheduler


class Command(DBWorkerCommand):
    help = "Run the task worker with the delivery scheduler (heartbeat, retries, digests)."

    def handle(self, *args, worker_id: str, **options):
        scheduler = Scheduler(worker_id, settings.DELIVERY_TICK_SECONDS)
        scheduler.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            scheduler.stopped.set()
