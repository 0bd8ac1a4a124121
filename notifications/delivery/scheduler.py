"""What the worker does on its own clock (`manage.py lms_worker` runs it in a thread beside
django-tasks-db's worker loop): leave a heartbeat, put back what a dead worker left half-sent,
ring for due deliveries whose task was lost, try again the invitations whose mail failed, and start
the digests once an hour."""

import logging
import socket
import threading

from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import invitations, sending, tasks
from .models import Channel, WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_name(worker_id: str) -> str:
    return f"{socket.gethostname()}:{worker_id}"[:64]


def has_waiting(task) -> bool:
    return DBTaskResult.objects.ready().filter(task_path=task.module_path).exists()


def tick(worker_id: str, state: dict) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_name(worker_id), defaults={"seen_at": now})
    sending.recover_stale()
    due = sending.due_immediate(Channel.EMAIL, now).exists() or sending.due_immediate(Channel.PUSH, now).exists()
    if due and not has_waiting(tasks.send_due):
        tasks.send_due.enqueue()
    for invitation_id in invitations.due(now):
        tasks.send_invitation.enqueue(invitation_id)
    hour = now.replace(minute=0, second=0, microsecond=0)
    if state.get("digest_hour") != hour and not has_waiting(tasks.send_digests):
        tasks.send_digests.enqueue()
        state["digest_hour"] = hour


class Scheduler(threading.Thread):
    def __init__(self, worker_id: str, interval: float):
        super().__init__(name="lms-scheduler", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()
        self.state: dict = {}

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                tick(self.worker_id, self.state)
            except Exception:  # the database may be briefly unavailable: try again next tick
                logger.exception("Scheduler tick failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)
