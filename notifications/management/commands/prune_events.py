"""`manage.py prune_events --older-than 90d`: delete old events in batches.

Clients resume from an id; one older than what is left gets the events that are left (replay is
by id, not by age), so pruning never breaks a client.
"""

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...models import Event

UNITS = {"d": "days", "h": "hours", "m": "minutes", "w": "weeks"}


def parse_age(value: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+)\s*([dhmw])\s*", value or "")
    if not match:
        raise CommandError(f"--older-than takes a number and a unit (d, h, m, w), like 90d; not {value!r}.")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Delete events older than an age (default 90d) in batches, then print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default="90d", help="An age: 90d, 12h, 30m, 4w (default 90d).")
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows deleted per statement.")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, older_than: str, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        cutoff = timezone.now() - parse_age(older_than)
        old = Event.objects.filter(created_at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"Would delete {old.count()} events created before {cutoff:%Y-%m-%d %H:%M} UTC.")
            return
        deleted = batches = 0
        while True:
            # Short statements by primary key: writers are never locked out for long.
            ids = list(old.order_by("id").values_list("id", flat=True)[:batch_size])
            if not ids:
                break
            count, _ = Event.objects.filter(id__in=ids).delete()
            deleted += count
            batches += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"  batch {batches}: {count} events")
        remaining = Event.objects.count()
        self.stdout.write(
            f"Deleted {deleted} events created before {cutoff:%Y-%m-%d %H:%M} UTC in {batches} batches; "
            f"{remaining} remain."
        )
