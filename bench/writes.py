"""Writes: events per second while 8 writers add resources at once, on SQLite and PostgreSQL.

Each writer is its own process (as 8 daphne workers or admin users would be), adds resources to
published courses through the ORM's ordinary save, so the signal writes two Event rows (the course
and the catalog) in the same transaction and publishes them after commit to a private Redis. The
figure is Event rows committed per second of wall time; every exception is counted, and "database is
locked" separately.

    .venv/bin/python -m bench.writes [--writers 8] [--seconds 10] [--databases sqlite,postgres]
"""

import argparse
import multiprocessing
import os
import time

from bench.common import PRODUCTION_LIKE, fresh_postgres, fresh_sqlite, table, use_database, write_results
from lms_site.testing.servers import RedisServer


def writer(index: int, db_url: str, redis_url: str, start_at: float, seconds: float, queue) -> None:
    os.environ.update(PRODUCTION_LIKE)
    use_database(db_url, migrate=False, redis_url=redis_url)
    from courses.models import Course, Resource
    from notifications.publisher import flush

    courses = list(Course.objects.order_by("id"))
    done = errors = locked = 0
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    n = 0
    while time.time() < deadline:
        try:
            Resource.objects.create(course=courses[(index + n) % len(courses)], title=f"w{index}-{n}", body="x")
            done += 1
        except Exception as exc:
            errors += 1
            locked += "database is locked" in str(exc)
        n += 1
    flush()
    queue.put((done, errors, locked))


def run(db_url: str, redis_url: str, writers: int, seconds: float) -> dict:
    use_database(db_url, redis_url=redis_url)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from accounts.services import make_instructor
    from courses.models import Course
    from notifications.models import Event

    User = get_user_model()
    teacher = User.objects.create_user(username=f"w-teacher-{time.time_ns()}", password="x", role="instructor")
    make_instructor(teacher)
    for n in range(writers):
        Course.objects.create(code=f"W{time.time_ns() % 10**8}{n}", title="W", instructor=teacher, is_published=True)
    before = Event.objects.count()
    connection.close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 8  # every writer is set up and waiting when the clock starts
    procs = [ctx.Process(target=writer, args=(i, db_url, redis_url, start_at, seconds, queue)) for i in range(writers)]
    for p in procs:
        p.start()
    outcomes = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    events = Event.objects.count() - before
    resources = sum(o[0] for o in outcomes)
    return {
        "writers": writers,
        "seconds": seconds,
        "resources": resources,
        "events": events,
        "events_per_second": round(events / seconds, 1),
        "errors": sum(o[1] for o in outcomes),
        "database_is_locked": sum(o[2] for o in outcomes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--database-url", default="", help="(internal) run one database in this process")
    args = parser.parse_args()
    if args.database_url:
        os.environ.update(PRODUCTION_LIKE)
        import json

        redis = RedisServer().start()
        try:
            print(json.dumps(run(args.database_url, redis.url, args.writers, args.seconds)))
        finally:
            redis.stop()
        return
    import json
    import subprocess
    import sys

    rows, results = [], []
    for kind in args.databases.split(","):
        url = fresh_sqlite("writes") if kind == "sqlite" else fresh_postgres("lms_bench_writes")
        if url is None:
            print("PostgreSQL does not answer on 127.0.0.1:5432: skipped.")
            continue
        command = [sys.executable, "-m", "bench.writes", "--database-url", url]
        command += ["--writers", str(args.writers), "--seconds", str(args.seconds)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = {"database": kind, **json.loads(out.strip().splitlines()[-1])}
        results.append(result)
        rows.append(
            {
                "database": kind,
                "writers": result["writers"],
                "events/s": result["events_per_second"],
                "resources": result["resources"],
                "events": result["events"],
                "errors": result["errors"],
                "database is locked": result["database_is_locked"],
            }
        )
        print(table(rows[-1:], list(rows[-1])), flush=True)
    print(table(rows, list(rows[0]), title=f"\nWrites: {args.writers} writers for {args.seconds:g} s each"))
    write_results("writes", {"runs": results})


if __name__ == "__main__":
    main()
