"""Connect storms: how long C logged-in students take to connect to one daphne process, against the
bare consumer (bench/floor_asgi.py) in the same run.

Every student has a real session and a subscription, like bench.fanout's. A socket counts as
connected when the server has finished with it: the client sends a ping after the handshake and
waits for the pong, which a consumer handles only after its connect (Channels runs one handler at a
time). Ours and the floor alternate, `--repeats` times each, on the same server process, so the ratio
compares minutes that shared the machine's load. The clients open `--concurrency` handshakes at a
time per client process, as a crowd of browsers reconnecting would.

`--profile ours` records a py-spy profile of the server while our sockets connect (the first
repeat): raw stacks in bench/results/<name>-profile-<side>-<clients>.txt, to be summed by frame (too
large to keep in the repository; docs/performance.md has what they showed).

    .venv/bin/python -m bench.connect [--clients 3000,10000] [--repeats 3] [--concurrency 100]
"""

import argparse
import os
import time

from bench.common import (
    PRODUCTION_LIKE,
    RESULTS,
    BenchDaphne,
    Profile,
    collectstatic,
    fresh_sqlite,
    raise_fd_limit,
    table,
    use_database,
    wait_idle,
    write_results,
)
from bench.fanout import build_world
from bench.wsclients import ClientPool
from lms_site.testing.servers import RedisServer

SERVER_ENV = {**PRODUCTION_LIKE, "ACTIVITY_HEARTBEAT_SECONDS": "600"}  # no heartbeats mid-measurement


def connect_once(pool, server, targets, concurrency: int) -> dict:
    load = os.getloadavg()[0]
    started = time.monotonic()
    ok, failed = pool.connect(targets, concurrency=concurrency, ready=True)
    seconds = time.monotonic() - started - 0.5  # the pool waits 0.5 s for late frames
    rss = server.rss_mb()
    pool.close_sockets()
    wait_idle([server.process.pid])
    return {"seconds": round(seconds, 2), "connected": ok, "failed": failed, "rss_mb": round(rss, 1), "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="3000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes in flight per client process")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--profile", choices=["ours", "floor"], default=None)
    parser.add_argument("--name", default="connect")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    raise_fd_limit()

    os.environ.update(SERVER_ENV)
    redis = RedisServer().start()
    db_url = fresh_sqlite("connect")
    use_database(db_url, redis_url=redis.url)
    from django.db import connection

    env = dict(os.environ)
    collectstatic(env)
    _teacher, _course, student_keys, _teacher_key = build_world(max(counts))
    connection.close()
    pool = ClientPool(args.client_processes)
    server = BenchDaphne(app="bench.floor_asgi:application", database_url=db_url, redis_url=redis.url, extra_env=env)
    server.start()
    rows, results = [], []
    try:
        for c in counts:
            ours_targets = [
                (f"{server.ws_url}/ws/activity/", {"Origin": server.url, "Cookie": f"sessionid={student_keys[i]}"})
                for i in range(c)
            ]
            floor_targets = [(f"{server.ws_url}/ws/floor/", {"Origin": server.url})] * c
            runs = {"ours": [], "floor": []}
            for repeat in range(args.repeats):
                for side, targets in (("ours", ours_targets), ("floor", floor_targets)):
                    if args.profile == side and repeat == 0:
                        with Profile(server.process.pid, RESULTS / f"{args.name}-profile-{side}-{c}.txt"):
                            runs[side].append(connect_once(pool, server, targets, args.concurrency))
                    else:
                        runs[side].append(connect_once(pool, server, targets, args.concurrency))
                    print(f"{c} {side} #{repeat + 1}: {runs[side][-1]}", flush=True)
            ratios = [o["seconds"] / f["seconds"] for o, f in zip(runs["ours"], runs["floor"], strict=True)]
            ours_s = sorted(r["seconds"] for r in runs["ours"])[len(runs["ours"]) // 2]
            floor_s = sorted(r["seconds"] for r in runs["floor"])[len(runs["floor"]) // 2]
            results.append({"clients": c, "runs": runs, "ratios": [round(r, 2) for r in ratios]})
            rows.append(
                {
                    "clients": c,
                    "ours s (median)": ours_s,
                    "floor s (median)": floor_s,
                    "ratio per repeat": " ".join(f"{r:.2f}" for r in ratios),
                    "failed": sum(r["failed"] for side in runs.values() for r in side),
                    "load at start": " ".join(f"{r['load']:.1f}" for r in runs["ours"]),
                }
            )
            print(table(rows[-1:], list(rows[-1]), title=f"\n{c} clients"), flush=True)
    finally:
        server.stop()
        pool.shutdown()
        redis.stop()
    print(table(rows, list(rows[0]), title=f"\nConnecting to one process ({args.repeats} repeats, ours then floor)"))
    write_results(args.name, {"repeats": args.repeats, "concurrency": args.concurrency, "runs": results})


if __name__ == "__main__":
    main()
