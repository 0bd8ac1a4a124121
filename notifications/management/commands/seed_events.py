"""`manage.py seed_events --events 200000`: top the event log up to a size, for benchmarks.

seed_demo (courses) builds the people, courses and resources and must not know about events; this
command fills the log as months of use would: mostly course news, some catalog news, a little
personal and site-wide news. Rows are bulk-inserted (nothing is published: old news is not live)
and tagged `payload.seed`, so a second run adds only what is missing.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.models import Course

from ... import topics
from ...models import Event

User = get_user_model()
BATCH = 5000


class Command(BaseCommand):
    help = "Bulk-insert generated events until the log holds --events of them (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=200_000, help="seeded events wanted in all")
        parser.add_argument("--days", type=int, default=120, help="spread them over this many past days")
        parser.add_argument("--batch-size", type=int, default=BATCH, help="rows per insert")

    def handle(self, *args, events: int, days: int, batch_size: int, **options):
        if events < 0 or batch_size < 1 or days < 1:
            raise CommandError("--events must be >= 0, --batch-size and --days >= 1.")
        existing = Event.objects.filter(payload__has_key="seed").count()
        if existing >= events:
            self.stdout.write(f"Event log already holds {existing} seeded events; nothing to add.")
            return
        courses = list(Course.objects.values_list("id", "code", "title"))
        user_ids = list(User.objects.values_list("id", flat=True)[:50_000])
        if not courses or not user_ids:
            raise CommandError("No courses or users: run seed_demo first.")
        rng = random.Random(2026 + existing)
        start = timezone.now() - timedelta(days=days)
        step = timedelta(days=days) / max(events, 1)
        for first in range(existing, events, batch_size):
            last = min(first + batch_size, events)
            rows = [self.make_event(n, rng, courses, user_ids, start + step * n) for n in range(first, last)]
            with transaction.atomic():
                Event.objects.bulk_create(rows, batch_size=batch_size)
            self.progress(last - existing, events - existing)
        self.stdout.write(
            self.style.SUCCESS(f"Added {events - existing} events; the log holds {Event.objects.count()} in all.")
        )

    def make_event(self, n: int, rng: random.Random, courses, user_ids, created_at) -> Event:
        roll = rng.random()
        course_id, code, title = rng.choice(courses)
        payload = {"seed": n, "url": f"/courses/{code}/", "course_code": code, "course_title": title}
        if roll < 0.80:  # course news: resources, announcements
            kind = Event.Kind.NEW_RESOURCE if roll < 0.6 else Event.Kind.ANNOUNCEMENT
            topic = topics.course_topic(code)
            payload |= {"title": f"Reading {n}", "summary": f"New reading in {code}"}
        elif roll < 0.90:  # catalog news
            kind, topic = Event.Kind.NEW_RESOURCE, topics.ALL_COURSES
            payload |= {"title": f"Reading {n}", "summary": f"New reading in {code}"}
        elif roll < 0.97:  # personal: a grade
            kind, topic = Event.Kind.GRADE_POSTED, topics.user_topic(rng.choice(user_ids))
            payload |= {"title": f"Quiz {n}: 8/10", "summary": "Your quiz is graded."}
        else:  # site-wide
            kind, topic, course_id = Event.Kind.ANNOUNCEMENT, topics.SYSTEM_EVENTS, None
            payload = {"seed": n, "title": f"Notice {n}", "url": "", "summary": "Site-wide notice."}
        return Event(kind=kind, topic=topic, course_id=course_id, payload=payload, created_at=created_at)

    def progress(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        ending = "\n" if done >= total else ""
        self.stdout.write(f"\r{'events':<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=ending)
        self.stdout.flush()
