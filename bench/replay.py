"""Replay: how long until a client that was away for 1,000 events is caught up.

A student subscribed to one course reconnects with ?after=<the last id it had>; 1,000 events of
that course were committed since, among 20,000 of other courses (so the query must use its index).
The clock runs from opening the socket until the 1,000th missed event has arrived.

Two cases: the server replays up to ACTIVITY_REPLAY_LIMIT events (500 by default); beyond it the
client is sent {"type": "resync"} and reloads its feed, which is what the default does for 1,000.
Both are measured: replay with the limit raised to 1,000 (every event over the socket), and the
default (resync, then GET /notifications/, the feed page the browser reloads).

    .venv/bin/python -m bench.replay [--missed 1000] [--repeats 10]
"""

import argparse
import json
import os
import time

from bench.common import (
    PRODUCTION_LIKE,
    BenchDaphne,
    collectstatic,
    fresh_sqlite,
    make_sessions,
    summary_ms,
    table,
    use_database,
    write_results,
)
from lms_site.testing.admin import AdminSession
from lms_site.testing.servers import RedisServer


def build(missed: int, noise: int):
    from django.contrib.auth import get_user_model

    from accounts.services import make_instructor
    from courses.models import Course, Subscription
    from notifications import topics
    from notifications.models import Event

    User = get_user_model()
    teacher = User.objects.create_user(username="teacher", password="x", role="instructor")
    make_instructor(teacher)
    student = User.objects.create_user(username="away", password="x", role="student")
    mine = Course.objects.create(code="AWAY1", title="Away", instructor=teacher, is_published=True)
    others = [Course(code=f"OTH{n}", title="Other", instructor=teacher, is_published=True) for n in range(20)]
    Course.objects.bulk_create(others)
    Subscription.objects.create(student=student, course=mine)
    cursor = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows, mine_count, step = [], 0, (missed + noise) // missed
    for n in range(missed + noise):
        # Interleaved: the student's 1,000 are spread through the others, as in real life.
        if n % step == 0 and mine_count < missed:
            course, mine_count = mine, mine_count + 1
        else:
            course = others[n % len(others)]
        payload = {"title": f"Reading {n}", "url": f"/courses/{course.code}/", "summary": "New reading"}
        payload |= {"course_code": course.code, "course_title": course.title}
        rows.append(Event(kind="new_resource", topic=topics.course_topic(course.code), course=course, payload=payload))
    Event.objects.bulk_create(rows, batch_size=2000)
    wanted = set(Event.objects.filter(course=mine, id__gt=cursor).values_list("id", flat=True))
    assert len(wanted) == missed, len(wanted)
    return student, cursor, wanted


def catch_up(server, cookie: str, cursor: int, wanted: set[int], reload_feed: bool) -> float:
    from websockets.sync.client import connect

    started = time.monotonic()
    url = f"{server.ws_url}/ws/activity/?after={cursor}"
    headers = {"Origin": server.url, "Cookie": f"sessionid={cookie}"}
    with connect(url, additional_headers=headers, max_size=2**22, compression=None) as ws:
        seen = set()
        while not wanted <= seen:
            message = json.loads(ws.recv(timeout=30))
            if message["type"] == "event":
                seen.add(message["id"])
            elif message["type"] == "resync":
                assert reload_feed, "resync although the limit allows the whole replay"
                status, _page = AdminSession(server.url, cookie).get("/notifications/")
                assert status == 200, status
                break
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missed", type=int, default=1000)
    parser.add_argument("--noise", type=int, default=20000, help="events of other courses among them")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(PRODUCTION_LIKE, ACTIVITY_HEARTBEAT_SECONDS="600")
    redis = RedisServer().start()
    db_url = fresh_sqlite("replay")
    use_database(db_url, redis_url=redis.url)
    collectstatic(dict(os.environ))
    student, cursor, wanted = build(args.missed, args.noise)
    cookie = make_sessions([student])[student.pk]
    rows, results = [], []
    try:
        cases = [
            ("socket replay (limit raised)", {"ACTIVITY_REPLAY_LIMIT": str(args.missed)}, False),
            ("default: resync + feed page", {}, True),
        ]
        for label, extra, reload_feed in cases:
            server = BenchDaphne(database_url=db_url, redis_url=redis.url, extra_env={**os.environ, **extra}).start()
            try:
                catch_up(server, cookie, cursor, wanted, reload_feed)  # warm-up
                times = [catch_up(server, cookie, cursor, wanted, reload_feed) for _ in range(args.repeats)]
            finally:
                server.stop()
            stats = summary_ms(times)
            results.append({"case": label, "missed": args.missed, "noise": args.noise, **stats})
            rows.append({"case": label, "missed": args.missed, "p50 ms": stats["p50"], "p95 ms": stats["p95"],
                         "max ms": stats["max"]})  # fmt: skip
            print(table(rows[-1:], list(rows[-1])), flush=True)
    finally:
        redis.stop()
    print(table(rows, list(rows[0]), title=f"\nReplay: {args.missed} missed among {args.noise} others"))
    write_results("replay", {"runs": results})


if __name__ == "__main__":
    main()
