"""Writes: events per second while 8 writers add resources at once, on SQLite and PostgreSQL.

Each writer is its own process (as 8 daphne workers or admin users would be), adds resources to
published courses through the ORM's ordinary save, so the signal writes two Event rows (the course
and the catalog) in the same transaction and publishes them after commit to a private Redis. The
figure is Event rows committed per second of wall time; every exception is counted, and "database is
locked" separately.

On PostgreSQL it runs twice in the same run: as the code writes events (ids in commit order,
notifications.events.take_turn) and, as the baseline, with that turn left out (the code before
issue 16, which could lose events), so the price of "nothing lost" is a ratio measured minutes apart.

    .venv/bin/python -m bench.writes [--writers 8] [--seconds 10] [--databases sqlite,postgres]
"""

import argparse
import multiprocessing
import os
import time

from bench.common import PRODUCTION_LIKE, fresh_postgres, fresh_sqlite, table, use_database, write_results
from lms_site.testing.servers import RedisServer


def writer(
    index: int, db_url: str, redis_url: str, ready, start, seconds: float, ordered: bool, queue, pace: float = 0.0
) -> None:
    """Add resources until `seconds` are over, `pace` seconds apart (0: as fast as it can)."""
    os.environ.update(PRODUCTION_LIKE)
    use_database(db_url, migrate=False, redis_url=redis_url)
    from courses.models import Course, Resource
    from notifications import events
    from notifications.publisher import flush

    if not ordered:
        events.take_turn = lambda using: None  # the baseline: ids drawn in insert order, as before

    courses = list(Course.objects.order_by("id"))
    done = errors = locked = 0
    # One write first (imports, connections, templates), then every writer starts together.
    Resource.objects.create(course=courses[index % len(courses)], title=f"w{index}-warm-up", body="x")
    ready.wait()
    start.wait()
    deadline = time.time() + seconds
    n = 0
    while time.time() < deadline:
        try:
            Resource.objects.create(course=courses[(index + n) % len(courses)], title=f"w{index}-{n}", body="x")
            done += 1
        except Exception as exc:
            errors += 1
            locked += "database is locked" in str(exc)
        n += 1
        if pace:
            time.sleep(pace)
    flush()
    queue.put((done, errors, locked))


def run(db_url: str, redis_url: str, writers: int, seconds: float, ordered: bool) -> dict:
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
    connection.close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready, start = ctx.Barrier(writers + 1), ctx.Barrier(writers + 1)
    procs = [
        ctx.Process(target=writer, args=(i, db_url, redis_url, ready, start, seconds, ordered, queue))
        for i in range(writers)
    ]
    for p in procs:
        p.start()
    ready.wait(300)
    before = Event.objects.count()
    connection.close()
    start.wait(60)
    outcomes = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    events = Event.objects.count() - before
    resources = sum(o[0] for o in outcomes)
    return {
        "ids": "commit order" if ordered else "insert order (before)",
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
    parser.add_argument("--baseline", action="store_true", help="(internal) without notifications.events.take_turn")
    args = parser.parse_args()
    if args.database_url:
        os.environ.update(PRODUCTION_LIKE)
        import json

        redis = RedisServer().start()
        try:
            print(json.dumps(run(args.database_url, redis.url, args.writers, args.seconds, not args.baseline)))
        finally:
            redis.stop()
        return
    import json
    import subprocess
    import sys

    rows, results = [], []
    # SQLite's writers queue anyway, so take_turn does nothing there: one run is enough.
    runs = [(kind, False) for kind in args.databases.split(",") if kind == "postgres"]
    runs += [(kind, True) for kind in args.databases.split(",")]
    for kind, ordered in runs:
        url = fresh_sqlite("writes") if kind == "sqlite" else fresh_postgres("lms_bench_writes")
        if url is None:
            print("PostgreSQL does not answer on 127.0.0.1:5432: skipped.")
            continue
        command = [sys.executable, "-m", "bench.writes", "--database-url", url]
        command += ["--writers", str(args.writers), "--seconds", str(args.seconds)]
        command += [] if ordered else ["--baseline"]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = {"database": kind, **json.loads(out.strip().splitlines()[-1])}
        results.append(result)
        rows.append(
            {
                "database": kind,
                "ids": result["ids"],
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
