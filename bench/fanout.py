"""Fan-out: how long until every connected student has a new resource, and what the floor is.

C students, each logged in (a real session) and subscribed to one course, hold /ws/activity/ open on
daphne with the Redis (pub/sub) layer. An instructor adds a resource through the real admin form
over HTTP; each client stamps the event on arrival. The clock starts before the POST is sent, so
the figure includes the request, the Event rows, the commit and the publish.

Two floors, in the same run, on the same daphne processes (bench/floor_asgi.py): a bare Channels
consumer that forwards a raw group_send of the same size through the same Redis, and the daphne
floor, a raw ASGI app writing the same frame to C sockets from a plain loop (no Channels, no Redis,
no Django). All three populations stay connected together and the triggers take turns, round after
round, so each pair is measured seconds apart (this machine is shared). The ratio to the daphne floor
is the median over rounds of ours ÷ the floor, for the time until the last client has it. "In
process": the same event written by the product's service in the bench process (commit, publish,
Redis, our dispatch), without the admin request. "POST ms" is the instructor's own request (the
admin form whose save causes the event): it is answered on the loop that runs the fan-out.

Then again with two daphne processes sharing Redis, the clients split between them (the trigger
goes to the first). RSS per 1,000 connections is the servers' resident memory growth with C idle
sockets, per 1,000. `--profile <triggers>` records py-spy on the server during those triggers' rounds
(raw stacks in bench/results/<name>-profile-<clients>-<trigger>-<round>.txt, not kept in the
repository).

    .venv/bin/python -m bench.fanout [--clients 1000,3000,10000] [--triggers 5] [--processes 1,2] [--profile ours]
"""

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection

from bench.common import (
    PRODUCTION_LIKE,
    RESULTS,
    BenchDaphne,
    Profile,
    collectstatic,
    cpu_seconds,
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
ANSWERS_PING = {"ours", "bare"}  # the raw floor's sockets never answer


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


def measure(pool, servers, sockets: dict, triggers: dict, marker_for, repeats: int, profile=None) -> dict:
    """Connect every population of `sockets` (tag -> targets), then fire each trigger of `triggers`
    (name -> (tag, trigger)) in turn, 1 + `repeats` rounds (the first a warm-up): the variants are
    measured seconds apart, not minutes, so a neighbour's load moves them alike. Per tag: connect
    time and the servers' RSS growth; per trigger: the latencies over its tag's sockets.
    `profile`: (trigger names, path prefix): py-spy records the first server during those triggers'
    measured rounds, one raw file per trigger and round."""
    pids = [s.process.pid for s in servers]
    result = {"load_average_1min_before": round(os.getloadavg()[0], 2), "sockets": {}}
    for tag, targets in sockets.items():
        rss_before = sum(s.rss_mb() for s in servers)
        started = time.monotonic()
        # 40 at a time: none times out. A socket that answers a ping counts once the server is done
        # setting it up: a faster crowd would be turned away (notifications/admission.py).
        ok, failed = pool.connect(targets, concurrency=20, ready=tag in ANSWERS_PING, tag=tag)
        connect_s = time.monotonic() - started
        wait_idle(pids)
        rss_after = sum(s.rss_mb() for s in servers)
        result["sockets"][tag] = {
            "connected": ok,
            "connect_failed": failed,
            "connect_seconds": round(connect_s, 1),
            "rss_mb_per_1000": round((rss_after - rss_before) / max(ok, 1) * 1000, 1),
        }
    runs = {name: [] for name in triggers}
    for k in range(repeats + 1):
        for name, (tag, trigger) in triggers.items():
            recording = contextlib.nullcontext()
            if profile and name in profile[0] and k:
                recording = Profile(pids[0], f"{profile[1]}-{name}-{k}.txt")
            with recording:
                cpu0 = sum(cpu_seconds(p) for p in pids)
                t0 = time.monotonic()
                key = trigger(k)
                trigger_s = time.monotonic() - t0
                arrivals, missing, duplicates = pool.collect(marker_for(key), timeout=30, tag=tag)
                # The servers' CPU for this broadcast: what a neighbour's load hardly changes.
                cpu_s = sum(cpu_seconds(p) for p in pids) - cpu0
            if k:
                runs[name].append(
                    {
                        "latencies": [a - t0 for a in arrivals],
                        "missing": missing,
                        "dupes": duplicates,
                        "trigger": trigger_s,
                        "cpu": cpu_s,
                    }
                )
            wait_idle(pids)
    pool.close_sockets()
    wait_idle(pids)
    for name, done in runs.items():
        result[name] = {
            "per_client_ms": summary_ms([x for r in done for x in r["latencies"]]),
            "last_client_ms": summary_ms([max(r["latencies"]) for r in done if r["latencies"]]),
            "last_each_ms": [round(max(r["latencies"]) * 1000, 1) if r["latencies"] else None for r in done],
            # From the first client to the last: the fan-out itself, without what came before the
            # first frame (the admin's request, the commit, Redis; the floor's GET).
            "spread_ms": summary_ms([max(r["latencies"]) - min(r["latencies"]) for r in done if r["latencies"]]),
            "trigger_ms": summary_ms([r["trigger"] for r in done]),
            "server_cpu_ms": summary_ms([r["cpu"] for r in done]),
            "missing": sum(r["missing"] for r in done),
            "duplicates": sum(r["dupes"] for r in done),
        }
    return result


def paired_ratio(result: dict, ours: str, floor: str) -> float:
    """The median over rounds of ours ÷ the floor, each pair measured seconds apart."""
    pairs = zip(result[ours]["last_each_ms"], result[floor]["last_each_ms"], strict=True)
    return round(statistics.median(a / b for a, b in pairs if a and b), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1000,3000,10000")
    parser.add_argument("--triggers", type=int, default=5)
    parser.add_argument("--processes", default="1,2", help="daphne process counts to run")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--bare-up-to", type=int, default=3000, help="the bare consumer for this many sockets at most")
    parser.add_argument("--gc", choices=["tuned", "default"], default="tuned", help="server GC thresholds")
    parser.add_argument("--name", default="fanout")
    parser.add_argument("--profile", default="", help="py-spy the first server during these triggers")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    fd_limit = raise_fd_limit()  # the servers inherit it

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

                    def direct_trigger(k, c=c, nproc=nproc):
                        # The same event written by the product's own service in this process: the
                        # fan-out (commit, publish, Redis, our dispatch) without the admin's request.
                        from courses.services import add_resource

                        add_resource(course=course, title=f"Bench direct {nproc}p-{c}-{k}", body="Text")
                        return newest_course_event(course)[0]

                    def floor_trigger(k, c=c, size=size, nproc=nproc):
                        key = 10**9 + nproc * 10**6 + c * 10 + k
                        skeleton = json.dumps({"type": "event", "id": key, "pad": ""})
                        pad = "x" * max(0, size["bytes"] - len(skeleton))
                        text = json.dumps({"type": "event", "id": key, "pad": pad})
                        layer.group_send("bench.floor", {"type": "bench.floor", "text": text})
                        return key

                    def raw_trigger(k, c=c, size=size, nproc=nproc, servers=servers):
                        key = 2 * 10**9 + nproc * 10**6 + c * 10 + k

                        def fire(server):
                            http = HTTPConnection("127.0.0.1", server.port, timeout=120)
                            http.request("GET", f"/bench/raw-fire?id={key}&bytes={size['bytes']}")
                            http.getresponse().read()
                            http.close()

                        # Every process writes to its own sockets, as each does with a group message.
                        with ThreadPoolExecutor(len(servers)) as threads:
                            list(threads.map(fire, servers))
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
                    raw_targets = [
                        (f"{servers[i % nproc].ws_url}/ws/raw/", {"Origin": servers[i % nproc].url}) for i in range(c)
                    ]
                    sockets = {"ours": ours_targets, "raw": raw_targets}
                    fired = {
                        "ours": ("ours", ours_trigger),
                        "ours_in_process": ("ours", direct_trigger),
                        "daphne_floor": ("raw", raw_trigger),
                    }
                    if c <= args.bare_up_to:
                        sockets["bare"] = floor_targets
                        fired["bare_consumer"] = ("bare", floor_trigger)
                    profile = (args.profile.split(","), RESULTS / f"{args.name}-profile-{c}") if args.profile else None
                    if c * len(sockets) < fd_limit - 2000:
                        run = measure(pool, servers, sockets, fired, marker, args.triggers, profile)
                    else:
                        # More sockets than a process may hold open together: one population after
                        # the other (the pairs are then minutes apart, not seconds).
                        run = {"sockets": {}}
                        for tag, targets in sockets.items():
                            own = {name: spec for name, spec in fired.items() if spec[0] == tag}
                            part = measure(pool, servers, {tag: targets}, own, marker, args.triggers, profile)
                            run["sockets"] |= part.pop("sockets")
                            run |= part  # the load average: the last population's
                    ours = run["ours"]
                    bare = run.get("bare_consumer", {}).get("last_client_ms", {}).get("p50", "")
                    result = {
                        "daphne_processes": nproc,
                        "clients": c,
                        "message_bytes": size["bytes"],
                        **run,
                        "ratio_to_daphne_floor": paired_ratio(run, "ours", "daphne_floor"),
                        "in_process_ratio_to_daphne_floor": paired_ratio(run, "ours_in_process", "daphne_floor"),
                    }
                    results.append(result)
                    rows.append(
                        {
                            "daphne": nproc,
                            "clients": c,
                            "connected": run["sockets"]["ours"]["connected"],
                            "p50 ms": ours["per_client_ms"]["p50"],
                            "p99 ms": ours["per_client_ms"]["p99"],
                            "last ms": ours["last_client_ms"]["p50"],
                            "last, written in-process ms": run["ours_in_process"]["last_client_ms"]["p50"],
                            "daphne floor last ms": run["daphne_floor"]["last_client_ms"]["p50"],
                            "bare consumer last ms": bare,
                            "÷ daphne floor": result["ratio_to_daphne_floor"],
                            "server CPU ms, in-process": run["ours_in_process"]["server_cpu_ms"]["p50"],
                            "floor server CPU ms": run["daphne_floor"]["server_cpu_ms"]["p50"],
                            "first-to-last ms": ours["spread_ms"]["p50"],
                            "floor first-to-last ms": run["daphne_floor"]["spread_ms"]["p50"],
                            "in-process ÷ daphne floor": result["in_process_ratio_to_daphne_floor"],
                            "POST ms": ours["trigger_ms"]["p50"],
                            "POST max ms": ours["trigger_ms"]["max"],
                            "missed": ours["missing"] + run["ours_in_process"]["missing"],
                            "dupes": ours["duplicates"] + run["ours_in_process"]["duplicates"],
                            "MB RSS/1000": run["sockets"]["ours"]["rss_mb_per_1000"],
                            "load": run["load_average_1min_before"],
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
