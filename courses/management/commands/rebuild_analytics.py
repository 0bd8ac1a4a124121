"""Rebuild the analytics rollup (which students were active in which course each week) from the
source rows, in one set-based statement. The services keep it current as they write; run this after
writing rows around them (a bulk seed, an import, a restore)."""

import time

from django.core.management.base import BaseCommand

from courses.services import rebuild_analytics


class Command(BaseCommand):
    help = "Rebuild the analytics rollup (active students per course and week) from the rows of their work."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rebuild_analytics()
        self.stdout.write(
            f"Rebuilt the analytics rollup: {rows} active student-weeks in {time.monotonic() - started:.1f} s."
        )
