"""Soak: nothing lost, nothing twice, while 8 writers add events and sockets come and go.

Eight writer processes (bench.writes.writer: the ordinary save, two events per resource) add
resources to 8 courses for 60 s, while 200 students, each subscribed to 2 of the courses, hold
/ws/activity/ open on a real daphne with a private Redis. Each socket drops its connection at random
moments (exponential gaps, mean 10 s) and reconnects at once as static/js/activity.js does: from the
last cursor the server handed it, listing the ids it holds above it (`have`). When the writers
stop, every socket stays until two more heartbeats; then each student's ids are compared with the
table (every event after the start they may see, selectors.visible_events): missing, duplicated
(received twice) and foreign (not theirs) must all be zero.

    .venv/bin/python -m bench.soak [--database postgres|sqlite] [--seconds 60] [--clients 200]
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import time
from collections import Counter

from bench.common import (
    PRODUCTION_LIKE,
    BenchDaphne,
    collectstatic,
    fresh_postgres,
    fresh_sqlite,
    make_sessions,
    raise_fd_limit,
    table,
    use_database,
    write_results,
)
from bench.writes import writer
from lms_site.testing.servers import RedisServer

COURSES = 8
COURSES_EACH = 2
SERVER_ENV = PRODUCTION_LIKE


def build_world(students: int, rng: random.Random):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.services import make_instructor
    from courses.models import Course, Subscription

    User = get_user_model()
    teacher = User.objects.create_user(username="soak-teacher", password="x-bench-pass", role="instructor")
    make_instructor(teacher)
    courses = [
        Course.objects.create(code=f"SOAK{n}", title=f"Soak {n}", instructor=teacher, is_published=True)
        for n in range(COURSES)
    ]
    password = make_password("x-bench-pass")
    User.objects.bulk_create(
        [User(username=f"soak{n:04d}", password=password, role="student") for n in range(students)]
    )
    people = list(User.objects.filter(username__startswith="soak0").order_by("id"))
    Subscription.objects.bulk_create(
        [Subscription(student=u, course=c) for u in people for c in rng.sample(courses, COURSES_EACH)]
    )
    keys = make_sessions(people)
    return [(u, keys[u.pk]) for u in people]


class Client:
    """One student's socket, as the browser module keeps it."""

    def __init__(self, server, key: str, after: int, rng: random.Random, mean_gap: float):
        self.server, self.key, self.rng, self.mean_gap = server, key, rng, mean_gap
        self.resume_from = after
        self.received: list[int] = []  # every event id, duplicates included
        self.reconnects = self.failed_connects = self.resyncs = 0
        self.failures: Counter[str] = Counter()

    def url(self) -> str:
        held = sorted(i for i in set(self.received) if i > self.resume_from)[-1000:]
        have = f"&have={','.join(map(str, held))}" if held else ""
        return f"{self.server.ws_url}/ws/activity/?after={self.resume_from}{have}"

    async def run(self, writing_done: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        headers = {"Origin": self.server.url, "Cookie": f"sessionid={self.key}"}
        ceiling = 0.5
        while True:
            try:
                ws = await connect(self.url(), additional_headers=headers, open_timeout=60, ping_interval=None)
            except Exception as error:
                self.failed_connects += 1
                self.failures[type(error).__name__ + ": " + str(error)[:60]] += 1
                # The browser's backoff: equal jitter under a ceiling doubling to 15 s.
                await asyncio.sleep(self.rng.uniform(ceiling / 2, ceiling))
                ceiling = min(ceiling * 2, 15.0)
                continue
            ceiling = 0.5
            drop_at = time.monotonic() + self.rng.expovariate(1 / self.mean_gap)
            beats_after_done = 0
            try:
                while True:
                    timeout = 60.0 if writing_done.is_set() else max(0.0, drop_at - time.monotonic())
                    frame = await asyncio.wait_for(ws.recv(), timeout)
                    message = json.loads(frame)
                    if message["type"] == "event":
                        self.received.append(message["id"])
                    elif message["type"] == "resync":
                        self.resyncs += 1  # a page would reload its feed: counted, as it is not a replay
                    elif message["type"] == "heartbeat":
                        self.resume_from = max(self.resume_from, message["cursor"])
                        if writing_done.is_set():
                            beats_after_done += 1
                            if beats_after_done >= 2:
                                await ws.close()
                                return
            except (TimeoutError, Exception):
                # The random moment came (or the server closed): drop the connection, come back.
                await ws.close()
                if writing_done.is_set() and beats_after_done:
                    return
                self.reconnects += 1


def run(db_url: str, redis_url: str, args) -> dict:
    use_database(db_url, redis_url=redis_url)
    from django.db import connection

    from lms_site.testing.events import newest_id, visible_ids

    rng = random.Random(16)
    people = build_world(args.clients, rng)
    start = newest_id()
    connection.close()
    env = dict(os.environ)
    collectstatic(env)
    server = BenchDaphne(database_url=db_url, redis_url=redis_url, extra_env=env).start()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready, go = ctx.Barrier(args.writers + 1), ctx.Barrier(args.writers + 1)
    procs = [
        ctx.Process(target=writer, args=(i, db_url, redis_url, ready, go, args.seconds, True, queue, args.pace))
        for i in range(args.writers)
    ]
    try:
        for p in procs:
            p.start()
        clients = [Client(server, key, start, random.Random(n), args.mean_gap) for n, (_u, key) in enumerate(people)]

        async def soak() -> list[tuple]:
            done = asyncio.Event()
            tasks = [asyncio.create_task(c.run(done)) for c in clients]
            await asyncio.sleep(3)  # every socket connected and past its first replay
            await asyncio.to_thread(ready.wait, 300)
            await asyncio.to_thread(go.wait, 60)
            outcomes = [await asyncio.to_thread(queue.get, True, args.seconds + 120) for _ in procs]
            done.set()
            await asyncio.gather(*tasks)
            return outcomes

        started = time.monotonic()
        outcomes = asyncio.run(soak())
        elapsed = time.monotonic() - started
        for p in procs:
            p.join(30)
    finally:
        server.stop()
    missing = duplicates = foreign = delivered = 0
    for client, (user, _key) in zip(clients, people, strict=True):
        wanted = visible_ids(user, start)
        got = set(client.received)
        missing += len(wanted - got)
        foreign += len(got - wanted)
        duplicates += len(client.received) - len(got)
        delivered += len(client.received)
    from notifications.models import Event

    return {
        "writers": args.writers,
        "seconds": args.seconds,
        "clients": args.clients,
        "elapsed_s": round(elapsed, 1),
        "events_written": Event.objects.filter(id__gt=start).count(),
        "resources": sum(o[0] for o in outcomes),
        "write_errors": sum(o[1] for o in outcomes),
        "reconnects": sum(c.reconnects for c in clients),
        "failed_connects": sum(c.failed_connects for c in clients),
        "connect_failures": dict(sum((c.failures for c in clients), Counter()).most_common(5)),
        "resyncs": sum(c.resyncs for c in clients),
        "events_delivered": delivered,
        "missing": missing,
        "duplicates": duplicates,
        "foreign": foreign,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--mean-gap", type=float, default=10.0, help="mean seconds between a socket's drops")
    # Beats shorter than production's 25 s move cursors (and keep `have` lists short) within the minute.
    # A course's students get its events at a pace a person might (5 resources/s per writer: 80 events/s
    # in all, 10 per student per second); flat out, each socket's backlog after a drop passes the
    # replay limit and it is told to resync (reload), which the soak counts but cannot compare.
    parser.add_argument("--pace", type=float, default=0.2, help="seconds between one writer's resources")
    parser.add_argument("--beat", type=float, default=5.0, help="ACTIVITY_HEARTBEAT_SECONDS of the server")
    args = parser.parse_args()
    raise_fd_limit()
    os.environ.update(SERVER_ENV | {"ACTIVITY_HEARTBEAT_SECONDS": f"{args.beat:g}"})
    url = fresh_sqlite("soak") if args.database == "sqlite" else fresh_postgres("lms_bench_soak")
    if url is None:
        raise SystemExit("PostgreSQL does not answer on 127.0.0.1:5432.")
    redis = RedisServer().start()
    try:
        result = {"database": args.database, **run(url, redis.url, args)}
    finally:
        redis.stop()
    columns = [key for key in result if key != "connect_failures"]
    print(table([result], columns, title=f"\nSoak: {args.writers} writers, {args.clients} sockets dropping"))
    print("Failed connects by reason (each was retried):", result["connect_failures"])
    write_results(f"soak-{args.database}", result)
    if result["missing"] or result["duplicates"] or result["foreign"]:
        raise SystemExit("Events were lost, duplicated or delivered to the wrong student.")


if __name__ == "__main__":
    main()
