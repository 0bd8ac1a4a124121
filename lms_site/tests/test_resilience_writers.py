"""Eight writers at once (as eight daphne threads or processes would be): nothing is refused with
"database is locked", nothing is lost, and the event ids come out unique. SQLite is the case that
matters (IMMEDIATE transactions and a busy timeout in settings); PostgreSQL runs it too."""

import threading

import pytest
from django.db import connection, transaction

from notifications.models import Event

pytestmark = pytest.mark.usefixtures("transactional_db")

WRITERS = 8
EACH = 15


def test_eight_concurrent_writers_never_see_database_is_locked(cs101, ma201):
    from courses.models import Resource

    courses = [cs101, ma201]
    before = Event.objects.count()
    errors: list[str] = []
    start = threading.Barrier(WRITERS)

    def write(index: int) -> None:
        try:
            start.wait(10)
            for n in range(EACH):
                # Read, then write, in one transaction: under SQLite's default DEFERRED mode the
                # upgrade from reader to writer fails at once with "database is locked".
                with transaction.atomic():
                    Event.objects.filter(course=courses[n % 2]).count()
                    Resource.objects.create(course=courses[(index + n) % 2], title=f"w{index}-{n}")
        except Exception as exc:  # every failure is the test's business
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert Resource.objects.filter(title__startswith="w").count() == WRITERS * EACH
    # Each resource of a published course is two events: its course and the catalog.
    assert Event.objects.count() - before == 2 * WRITERS * EACH
