"""Pages: server time and query count of the pages every student opens (and the analytics dashboards
of an instructor and a site admin), on benchmark-sized data.

Data: seed_demo --students 10000 --courses 500 --resources 50000 --lessons-per-course 48
--progress 1000000 (a term's history: 1,000,000 lesson progress rows with their quiz attempts,
submissions and threads) and seed_events --events 200000
(kept in .run/bench/pages-<database>.*, topped up idempotently, so a second run starts at once).
Each page is requested in-process through Django's full stack (middleware, sessions, templates)
with the test client, as a logged-in generated student with three subscriptions; the time is the
server's alone (no network), the query count is what the database saw. The same pages on a small
data set (the plain demo) show whether the query count grows with the data.

    .venv/bin/python -m bench.pages [--database sqlite|postgres] [--requests 60]
"""

import argparse
import os
import subprocess
import sys
import time

from bench.common import PRODUCTION_LIKE, WORK, collectstatic, fresh_postgres, summary_ms, table, use_database
from lms_site.testing.servers import BASE_DIR

SIZES = {
    "large": [
        *("--students", "10000", "--courses", "500", "--resources", "50000"),
        *("--lessons-per-course", "48", "--progress", "1000000"),
    ],
    "small": ["--students", "20", "--courses", "3", "--lessons-per-course", "48", "--progress", "2000"],
}
EVENTS = {"large": "200000", "small": "300"}


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=os.environ, check=True)


def database_for(kind: str, size: str, fresh: bool) -> str:
    if kind == "postgres":
        name = f"lms_bench_pages_{size}"
        base = "postgres://postgres@127.0.0.1:5432"
        if fresh or not _pg_exists(base, name):
            url = fresh_postgres(name, base)
            if url is None:
                raise SystemExit("PostgreSQL does not answer on 127.0.0.1:5432.")
        return f"{base}/{name}"
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"pages-{size}.sqlite3"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            (WORK / f"{path.name}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _pg_exists(base: str, name: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3) as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
    except psycopg.OperationalError:
        return False


def measure_pages(requests: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.models import Subscription
    from courses.services import reset_calendar_feed

    User = get_user_model()
    student = User.objects.filter(username__startswith="student").exclude(username="student").order_by("id").first()
    student = student or User.objects.get(username="student")
    mine = Subscription.objects.filter(student=student).select_related("course").order_by("-course__code")
    course = mine.first().course  # a generated course where there is one: a term's history (GEN... > CS...)
    client = Client()
    client.force_login(student)
    feed = reset_calendar_feed(user=student)  # the feed's address (the one write here)
    pages = {
        "catalog": "/courses/",
        "course page": f"/courses/{course.code}/",
        "course outline": f"/courses/{course.code}/learn/",
        "dashboard": "/dashboard/",
        "calendar (month)": "/calendar/",
        "calendar (agenda)": "/calendar/agenda/",
        "iCalendar feed": f"/calendar/{feed.token}.ics",
        "notifications": "/notifications/",
        "API course list": "/api/v1/courses",
        # Full-text search at its widest: a description word of every generated course, and a word of
        # every generated resource of the course (ranked, snippets for every match).
        "catalog search": "/courses/?q=benchmark",
        "course search": f"/courses/{course.code}/search/?q=reading",
    }
    # The analytics dashboards, as the course's instructor and as a site admin (logged in with their
    # second factor, as the admin requires).
    from accounts.services import second_factors
    from lms_site.testing.mfa import VerifiedClient, enrol_totp

    staff = {"instructor": course.instructor, "admin": User.objects.filter(is_superuser=True).order_by("id").first()}
    clients = {"student": client}
    for role, user in staff.items():
        if not second_factors(user):
            enrol_totp(user)  # generated staff have no app yet; the admin asks for one
        clients[role] = VerifiedClient()
        clients[role].force_login(user)
    staff_pages = {
        "course analytics": ("instructor", f"/admin/courses/course/{course.pk}/analytics/"),
        "site analytics": ("admin", "/admin/courses/course/analytics/"),
        "completion report": ("admin", "/admin/courses/course/analytics/completion/"),
    }
    rows = []
    for name, (role, url) in ({name: ("student", url) for name, url in pages.items()} | staff_pages).items():
        client = clients[role]
        for _ in range(5):  # warm-up: templates compiled, connection open
            response = client.get(url)
        if response.status_code != 200:
            rows.append({"page": name, "url": url, "status": response.status_code})
            continue
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append({"page": name, "url": url, "status": 200, "queries": len(queries), **summary_ms(times)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--size", choices=["large", "small"], default=None, help="run one size only (internal)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data from nothing")
    args = parser.parse_args()
    if args.size is None:
        # Each size in its own process: Django is set up once per process, for one database.
        results = {}
        for size in ("small", "large"):
            command = [sys.executable, "-m", "bench.pages", "--database", args.database, "--size", size]
            command += ["--requests", str(args.requests)] + (["--fresh"] if args.fresh else [])
            subprocess.run(command, cwd=BASE_DIR, check=True)
            import json

            results[size] = json.loads((WORK / f"pages-{args.database}-{size}.json").read_text())
        report(args.database, results)
        return

    os.environ.update(PRODUCTION_LIKE)
    url = database_for(args.database, args.size, args.fresh)
    use_database(url)
    collectstatic(dict(os.environ))
    started = time.monotonic()
    manage("seed_demo", *SIZES[args.size])
    manage("seed_events", "--events", EVENTS[args.size])
    seeded_s = time.monotonic() - started
    # Fresh planner statistics, as autovacuum gives a PostgreSQL database after a bulk load: without
    # them it guessed the users table at a tenth of its size and scanned it for every catalog search
    # instead of using its index (15 ms against 2.6 ms). SQLite keeps none unless told to, as in
    # production.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = measure_pages(args.requests)
    import json

    from courses.models import Course, LessonProgress, Resource
    from notifications.models import Event

    counts = {
        "courses": Course.objects.count(),
        "resources": Resource.objects.count(),
        "events": Event.objects.count(),
        "progress": LessonProgress.objects.count(),
    }
    out = {"rows": rows, "counts": counts, "seed_seconds": round(seeded_s, 1)}
    (WORK / f"pages-{args.database}-{args.size}.json").write_text(json.dumps(out))
    print(table(rows, ["page", "status", "queries", "p50", "p95", "max"], title=f"\n{args.size}: {counts}"))


def report(database: str, results: dict) -> None:
    from bench.common import write_results

    small = {r["page"]: r for r in results["small"]["rows"]}
    rows = []
    for r in results["large"]["rows"]:
        rows.append(
            {
                "page": r["page"],
                "p50 ms": r.get("p50", "-"),
                "p95 ms": r.get("p95", "-"),
                "queries": r.get("queries", f"HTTP {r['status']}"),
                "queries (small data)": small.get(r["page"], {}).get("queries", "-"),
            }
        )
    print(table(rows, list(rows[0]), title=f"\nPages on {database}, {results['large']['counts']}"))
    write_results(f"pages-{database}", {"database": database, "large": results["large"], "small": results["small"]})


if __name__ == "__main__":
    main()
