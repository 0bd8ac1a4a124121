"""A rolling restart under load: C students connected through nginx to two daphne processes
(deploy.cluster.Cluster, as `make cluster` runs it), one process is stopped and started again while
an instructor keeps adding resources. Every client behaves as static/js/activity.js does: it
reconnects with the same backoff and jitter (full jitter from a 2 s ceiling, 5 s more after 4013),
resumes from the cursor the server handed it (the page's, then each heartbeat's) naming the ids it
holds above it (`after=...&have=...`: the server replays what it lacks, and its heartbeats fill any
gap), and keeps the first arrival of every event id.

Measured: how long until every socket is back after the stop; the fan-out latency of each event
(from before its POST to each client's first arrival, replays after a reconnect included) before,
during and after the storm; and, at the end, for every client and every event of the course, whether
it arrived (lost) and how often (duplicates: frames for an id the client already held).

    .venv/bin/python -m bench.storm [--clients 5000] [--database sqlite|postgres]
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import threading
import time
from collections import Counter

from bench.common import (
    PRODUCTION_LIKE,
    collectstatic,
    fresh_postgres,
    fresh_sqlite,
    raise_fd_limit,
    summary_ms,
    table,
    use_database,
    write_results,
)
from bench.fanout import build_world, newest_course_event
from bench.wsclients import ClientPool

# The browser's reconnect rules (static/js/activity.js): keep them in step.
FIRST_BACKOFF = 2.0
MAX_BACKOFF = 30.0
STABLE = 10.0
CLOSE_BUSY = 4013
BUSY_MIN = 5.0
MAX_HELD = 1000


class Follower:
    """One browser tab's socket: reconnects, resumes, fills gaps, remembers first arrivals."""

    def __init__(self, url: str, headers: dict, after: int):
        self.url, self.headers = url, headers
        self.cursor = after  # the server's cursor: the client holds every event it may see up to it
        self.arrivals: dict[int, float] = {}
        self.duplicates = 0
        self.resyncs = 0
        self.up = False
        self.up_since = 0.0
        self.connects = 0
        self.closes: Counter = Counter()
        self.frames_since_connect = 0
        self.beats_since_connect = 0

    async def run(self, first: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        attempts = 0
        while True:
            opened_at = None
            try:
                async with first if not self.connects else contextlib.nullcontext():
                    held = sorted(i for i in self.arrivals if i > self.cursor)[-MAX_HELD:]
                    have = f"&have={','.join(map(str, held))}" if held else ""
                    ws = await connect(
                        f"{self.url}?after={self.cursor}{have}",
                        additional_headers=self.headers,
                        open_timeout=30,
                        ping_interval=None,
                        compression=None,
                        max_size=2**22,
                    )
                self.connects += 1
                self.frames_since_connect = self.beats_since_connect = 0
                opened_at = self.up_since = time.monotonic()
                self.up = True
                with contextlib.suppress(Exception):
                    async for text in ws:
                        self.handle(json.loads(text))
                code = ws.close_code
            except Exception:
                code = None  # refused, or the handshake failed
            self.up = False
            self.closes["refused" if code is None else str(int(code))] += 1
            if opened_at is not None and time.monotonic() - opened_at > STABLE:
                attempts = 0
            ceiling = min(MAX_BACKOFF, FIRST_BACKOFF * 2**attempts)
            attempts += 1
            await asyncio.sleep(random.random() * ceiling + (BUSY_MIN if code == CLOSE_BUSY else 0))

    def handle(self, message: dict) -> None:
        self.frames_since_connect += 1
        if message["type"] == "event":
            event_id = message["id"]
            if event_id in self.arrivals:
                self.duplicates += 1
            else:
                self.arrivals[event_id] = time.monotonic()
        elif message["type"] == "heartbeat":
            self.beats_since_connect += 1
            self.cursor = max(self.cursor, message["cursor"])
        elif message["type"] == "resync":
            self.resyncs += 1  # the page would reload; the bench counts it as a failure


async def _serve(conn) -> None:
    loop = asyncio.get_running_loop()
    followers: list[Follower] = []
    tasks = []
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "follow":
            _, targets, after = command
            first = asyncio.Semaphore(100)  # the first connect, as bench.fanout's clients open
            new = [Follower(url, headers, after) for url, headers in targets]
            followers.extend(new)
            tasks.extend(asyncio.create_task(f.run(first)) for f in new)
            conn.send(("following", len(new)))
        elif command[0] == "state":
            ups = [f.up_since for f in followers if f.up]
            closes = sum((f.closes for f in followers), Counter())
            conn.send(("state", len(ups), len(followers), max(ups, default=0.0), dict(closes)))
        elif command[0] == "report":
            ids = command[1]
            arrivals = {i: [f.arrivals[i] for f in followers if i in f.arrivals] for i in ids}
            missing = {i: len(followers) - len(arrivals[i]) for i in ids}
            duplicates = sum(f.duplicates for f in followers)
            resyncs = sum(f.resyncs for f in followers)
            # The clients that lack the last event, described: where a loss comes from.
            lacking = [f for f in followers if ids and ids[-1] not in f.arrivals]
            lagging = Counter(
                {
                    "clients": len(lacking),
                    "up": sum(f.up for f in lacking),
                    "told 4013": sum(bool(f.closes["4013"]) for f in lacking),
                    "reconnected": sum(f.connects > 1 for f in lacking),
                    "no frame since connecting": sum(f.frames_since_connect == 0 for f in lacking),
                    "no heartbeat since connecting": sum(f.beats_since_connect == 0 for f in lacking),
                }
            )
            conn.send(("report", arrivals, missing, duplicates, resyncs, lagging))
        elif command[0] == "exit":
            for task in tasks:
                task.cancel()
            return


def follower_main(conn) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))
    asyncio.run(_serve(conn))


class Followers(ClientPool):
    def __init__(self, processes: int):
        super().__init__(processes, target=follower_main)
        self.lagging: Counter = Counter()

    def follow(self, targets, after: int) -> None:
        n = len(self.pipes)
        self._all([("follow", targets[i::n], after) for i in range(n)])

    def state(self) -> tuple[int, int, float, Counter]:
        replies = self._all([("state",)] * len(self.pipes))
        closes = sum((Counter(r[4]) for r in replies), Counter())
        return sum(r[1] for r in replies), sum(r[2] for r in replies), max(r[3] for r in replies), closes

    def report(self, ids: list[int]):
        replies = self._all([("report", ids)] * len(self.pipes))
        arrivals = {i: [t for r in replies for t in r[1][i]] for i in ids}
        missing = {i: sum(r[2][i] for r in replies) for i in ids}
        self.lagging = sum((r[5] for r in replies), Counter())
        return arrivals, missing, sum(r[3] for r in replies), sum(r[4] for r in replies)


class Trigger(threading.Thread):
    """The instructor: a resource every `interval` seconds through the admin of the process that
    stays up; (clock before the POST, event id, phase) for each."""

    def __init__(self, admin, course, interval: float):
        super().__init__(daemon=True)
        self.admin, self.course, self.interval = admin, course, interval
        self.phase = "before"
        self.events: list[tuple[float, int, str]] = []
        self.failures = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        n = 0
        while not self.stopping.is_set():
            t0 = time.monotonic()
            try:
                status = self.admin.add_resource(self.course.pk, f"Storm reading {n}")
            except OSError:  # a timeout: the process is busy with the storm; counted, not fatal
                status = None
            if status == 302:
                self.events.append((t0, newest_course_event(self.course)[0], self.phase))
            else:
                self.failures += 1
            n += 1
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - t0)))
        connection.close()


def wait_all_up(followers: Followers, total: int, timeout: float) -> tuple[bool, float, Counter]:
    deadline = time.monotonic() + timeout
    while True:
        up, _n, last_up, closes = followers.state()
        if up == total or time.monotonic() > deadline:
            return up == total, last_up, closes
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between resources")
    parser.add_argument("--heartbeat", default="25", help="ACTIVITY_HEARTBEAT_SECONDS of the servers")
    parser.add_argument("--conn-max-age", default="60", help="DB_CONN_MAX_AGE of the servers (seconds)")
    parser.add_argument("--name", default="storm")
    args = parser.parse_args()
    raise_fd_limit()

    from deploy.cluster import Cluster
    from lms_site.testing.admin import AdminSession
    from lms_site.testing.servers import RedisServer

    # Database connections kept between requests, as docs/deploy.md sets them: at 0 every trip to the
    # database thread opens one (docs/performance.md, section 7).
    server_env = {
        **PRODUCTION_LIKE,
        "DB_CONN_MAX_AGE": args.conn_max_age,
        "ACTIVITY_HEARTBEAT_SECONDS": args.heartbeat,
    }
    os.environ.update(server_env)
    redis = RedisServer().start()
    db_url = fresh_postgres("lms_bench_storm") if args.database == "postgres" else fresh_sqlite("storm")
    if db_url is None:
        raise SystemExit("PostgreSQL does not answer on 127.0.0.1:5432")
    use_database(db_url, redis_url=redis.url)
    from django.db import connection

    collectstatic(dict(os.environ))
    _teacher, course, student_keys, teacher_key = build_world(args.clients)
    connection.close()
    cluster = Cluster(database_url=db_url, redis_url=redis.url, extra_env=server_env, worker=False)
    followers = Followers(args.client_processes)
    try:
        cluster.start(prepare=False)
        restarted, steady = cluster.daphnes
        from notifications.selectors import resume_cursor

        after = resume_cursor()  # what the page would hand its socket
        connection.close()
        targets = [
            (f"{cluster.ws_url}/ws/activity/", {"Origin": cluster.url, "Cookie": f"sessionid={key}"})
            for key in student_keys
        ]
        started = time.monotonic()
        followers.follow(targets, after)
        all_up, last_up, _closes = wait_all_up(followers, args.clients, timeout=600)
        connect_s = last_up - started
        print(f"{args.clients} sockets connected through nginx in {connect_s:.1f} s (all: {all_up})", flush=True)

        trigger = Trigger(AdminSession(steady.url, teacher_key), course, args.interval)
        trigger.start()
        time.sleep(10)
        trigger.phase = "storm"
        stopped_at = time.monotonic()
        restarted.stop()
        down_s = time.monotonic() - stopped_at
        restarted.start()
        restart_s = time.monotonic() - stopped_at
        time.sleep(1)  # the reconnects have begun before all_up is asked
        all_back, last_back, closes = wait_all_up(followers, args.clients, timeout=120)
        back_s = last_back - stopped_at
        trigger.phase = "after"
        time.sleep(15)
        trigger.stopping.set()
        trigger.join(30)
        time.sleep(3)  # the last event's deliveries and replays
        ids = [event_id for _t0, event_id, _phase in trigger.events]
        arrivals, missing, duplicates, resyncs = followers.report(ids)
        if sum(missing.values()):
            time.sleep(float(args.heartbeat) + 2)  # a gap heals at the next heartbeat at the latest
            arrivals, missing, duplicates, resyncs = followers.report(ids)
    finally:
        followers.shutdown()
        cluster.stop()
        redis.stop()

    rows, phases = [], {}
    for t0, event_id, phase in trigger.events:
        latencies = [t - t0 for t in arrivals[event_id]]
        phases.setdefault(phase, []).append({"id": event_id, "latencies": latencies, "missing": missing[event_id]})
    for phase in ("before", "storm", "after"):
        events = phases.get(phase, [])
        every = [x for e in events for x in e["latencies"]]
        lasts = [max(e["latencies"]) for e in events if e["latencies"]]
        rows.append(
            {
                "phase": phase,
                "events": len(events),
                "p50 ms": summary_ms(every)["p50"],
                "p99 ms": summary_ms(every)["p99"],
                "max ms": summary_ms(every)["max"],
                "last client (median) ms": summary_ms(lasts)["p50"],
                "lost": sum(e["missing"] for e in events),
            }
        )
    print(
        f"\nStopped one of two processes: down {down_s:.1f} s, serving again {restart_s:.1f} s after the stop; "
        f"every socket back {back_s:.1f} s after the stop (all: {all_back}); closes seen {dict(closes)}"
    )
    print(f"Duplicated frames: {duplicates}; resyncs: {resyncs}; trigger failures: {trigger.failures}")
    print(f"Clients lacking the last event at the end: {dict(followers.lagging)}")
    print(table(rows, list(rows[0]), title=f"\nFan-out latency, {args.clients} students, {args.database}"))
    write_results(
        args.name,
        {
            "clients": args.clients,
            "database": args.database,
            "heartbeat_seconds": float(args.heartbeat),
            "db_conn_max_age": args.conn_max_age,
            "connect_seconds": round(connect_s, 1),
            "down_seconds": round(down_s, 1),
            "serving_again_seconds": round(restart_s, 1),
            "all_back": all_back,
            "back_seconds": round(back_s, 1),
            "closes": dict(closes),
            "duplicates": duplicates,
            "resyncs": resyncs,
            "trigger_failures": trigger.failures,
            "lacking_the_last_event": dict(followers.lagging),
            "phases": rows,
        },
    )


if __name__ == "__main__":
    main()
