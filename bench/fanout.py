"""Fan-out: how long until every connected student has a new resource, and what the floor is.

C students, each logged in (a real session) and subscribed to one course, hold /ws/activity/ open on
daphne with the Redis (pub/sub) layer. An instructor adds a resource through the real admin form
over HTTP; each client stamps the event on arrival. The clock starts before the POST is sent, so
the figure includes the request, the Event rows, the commit and the publish.

The floor, in the same run, on the same daphne processes and Redis: a bare Channels consumer
(bench/floor_asgi.py) that forwards a raw group_send of the same size to C sockets. The ratio is ours
divided by the floor, for the time until the last client has it.

Then again with two daphne processes sharing Redis, the clients split between them (the trigger
goes to the first). RSS per 1,000 connections is the servers' resident memory growth with C idle
sockets, per 1,000.

    .venv/bin/python -m bench.fanout [--clients 100,1000,3000] [--triggers 5] [--processes 1,2]
"""

import argparse
import asyncio
import json
import os
import threading
import time

from bench.common import (
    PRODUCTION_LIKE,
    BenchDaphne,
    collectstatic,
    fresh_sqlite,
    make_sessions,
    raise_fd_limit,
    summary_ms,
    table,
    use_database,
    wait_idle,
    write_results,
)
from bench.wsclients import ClientPool
from lms_site.testing.servers import RedisServer

SERVER_ENV = {**PRODUCTION_LIKE, "ACTIVITY_HEARTBEAT_SECONDS": "600"}  # no heartbeats mid-measurement


def build_world(students: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.services import make_instructor
    from courses.models import Course, Subscription
    from lms_site.testing.mfa import enrol_totp
    from lms_site.testing.servers import session_cookie

    User = get_user_model()
    teacher = User.objects.create_user(username="teacher", password="x-bench-pass", role="instructor")
    make_instructor(teacher)
    course = Course.objects.create(code="FAN1", title="Fan-out", instructor=teacher, is_published=True)
    password = make_password("x-bench-pass")
    User.objects.bulk_create(
        [User(username=f"fan{n:05d}", password=password, role="student") for n in range(students)], batch_size=2000
    )
    people = list(User.objects.filter(username__startswith="fan").order_by("id"))
    Subscription.objects.bulk_create([Subscription(student=u, course=course) for u in people], batch_size=2000)
    keys = make_sessions(people)
    # Staff reach the admin only with a second factor: the teacher sets up an app and logs in with it.
    enrol_totp(teacher)
    return teacher, course, [keys[u.pk] for u in people], session_cookie(teacher)


class LayerThread:
    """The bench process' own channel layer on a loop of its own, for the floor's group_send."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def group_send(self, group: str, message: dict) -> None:
        from channels.layers import get_channel_layer

        async def send():
            await get_channel_layer().group_send(group, message)

        asyncio.run_coroutine_threadsafe(send(), self.loop).result(10)


def newest_course_event(course) -> tuple[int, int]:
    from notifications import topics
    from notifications.models import Event
    from notifications.rendering import event_message

    event = Event.objects.filter(topic=topics.course_topic(course.code)).order_by("-id").first()
    return event.pk, len(json.dumps(event_message(event)))


def measure(pool, servers, targets, trigger, marker_for, triggers: int) -> dict:
    rss_before = sum(s.rss_mb() for s in servers)
    started = time.monotonic()
    ok, failed = pool.connect(targets)
    connect_s = time.monotonic() - started
    wait_idle([s.process.pid for s in servers])
    rss_after = sum(s.rss_mb() for s in servers)
    runs = []
    for k in range(triggers + 1):  # the first is a warm-up, not counted
        t0 = time.monotonic()
        key = trigger(k)
        trigger_s = time.monotonic() - t0
        arrivals, missing, duplicates = pool.collect(marker_for(key), timeout=20)
        latencies = [a - t0 for a in arrivals]
        if k:
            runs.append({"latencies": latencies, "missing": missing, "duplicates": duplicates, "trigger": trigger_s})
        wait_idle([s.process.pid for s in servers])
    pool.close_sockets()
    wait_idle([s.process.pid for s in servers])
    every = [x for r in runs for x in r["latencies"]]
    lasts = [max(r["latencies"]) for r in runs if r["latencies"]]
    return {
        "connected": ok,
        "connect_failed": failed,
        "connect_seconds": round(connect_s, 1),
        "per_client_ms": summary_ms(every),
        "last_client_ms": summary_ms(lasts),
        "trigger_ms": summary_ms([r["trigger"] for r in runs]),
        "missing": sum(r["missing"] for r in runs),
        "duplicates": sum(r["duplicates"] for r in runs),
        "rss_mb_before": round(rss_before, 1),
        "rss_mb_connected": round(rss_after, 1),
        "rss_mb_per_1000": round((rss_after - rss_before) / max(ok, 1) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="100,1000,3000")
    parser.add_argument("--triggers", type=int, default=5)
    parser.add_argument("--processes", default="1,2", help="daphne process counts to run")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--gc", choices=["tuned", "default"], default="tuned", help="server GC thresholds")
    parser.add_argument("--name", default="fanout")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    raise_fd_limit()

    # This process signs the sessions the servers read: same settings, same SECRET_KEY.
    os.environ.update(SERVER_ENV)
    redis = RedisServer().start()
    db_url = fresh_sqlite("fanout")
    use_database(db_url, redis_url=redis.url)
    from django.db import connection

    env = dict(os.environ)
    if args.gc == "default":
        env["BENCH_GC_DEFAULT"] = "1"
    collectstatic(env)
    from lms_site.testing.admin import AdminSession

    _teacher, course, student_keys, teacher_key = build_world(max(counts))
    connection.close()
    layer = LayerThread()
    pool = ClientPool(args.client_processes)
    rows, results = [], []
    try:
        for nproc in [int(p) for p in args.processes.split(",")]:
            servers = [
                BenchDaphne(
                    app="bench.floor_asgi:application", database_url=db_url, redis_url=redis.url, extra_env=env
                ).start()
                for _ in range(nproc)
            ]
            try:
                admin = AdminSession(servers[0].url, teacher_key)
                for c in counts:
                    size = {"bytes": 1500}

                    def ours_trigger(k, c=c, size=size, admin=admin, nproc=nproc):
                        status = admin.add_resource(course.pk, f"Bench reading {nproc}p-{c}-{k}")
                        assert status == 302, f"the admin refused the resource ({status})"
                        event_id, size["bytes"] = newest_course_event(course)
                        return event_id

                    def floor_trigger(k, c=c, size=size, nproc=nproc):
                        key = 10**9 + nproc * 10**6 + c * 10 + k
                        skeleton = json.dumps({"type": "event", "id": key, "pad": ""})
                        pad = "x" * max(0, size["bytes"] - len(skeleton))
                        text = json.dumps({"type": "event", "id": key, "pad": pad})
                        layer.group_send("bench.floor", {"type": "bench.floor", "text": text})
                        return key

                    def marker(key):
                        return f'"type": "event", "id": {key},'

                    ours_targets = [
                        (
                            f"{servers[i % nproc].ws_url}/ws/activity/",
                            {"Origin": servers[i % nproc].url, "Cookie": f"sessionid={student_keys[i]}"},
                        )
                        for i in range(c)
                    ]
                    floor_targets = [
                        (f"{servers[i % nproc].ws_url}/ws/floor/", {"Origin": servers[i % nproc].url}) for i in range(c)
                    ]
                    ours = measure(pool, servers, ours_targets, ours_trigger, marker, args.triggers)
                    floor = measure(pool, servers, floor_targets, floor_trigger, marker, args.triggers)
                    ratio = ours["last_client_ms"]["p50"] / floor["last_client_ms"]["p50"]
                    result = {
                        "daphne_processes": nproc,
                        "clients": c,
                        "message_bytes": size["bytes"],
                        "ours": ours,
                        "floor": floor,
                        "ratio_last_p50": round(ratio, 2),
                    }
                    results.append(result)
                    rows.append(
                        {
                            "daphne": nproc,
                            "clients": c,
                            "p50 ms": ours["per_client_ms"]["p50"],
                            "p99 ms": ours["per_client_ms"]["p99"],
                            "max ms": ours["per_client_ms"]["max"],
                            "last (p50 of triggers) ms": ours["last_client_ms"]["p50"],
                            "floor last ms": floor["last_client_ms"]["p50"],
                            "POST ms": ours["trigger_ms"]["p50"],
                            "ratio": f"{ratio:.2f}",
                            "missed": ours["missing"],
                            "dupes": ours["duplicates"],
                            "MB RSS/1000": ours["rss_mb_per_1000"],
                        }
                    )
                    print(table(rows[-1:], list(rows[-1]), title=f"\n{nproc} daphne, {c} clients"), flush=True)
            finally:
                for s in servers:
                    s.stop()
    finally:
        pool.shutdown()
        redis.stop()
    print(table(rows, list(rows[0]), title=f"\nFan-out ({args.triggers} triggers each, GC {args.gc})"))
    write_results(args.name, {"triggers": args.triggers, "gc": args.gc, "runs": results})


if __name__ == "__main__":
    main()
