"""The capacity model of docs/capacity.md, checked against a simulation on this machine.

First the model's per-process figures are measured on ONE daphne process (the calibration): CPU per
connect, memory per socket, CPU per heartbeat (with its database transactions and Redis commands),
and the CPU an event costs a process: a fixed part for the message Redis hands the process, plus a
part per local socket that receives it (two courses of different sizes, solved for both parts).

Then the simulation: EIGHT daphne processes share one Redis and one PostgreSQL, the students' sockets
placed at random among them (as nginx's least_conn places them, blind to courses). Events go to
large and small courses. Redis' own counters say what it did: PUBLISH calls (INFO commandstats),
processes subscribed to each course's group (PUBSUB NUMSUB) and the bytes it sent (INFO stats
total_net_output_bytes), from which the messages delivered to processes are counted; /proc says the
CPU each process spent. Beside each measured figure: what the model predicts from the calibration
and the placement.

    .venv/bin/python -m bench.capacity [--sockets 2400] [--processes 8] [--database postgres|sqlite]
"""

import argparse
import json
import os
import random
import time

import redis as redis_client

from bench.common import (
    PRODUCTION_LIKE,
    RESULTS,
    BenchDaphne,
    collectstatic,
    cpu_seconds,
    fresh_postgres,
    fresh_sqlite,
    make_sessions,
    raise_fd_limit,
    table,
    use_database,
    wait_idle,
    write_results,
)
from bench.heartbeats import BEAT
from bench.wsclients import ClientPool
from lms_site.testing.servers import RedisServer

PREFIX = "lms"
#: Events are paced, as a campus produces them, not fired in a burst.
EVENTS_PER_SECOND = 5
IDLE_WINDOW = 5.0


class Redis:
    """Counters of the private Redis server, read without MONITOR."""

    def __init__(self, url: str):
        self.client = redis_client.Redis.from_url(url)

    def counters(self) -> dict:
        commands = self.client.info("commandstats")
        calls = {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in commands.items()}
        return {
            "publish": calls.get("publish", 0),
            "subscribe": calls.get("subscribe", 0),
            "out_bytes": self.client.info("stats")["total_net_output_bytes"],
        }

    def info_overhead(self) -> int:
        """The bytes one reading of the counters adds to total_net_output_bytes itself."""
        first = self.counters()["out_bytes"]
        return self.counters()["out_bytes"] - first

    def numsub(self, group: str) -> int:
        return self.client.pubsub_numsub(f"{PREFIX}__group__{group}")[0][1]


def message_frame_bytes(channel: bytes, data: bytes) -> int:
    """The RESP2 bytes of one pub/sub message delivered to a subscribed connection."""
    return len(b"*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n" % (len(channel), channel, len(data))) + len(data) + 2


class Probe:
    """One extra subscriber to the course groups: it sees each published message once, so the
    size of a delivery is known; its own bytes are taken out of Redis' total."""

    def __init__(self, url: str):
        self.pubsub = redis_client.Redis.from_url(url).pubsub()
        self.pattern = f"{PREFIX}__group__course.*"
        self.pubsub.psubscribe(self.pattern)
        self.pubsub.get_message(timeout=1)  # the psubscribe confirmation

    def drain(self) -> tuple[int, list[int], int]:
        """(messages, plain delivery sizes, the probe's own bytes) since the last call."""
        count, sizes, own = 0, [], 0
        pattern = self.pattern.encode()
        while (message := self.pubsub.get_message(timeout=0.2)) is not None:
            if message["type"] != "pmessage":
                continue
            channel, data = message["channel"], message["data"]
            count += 1
            sizes.append(message_frame_bytes(channel, data))
            own += (
                len(
                    b"*4\r\n$8\r\npmessage\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$%d\r\n"
                    % (len(pattern), pattern, len(channel), channel, len(data))
                )
                + len(data)
                + 2
            )
        return count, sizes, own


def build_world(students: int, big_courses: int, small_courses: int, small_size: int, seed: int):
    """Students in one large course each (round robin), some also in a small course; sessions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from courses.models import Course, Subscription

    User = get_user_model()
    teacher = User.objects.create_user(username="cap-teacher", password="x-bench-pass", role="instructor")
    big = [
        Course.objects.create(code=f"CAPL{n:02d}", title=f"Large {n}", instructor=teacher, is_published=True)
        for n in range(big_courses)
    ]
    small = [
        Course.objects.create(code=f"CAPS{n:02d}", title=f"Small {n}", instructor=teacher, is_published=True)
        for n in range(small_courses)
    ]
    password = make_password("x-bench-pass")
    User.objects.bulk_create(
        [User(username=f"cap{n:05d}", password=password, role="student") for n in range(students)], batch_size=2000
    )
    people = list(User.objects.filter(username__startswith="cap0").order_by("id"))
    rng = random.Random(seed)
    members = {course.code: [] for course in big + small}
    rows = []
    for n, person in enumerate(people):
        course = big[n % big_courses]
        rows.append(Subscription(student=person, course=course))
        members[course.code].append(n)
    for course in small:
        for n in rng.sample(range(students), small_size):
            rows.append(Subscription(student=people[n], course=course))
            members[course.code].append(n)
    Subscription.objects.bulk_create(rows, batch_size=2000)
    keys = make_sessions(people)
    return big, small, members, [keys[p.pk] for p in people]


def calibration_courses(students: list[int], small_size: int):
    from django.contrib.auth import get_user_model

    from courses.models import Course, Subscription

    people = list(get_user_model().objects.filter(username__startswith="cap0").order_by("id"))
    teacher = get_user_model().objects.get(username="cap-teacher")
    large = Course.objects.create(code="CAPCL", title="Calibration", instructor=teacher, is_published=True)
    small = Course.objects.create(code="CAPCS", title="Calibration, few", instructor=teacher, is_published=True)
    Subscription.objects.bulk_create(
        [Subscription(student=people[n], course=large) for n in students]
        + [Subscription(student=people[n], course=small) for n in students[:small_size]]
    )
    return large, small


def db_transactions(database_url: str) -> int | None:
    """Transactions committed in this database (PostgreSQL's pg_stat_database), or None."""
    if not database_url.startswith("postgres"):
        return None
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [name]).fetchone()[0]


class Run:
    """Servers, clients and counters of one configuration (calibration or simulation)."""

    def __init__(self, *, processes: int, heartbeat: float, db_url: str, redis_url: str, env: dict):
        self.db_url = db_url
        self.redis = Redis(redis_url)
        extra = {**env, "ACTIVITY_HEARTBEAT_SECONDS": str(heartbeat)}
        self.servers = [
            BenchDaphne(database_url=db_url, redis_url=redis_url, extra_env=extra).start() for _ in range(processes)
        ]
        self.heartbeat = heartbeat

    @property
    def pids(self) -> list[int]:
        return [s.process.pid for s in self.servers]

    def cpu(self) -> list[float]:
        return [cpu_seconds(pid) for pid in self.pids]

    def connect(self, pool: ClientPool, keys: list[str], placement: list[int]) -> dict:
        targets = [
            (
                f"{self.servers[p].ws_url}/ws/activity/",
                {"Origin": self.servers[p].url, "Cookie": f"sessionid={keys[n]}"},
            )
            for n, p in enumerate(placement)
        ]
        wait_idle(self.pids)
        rss_before = sum(s.rss_mb() for s in self.servers)
        cpu_before, xact_before = self.cpu(), db_transactions(self.db_url)
        started = time.monotonic()
        ok, failed = pool.connect(targets, concurrency=20)
        wait_idle(self.pids)
        seconds = time.monotonic() - started
        cpu = sum(self.cpu()) - sum(cpu_before)
        xacts = db_transactions(self.db_url)
        return {
            "sockets": ok,
            "failed": failed,
            "seconds": round(seconds, 1),
            "sockets_per_second": round(ok / seconds, 1),
            "cpu_ms_per_connect": round(cpu / max(ok, 1) * 1000, 2),
            "db_transactions_per_connect": round((xacts - xact_before) / max(ok, 1), 2) if xacts is not None else None,
            "rss_mb_per_1000": round((sum(s.rss_mb() for s in self.servers) - rss_before) / max(ok, 1) * 1000, 1),
            "rss_mb_per_process": [round(s.rss_mb(), 1) for s in self.servers],
        }

    def events(self, courses: list, per_course: int, probe: Probe) -> dict:
        """`per_course` resources in each course, paced; what Redis and each process did."""
        from courses import services

        wait_idle(self.pids)
        probe.drain()
        overhead = self.redis.info_overhead()
        # What the processes spend without events (daphne's pings to every socket, timers): taken
        # out of the events' CPU for the same length of time.
        idle_before = self.cpu()
        time.sleep(IDLE_WINDOW)
        idle_rate = [(a - b) / IDLE_WINDOW for a, b in zip(self.cpu(), idle_before, strict=True)]
        before, cpu_before = self.redis.counters(), self.cpu()
        started = time.monotonic()
        sent = 0
        for k in range(per_course):
            for course in courses:
                services.add_resource(course=course, title=f"Capacity {k}", body="Reading for the week.")
                sent += 1
                time.sleep(max(0.0, started + sent / EVENTS_PER_SECOND - time.monotonic()))
        time.sleep(1)  # the publisher thread sends after commit
        wait_idle(self.pids)
        after, cpu_after = self.redis.counters(), self.cpu()
        elapsed = time.monotonic() - started
        seen, sizes, probe_bytes = probe.drain()
        publishes = after["publish"] - before["publish"]
        out = after["out_bytes"] - before["out_bytes"] - overhead - probe_bytes - publishes * len(b":8\r\n")
        frame = sum(sizes) / max(len(sizes), 1)
        return {
            "events": sent,
            "publishes": publishes,
            "probe_messages": seen,
            "deliveries_from_bytes": round(out / frame, 1),
            "frame_bytes": round(frame, 1),
            "seconds": round(elapsed, 1),
            "idle_cpu_share_per_process": [round(r, 4) for r in idle_rate],
            "cpu_ms_per_event_per_process": [
                round(max(0.0, a - b - r * elapsed) / sent * 1000, 3)
                for a, b, r in zip(cpu_after, cpu_before, idle_rate, strict=True)
            ],
        }

    def heartbeats(self, pool: ClientPool, sockets: int, window: float) -> dict:
        """The heartbeats the clients received within the window (the sockets beating together renew
        their slots in one Redis script, notifications/quota.py, so Redis' count of scripts is not
        the count of beats), and what they cost."""
        wait_idle(self.pids, timeout=10)
        pool.collect(BEAT, 0)  # the beats so far are not counted
        cpu_before, xact_before = self.cpu(), db_transactions(self.db_url)
        time.sleep(window)
        cpu_after, xacts = self.cpu(), db_transactions(self.db_url)
        arrivals, _missing, more = pool.collect(BEAT, 0)
        beats = len(arrivals) + more
        return {
            "window_s": window,
            "heartbeats_due": round(sockets * window / self.heartbeat),
            "heartbeats": beats,
            "cpu_ms_per_heartbeat": round((sum(cpu_after) - sum(cpu_before)) / max(beats, 1) * 1000, 3),
            "cpu_share_per_process": [round((a - b) / window, 3) for a, b in zip(cpu_after, cpu_before, strict=True)],
            "db_transactions_per_heartbeat": round((xacts - xact_before) / max(beats, 1), 2)
            if xacts is not None
            else None,
        }

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


#: What the model assumes of a campus in exam week (docs/capacity.md says why), and the figures it
#: takes from docs/performance.md rather than from this run.
ASSUMPTIONS = {
    "sockets_per_student": 1.2,  # a second tab or a phone now and then
    "heartbeat_s": 25.0,  # ACTIVITY_HEARTBEAT_SECONDS' default
    "pages_per_student_per_s": 1 / 60,  # one page (or API call) a minute per connected student
    "events_per_student_per_s": 1 / 120,  # exam week: each student is told of something every 2 minutes
    "course_sockets": 180,  # connected sockets of the course an event goes to (150 students)
    "page_cpu_ms": 35.0,  # performance.md: pages' p50 on PostgreSQL, 20 to 45 ms of one core
    "page_queries": 12,  # performance.md: 4 to 14 queries a page
    "process_base_mb": 110.0,  # a daphne process before its sockets (this run: 123 MB with 300)
    "fanout_us_per_socket": 200.0,  # performance.md: a broadcast's time per local socket
    "utilisation": 0.5,  # of a core per process at the peak: room for reconnect storms and bursts
    "site_wide_fanout_s": 1.0,  # a site-wide announcement reaches a process' last socket within
    "processes_per_machine": 14,  # a 16-core machine: two cores for nginx, the OS and the worker
    "redis_ops_per_s": 50_000,  # per Redis server: about half of what one dedicated core sustains
    "primary_qps": 40_000,  # what one large PostgreSQL primary (32 cores) sustains in short reads
}


def capacity_model(students: int, measured: dict, a: dict = ASSUMPTIONS) -> dict:
    """Processes, machines, Redis and PostgreSQL for `students` connected at once, from the
    per-process figures `measured` (cpu_ms_per_heartbeat, db_per_heartbeat, cpu_ms_per_connect,
    db_per_connect, cpu_ms_per_local_socket, cpu_ms_per_message, mb_per_1000_sockets)."""
    import math

    sockets = students * a["sockets_per_student"]
    beats = sockets / a["heartbeat_s"]
    # Sockets a process may hold: its heartbeats within the utilisation, a site-wide announcement
    # within its time.
    per_process = min(
        a["utilisation"] / (measured["cpu_ms_per_heartbeat"] / 1000 / a["heartbeat_s"]),
        a["site_wide_fanout_s"] / (a["fanout_us_per_socket"] / 1e6),
    )
    socket_processes = math.ceil(sockets / per_process)
    pages = students * a["pages_per_student_per_s"]
    page_processes = math.ceil(pages * a["page_cpu_ms"] / 1000 / a["utilisation"])
    deliveries = sockets * a["events_per_student_per_s"]
    events = deliveries / a["course_sockets"]
    reach = expected_processes(int(a["course_sockets"]), socket_processes)
    processes = socket_processes + page_processes
    redis_ops = beats + events * (1 + reach)
    queries = pages * a["page_queries"] + beats * measured["db_per_heartbeat"]
    return {
        "students": students,
        "sockets": round(sockets),
        "sockets_per_socket_process": round(per_process),
        "socket_processes": socket_processes,
        "page_processes": page_processes,
        "machines": math.ceil(processes / a["processes_per_machine"]),
        "memory_gb": round(
            (sockets * measured["mb_per_1000_sockets"] / 1000 + processes * a["process_base_mb"]) / 1024, 1
        ),
        "heartbeats_per_s": round(beats),
        "events_per_s": round(events, 1),
        "processes_per_event": round(reach, 1),
        "redis_ops_per_s": round(redis_ops),
        "redis_servers": math.ceil(redis_ops / a["redis_ops_per_s"]),
        "redis_mb_per_s_out": round(events * reach * 1.5 / 1024, 2),
        "db_queries_per_s": round(queries),
        "db_connections": processes + 2,
        "primaries_needed": round(queries / a["primary_qps"], 2),
        "reconnect_all_cpu_s": round(sockets * measured["cpu_ms_per_connect"] / 1000),
        "reconnect_all_queries": round(sockets * measured["db_per_connect"]),
    }


def model_from(results: dict) -> dict:
    """The model at three sizes with the figures a run measured (eight processes' heartbeats and
    connects, the calibration's event costs); prints its table."""
    sim, cal = results["simulation"], results["calibration"]
    measured = {
        "cpu_ms_per_heartbeat": sim["heartbeats"]["cpu_ms_per_heartbeat"],
        "db_per_heartbeat": sim["heartbeats"]["db_transactions_per_heartbeat"] or 3,
        "cpu_ms_per_connect": sim["connect"]["cpu_ms_per_connect"],
        "db_per_connect": sim["connect"]["db_transactions_per_connect"] or 4,
        "cpu_ms_per_local_socket": cal["cpu_ms_per_local_socket"],
        "cpu_ms_per_message": cal["cpu_ms_per_message"],
        "mb_per_1000_sockets": sim["connect"]["rss_mb_per_1000"],
    }
    model = [capacity_model(n, measured) for n in (10_000, 100_000, 1_000_000)]
    columns = [f"{m['students']:,} students" for m in model]
    rows = [{"": k, **dict(zip(columns, (m[k] for m in model), strict=True))} for k in model[0] if k != "students"]
    print(table(rows, ["", *columns], title="\nThe model with this run's figures"))
    return {"measured": measured, "assumptions": ASSUMPTIONS, "sizes": model}


def processes_with_members(members: list[int], placement: list[int]) -> int:
    return len({placement[n] for n in members})


def expected_processes(members: int, processes: int) -> float:
    """The model: sockets placed blind to courses reach 1 - (1 - 1/P)^m of the P processes."""
    return processes * (1 - (1 - 1 / processes) ** members)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=2400, help="students connected in the simulation")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--heartbeat", type=float, default=25.0, help="heartbeat seconds for the heartbeat phases")
    parser.add_argument("--events", type=int, default=4, help="events per course in each events phase")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--model", action="store_true", help="only the model, from bench/results/capacity.json")
    args = parser.parse_args()
    if args.model:
        model_from(json.loads((RESULTS / "capacity.json").read_text()))
        return
    raise_fd_limit()
    started_load = os.getloadavg()

    # As docs/deploy.md runs production: database connections kept between requests.
    os.environ.update({**PRODUCTION_LIKE, "DB_CONN_MAX_AGE": "60"})
    redis = RedisServer().start()
    db_url = fresh_postgres("lms_bench_capacity") if args.database == "postgres" else None
    db_url = db_url or fresh_sqlite("capacity")
    use_database(db_url, redis_url=redis.url)
    env = dict(os.environ)
    collectstatic(env)
    from django.db import connection

    big_count = max(1, args.sockets // 100)
    big, small, members, keys = build_world(args.sockets, big_count, 12, 5, args.seed)
    # Calibration courses: the first students in one course, ten of them also in a second one.
    cal_members = list(range(min(300, args.sockets)))
    cal_large, cal_small = calibration_courses(cal_members, small_size=10)
    connection.close()

    probe = Probe(redis.url)
    pool = ClientPool(2)
    results = {"sockets": args.sockets, "processes": args.processes, "database": args.database}
    try:
        # 1. Calibration on one process: events, connects, memory.
        one = Run(processes=1, heartbeat=600, db_url=db_url, redis_url=redis.url, env=env)
        try:
            cal_keys = [keys[n] for n in cal_members]
            connect_one = one.connect(pool, cal_keys, [0] * len(cal_keys))
            large = one.events([cal_large], args.events * 6, probe)
            smaller = one.events([cal_small], args.events * 6, probe)
            pool.close_sockets()
        finally:
            one.stop()
        m_large, m_small = len(cal_members), 10
        c_large, c_small = large["cpu_ms_per_event_per_process"][0], smaller["cpu_ms_per_event_per_process"][0]
        per_socket = (c_large - c_small) / (m_large - m_small)
        per_message = max(0.0, c_small - m_small * per_socket)
        # Heartbeats on one process.
        one = Run(processes=1, heartbeat=args.heartbeat, db_url=db_url, redis_url=redis.url, env=env)
        try:
            connected = one.connect(pool, cal_keys, [0] * len(cal_keys))["sockets"]
            beats_one = one.heartbeats(pool, connected, window=2 * args.heartbeat)
            pool.close_sockets()
        finally:
            one.stop()
        results["calibration"] = {
            "connect": connect_one,
            "events_large": large,
            "events_small": smaller,
            "cpu_ms_per_local_socket": round(per_socket, 4),
            "cpu_ms_per_message": round(per_message, 4),
            "heartbeats": beats_one,
        }
        print(f"Calibration (1 process, {m_large} sockets): {per_socket * 1000:.1f} µs per local socket, "
              f"{per_message * 1000:.0f} µs per message, {beats_one['cpu_ms_per_heartbeat']} ms per heartbeat, "
              f"{connect_one['cpu_ms_per_connect']} ms per connect", flush=True)  # fmt: skip

        # 2. The simulation: P processes, sockets placed at random, events to large and small courses.
        rng = random.Random(args.seed)
        placement = [rng.randrange(args.processes) for _ in range(args.sockets)]
        many = Run(processes=args.processes, heartbeat=600, db_url=db_url, redis_url=redis.url, env=env)
        try:
            connect_many = many.connect(pool, keys, placement)
            rows = []
            sim = {"connect": connect_many, "phases": []}
            for label, courses in (("large courses", big), ("small courses", small)):
                measured = many.events(courses, args.events, probe)
                reached = {c.code: processes_with_members(members[c.code], placement) for c in courses}
                numsub = {c.code: many.redis.numsub(f"course.{c.code}") for c in courses}
                predicted_deliveries = args.events * sum(reached.values())
                expected_deliveries = args.events * sum(
                    expected_processes(len(members[c.code]), args.processes) for c in courses
                )
                local = [[0] * args.processes for _ in courses]
                for i, c in enumerate(courses):
                    for n in members[c.code]:
                        local[i][placement[n]] += 1
                predicted_cpu = [
                    args.events
                    * sum(per_message * (local[i][p] > 0) + per_socket * local[i][p] for i in range(len(courses)))
                    / measured["events"]
                    for p in range(args.processes)
                ]
                phase = {
                    "label": label,
                    **measured,
                    "numsub_total": sum(numsub.values()),
                    "processes_with_members_total": sum(reached.values()),
                    "deliveries_predicted_from_placement": predicted_deliveries,
                    "deliveries_expected_by_formula": round(expected_deliveries, 1),
                    "cpu_ms_per_event_per_process_predicted": [round(x, 3) for x in predicted_cpu],
                }
                sim["phases"].append(phase)
                measured_cpu = sum(measured["cpu_ms_per_event_per_process"])
                rows.append({
                    "events to": label,
                    "events": measured["events"],
                    "PUBLISH": measured["publishes"],
                    "deliveries (Redis bytes)": measured["deliveries_from_bytes"],
                    "model: placement": predicted_deliveries,
                    "model: formula": round(expected_deliveries),
                    "CPU ms/event, all processes": round(measured_cpu, 2),
                    "model CPU ms/event": round(sum(predicted_cpu), 2),
                    "ratio": round(measured_cpu / sum(predicted_cpu), 2),
                })  # fmt: skip
            pool.close_sockets()
        finally:
            many.stop()
        many = Run(processes=args.processes, heartbeat=args.heartbeat, db_url=db_url, redis_url=redis.url, env=env)
        try:
            connected = many.connect(pool, keys, placement)["sockets"]
            beats_many = many.heartbeats(pool, connected, window=2 * args.heartbeat)
            pool.close_sockets()
        finally:
            many.stop()
        sim["heartbeats"] = beats_many
        results["simulation"] = sim
        print(table(rows, list(rows[0]), title=f"\n{args.processes} processes, {args.sockets} sockets: events"))
        connect_rows = [
            {"": "1 process (calibration)", **{k: connect_one[k] for k in ("sockets", "sockets_per_second",
             "cpu_ms_per_connect", "db_transactions_per_connect", "rss_mb_per_1000")}},
            {"": f"{args.processes} processes", **{k: connect_many[k] for k in ("sockets", "sockets_per_second",
             "cpu_ms_per_connect", "db_transactions_per_connect", "rss_mb_per_1000")}},
        ]  # fmt: skip
        print(table(connect_rows, list(connect_rows[0]), title="\nConnecting"))
        beat_rows = [
            {"": "1 process (calibration)", **{k: beats_one[k] for k in ("heartbeats", "cpu_ms_per_heartbeat",
             "heartbeats_due", "db_transactions_per_heartbeat")}},
            {"": f"{args.processes} processes", **{k: beats_many[k] for k in ("heartbeats", "cpu_ms_per_heartbeat",
             "heartbeats_due", "db_transactions_per_heartbeat")}},
        ]  # fmt: skip
        print(table(beat_rows, list(beat_rows[0]), title=f"\nHeartbeats (every {args.heartbeat} s)"))
        results["model"] = model_from(results)
    finally:
        pool.shutdown()
        redis.stop()
    results["load_average"] = {
        "start": [round(x, 2) for x in started_load],
        "end": [round(x, 2) for x in os.getloadavg()],
    }
    print(
        f"\nLoad average at the start {results['load_average']['start']}, at the end {results['load_average']['end']}"
    )
    write_results("capacity", results)


if __name__ == "__main__":
    main()
