"""Heartbeats: what keeping C sockets beating costs one daphne process.

C students hold /ws/activity/ open on one daphne process (SQLite or PostgreSQL, database connections
kept as docs/deploy.md sets them); each socket beats every H seconds (its log-in, membership, cursor
and replay read: notifications/heartbeats.py). Over a window of W seconds: the heartbeats the
clients received against those due, and the process' CPU. Baseline in the same run, with the same
sockets on a fresh process: no beat in the window (every 600 s), which is what holding the sockets
costs (daphne's pings, timers); it is taken out of the CPU per beat.

`--history N` first fills the event log with N events (seed_events: months of use, most of them
news of the one course the students follow), where what a beat reads must not grow with the log.

    .venv/bin/python -m bench.heartbeats [--clients 1000] [--heartbeat 2] [--window 10] [--database sqlite|postgres]
                                         [--history 200000]
"""

import argparse
import io
import os
import time

from bench.common import (
    BenchDaphne,
    collectstatic,
    cpu_seconds,
    fresh_postgres,
    fresh_sqlite,
    raise_fd_limit,
    table,
    use_database,
    wait_idle,
    write_results,
)
from bench.fanout import SERVER_ENV, build_world
from bench.wsclients import ClientPool
from lms_site.testing.servers import RedisServer

BEAT = '"type": "heartbeat"'
NO_BEAT = 600.0  # seconds: the baseline's sockets do not beat within the window


def measure(pool, keys, *, heartbeat: float, window: float, db_url: str, redis_url: str, env: dict) -> dict:
    extra = {**env, "ACTIVITY_HEARTBEAT_SECONDS": str(heartbeat)}
    server = BenchDaphne(database_url=db_url, redis_url=redis_url, extra_env=extra).start()
    try:
        targets = [(f"{server.ws_url}/ws/activity/", {"Origin": server.url, "Cookie": f"sessionid={k}"}) for k in keys]
        connected, failed = pool.connect(targets, ready=True)
        wait_idle([server.process.pid])
        if heartbeat < NO_BEAT:
            time.sleep(heartbeat * 1.5)  # every socket has beaten at least once: the beats run as they will
        pool.collect(BEAT, 0)  # the beats so far are not counted
        cpu_before = cpu_seconds(server.process.pid)
        time.sleep(window)
        cpu = cpu_seconds(server.process.pid) - cpu_before
        arrivals, _missing, more = pool.collect(BEAT, 0)
        pool.close_sockets()
    finally:
        server.stop()
    due = round(connected * window / heartbeat) if heartbeat < NO_BEAT else 0
    return {
        "sockets": connected,
        "failed": failed,
        "heartbeat_s": heartbeat,
        "beats_due": due,
        "beats": len(arrivals) + more,
        "cpu_share": round(cpu / window, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--heartbeat", type=float, default=2.0, help="seconds between a socket's beats")
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--history", type=int, default=0, help="events in the log before measuring (seed_events)")
    parser.add_argument("--name", default="heartbeats")
    args = parser.parse_args()
    raise_fd_limit()

    os.environ.update({**SERVER_ENV, "DB_CONN_MAX_AGE": "60"})
    redis = RedisServer().start()
    db_url = fresh_postgres("lms_bench_heartbeats") if args.database == "postgres" else None
    db_url = db_url or fresh_sqlite("heartbeats")
    use_database(db_url, redis_url=redis.url)
    from django.db import connection

    env = dict(os.environ)
    collectstatic(env)
    _teacher, _course, keys, _teacher_key = build_world(args.clients)
    if args.history:
        from django.core.management import call_command

        call_command("seed_events", events=args.history, stdout=io.StringIO())
    connection.close()
    pool = ClientPool(2)
    load = os.getloadavg()[0]
    try:
        runs = {
            "no beat (baseline)": measure(pool, keys, heartbeat=NO_BEAT, window=args.window, db_url=db_url,
                                          redis_url=redis.url, env=env),
            f"a beat every {args.heartbeat:g} s": measure(pool, keys, heartbeat=args.heartbeat, window=args.window,
                                                        db_url=db_url, redis_url=redis.url, env=env),
        }  # fmt: skip
    finally:
        pool.shutdown()
        redis.stop()

    idle = runs["no beat (baseline)"]["cpu_share"]
    for run in runs.values():
        beats = run["beats"]
        run["cpu_ms_per_beat"] = round((run["cpu_share"] - idle) * args.window / beats * 1000, 2) if beats else None
    rows = [{"run": name, **run} for name, run in runs.items()]
    title = f"\n{args.clients} sockets on one process, {args.database}, {args.window:g} s window, {args.history} events"
    print(table(rows, list(rows[0]), title=title))
    print(f"load average {load:.2f}")
    write_results(
        args.name,
        {"clients": args.clients, "database": args.database, "window_s": args.window, "history": args.history,
         "runs": runs, "load_average_1min_before": round(load, 2)},
    )  # fmt: skip


if __name__ == "__main__":
    main()
