"""Carry out the account erasures whose grace period has ended.

The worker already does this: each request enqueues its erasure task to run at its due time
(django-tasks-db's `run_after`), and `make run` starts the worker. This command is the safety net
and the operator's tool, for a task that was lost (a wiped task table, a failed run) or a grace
period shortened since. Idempotent, so cron may run it daily:

    0 3 * * *  cd /srv/lms && .venv/bin/python manage.py erase_due
"""

from django.core.management.base import BaseCommand

from accounts.privacy import services


class Command(BaseCommand):
    help = "Erase the accounts whose erasure request is due (safe to run any time; the worker does it too)."

    def handle(self, *args, **options):
        erased = services.erase_due()
        self.stdout.write(f"Erased {erased} account(s).")
