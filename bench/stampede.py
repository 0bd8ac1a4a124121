"""Stampede: an announcement reaches C connected students and R of them open the course page within
the next W seconds, on one daphne process.

C students hold /ws/activity/ open (real sessions, one course). The course's instructor posts an
announcement (courses.services, as the page does); at the same moment R of those students start
loading the course page over HTTP, each at a random moment within W seconds (a new connection per
request, as separate browsers). Every socket must get the announcement exactly once, every page
must answer 200.

The baseline, in the same run on the same server: the same R page loads over W seconds with no
socket open and no announcement.

    .venv/bin/python -m bench.stampede [--clients 3000] [--requests 1000] [--window 10]
"""

import argparse
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection

from bench.common import (
    BenchDaphne,
    collectstatic,
    fresh_sqlite,
    raise_fd_limit,
    summary_ms,
    table,
    use_database,
    wait_idle,
    write_results,
)
from bench.fanout import SERVER_ENV, build_world
from bench.wsclients import ClientPool
from lms_site.testing.servers import RedisServer

SERIAL = 200  # pages measured one at a time


def fetch(server, path: str, key: str) -> tuple[float, int | str]:
    """One GET of `path` with the session `key` on a new connection: (seconds, status or error)."""
    began = time.monotonic()
    try:
        http = HTTPConnection("127.0.0.1", server.port, timeout=60)
        http.request("GET", path, headers={"Cookie": f"sessionid={key}", "Host": "127.0.0.1"})
        response = http.getresponse()
        response.read()
        http.close()
        status = response.status
    except OSError as error:
        status = repr(error)
    return time.monotonic() - began, status


def one_at_a_time(server, path: str, keys: list[str]) -> dict:
    """What one page costs the server with nothing else to do: one GET per key, each after the last."""
    return summary_ms([fetch(server, path, key)[0] for key in keys])


def load_pages(server, path: str, keys: list[str], window: float, seed: int) -> dict:
    """One GET of `path` per session key, each starting at a random moment within `window`: a
    thread each, as separate browsers, so a slow server does not hold later requests back (a smaller
    pool of clients would wait before asking and understate the wait). A page's time runs from its
    moment, as the student who clicked sees it."""
    rng = random.Random(seed)
    starts = sorted(rng.uniform(0, window) for _ in keys)
    latencies, errors = [], []
    lock = threading.Lock()
    t0 = time.monotonic()

    def get(start: float, key: str) -> None:
        moment = t0 + start
        time.sleep(max(0.0, moment - time.monotonic()))
        _, status = fetch(server, path, key)
        with lock:
            latencies.append(time.monotonic() - moment)
            if status != 200:
                errors.append(status)

    with ThreadPoolExecutor(len(keys)) as threads:
        list(threads.map(get, starts, keys))
    return {"pages": summary_ms(latencies), "errors": len(errors), "error_samples": errors[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--conn-max-age", default="60", help="DB_CONN_MAX_AGE of the server (seconds)")
    parser.add_argument("--name", default="stampede")
    args = parser.parse_args()
    raise_fd_limit()

    # Database connections kept between requests, as docs/deploy.md sets them.
    os.environ.update({**SERVER_ENV, "DB_CONN_MAX_AGE": args.conn_max_age})
    redis = RedisServer().start()
    db_url = fresh_sqlite("stampede")
    use_database(db_url, redis_url=redis.url)
    from django.db import connection

    from courses.services import post_announcement
    from notifications.models import Event

    env = dict(os.environ)
    collectstatic(env)
    teacher, course, student_keys, _teacher_key = build_world(args.clients)
    connection.close()
    readers = student_keys[: args.requests]
    page = f"/courses/{course.code}/"
    pool = ClientPool(args.client_processes)
    server = BenchDaphne(database_url=db_url, redis_url=redis.url, extra_env=env).start()
    try:
        load_pages(server, page, readers[:20], 1.0, seed=0)  # warm-up
        wait_idle([server.process.pid])
        load = os.getloadavg()[0]
        # The service time: 1,000 pages in 10 s can be served by one process only if a page costs it
        # well under 10 ms; the health check (an async view: a database query and a Redis ping) is
        # the same stack's cost for next to no work.
        serial = {path: one_at_a_time(server, path, readers[:SERIAL]) for path in (page, "/healthz")}
        alone = load_pages(server, page, readers, args.window, seed=1)
        wait_idle([server.process.pid])

        targets = [
            (f"{server.ws_url}/ws/activity/", {"Origin": server.url, "Cookie": f"sessionid={key}"})
            for key in student_keys
        ]
        rss_before = server.rss_mb()
        started = time.monotonic()
        # A socket counts once the server is done with it (its pong): one only accepted could still be
        # told 4013 (admission control: more than ACTIVITY_OPENING_PER_PROCESS opening at once) and
        # would come back later, as a browser does, rather than wait for this announcement.
        connected, failed = pool.connect(targets, ready=True)
        connect_s = time.monotonic() - started
        wait_idle([server.process.pid])
        rss_connected = server.rss_mb()

        result = {}

        def stampede() -> None:
            result.update(load_pages(server, page, readers, args.window, seed=2))

        loader = threading.Thread(target=stampede)
        t0 = time.monotonic()
        post_announcement(author=teacher, title="Stampede: the exam room changed", body="Room B.", course=course)
        loader.start()
        event_id = Event.objects.filter(kind=Event.Kind.ANNOUNCEMENT).order_by("-id").values_list("id", flat=True)[0]
        arrivals, missing, duplicates = pool.collect(f'"type": "event", "id": {event_id},', timeout=60)
        loader.join()
        latencies = [a - t0 for a in arrivals]
        pool.close_sockets()
    finally:
        server.stop()
        pool.shutdown()
        redis.stop()

    def row(name: str, run: dict) -> dict:
        return {"run": name, **{k: run["pages"][k] for k in ("p50", "p95", "p99", "max")}, "errors": run["errors"]}

    rows = [row("pages alone", alone), row(f"pages during the stampede ({connected} sockets)", result)]
    print(table(rows, list(rows[0]), title=f"\n{args.requests} page loads of {page} within {args.window:.0f} s (ms)"))
    offered = args.requests / args.window
    for path, cost in serial.items():
        print(
            f"\n{path} one at a time: p50 {cost['p50']} ms, p95 {cost['p95']} ms ({cost['n']} pages): "
            f"{offered:.0f} pages a second of it need {offered * cost['p50'] / 1000:.0%} of the process' time"
        )
    event = summary_ms(latencies)
    print(
        f"\nThe announcement: {len(arrivals)} of {connected} sockets, last after {event['max']} ms "
        f"(p50 {event['p50']}), missing {missing}, duplicates {duplicates}; {failed} sockets failed to connect "
        f"({connect_s:.1f} s to connect); RSS {rss_connected - rss_before:.1f} MB for {connected} sockets "
        f"({(rss_connected - rss_before) / max(connected, 1) * 1000:.1f} MB per 1,000); load average {load:.2f}"
    )
    write_results(
        args.name,
        {
            "clients": args.clients,
            "requests": args.requests,
            "window_seconds": args.window,
            "db_conn_max_age": args.conn_max_age,
            "one_at_a_time": serial,
            "pages_alone": alone,
            "pages_during_stampede": result,
            "event": {"per_client_ms": event, "missing": missing, "duplicates": duplicates},
            "connected": connected,
            "connect_failed": failed,
            "connect_seconds": round(connect_s, 1),
            "rss_mb_per_1000": round((rss_connected - rss_before) / max(connected, 1) * 1000, 1),
            "load_average_1min_before": round(load, 2),
        },
    )


if __name__ == "__main__":
    main()
