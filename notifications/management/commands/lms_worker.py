"""`manage.py lms_worker`: django-tasks-db's `db_worker`, plus the delivery scheduler in a thread
(notifications/delivery/scheduler.py: heartbeat, stale claims, lost doorbells, hourly digests).
Takes every option of db_worker; `make run`'s Procfile and `make cluster` start it.

db_worker's loop ends on a database error it does not expect: the database restarting or failing
over, or a task's row deleted while the task ran (its result then cannot be recorded). This worker
starts the loop again instead of exiting, as the scheduler carries on after a failed tick: the
tasks are doorbells the scheduler rings again, and the work they do lives in rows that outlast them.
"""

import logging
import signal
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from notifications.delivery.scheduler import Scheduler

logger = logging.getLogger(__name__)

RESTART_PAUSE_SECONDS = 1.0


class Command(DBWorkerCommand):
    help = "Run the task worker with the delivery scheduler (heartbeat, retries, digests)."

    def handle(self, *args, worker_id: str, **options):
        scheduler = Scheduler(worker_id, settings.DELIVERY_TICK_SECONDS)
        scheduler.start()
        try:
            while True:
                try:
                    super().handle(*args, worker_id=worker_id, **options)
                    return
                except DatabaseError:
                    if _stopping():
                        logger.exception("Task worker: a database error as it was stopping; stopped")
                        return
                    logger.exception("Task worker: a database error ended the loop; starting it again")
                    close_old_connections()
                    time.sleep(RESTART_PAUSE_SECONDS)
        finally:
            scheduler.stopped.set()


def _stopping() -> bool:
    """Whether db_worker's loop had been asked to stop (SIGTERM, SIGINT): its handler for them is its
    worker's bound `shutdown`, which clears `running`."""
    worker = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return worker is not None and not worker.running
