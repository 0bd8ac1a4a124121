"""What one publish costs the code that saves a model: a bare `async_to_sync(group_send)` per
event against notifications.publisher (one long-lived loop), on a private Redis.

For each we time the caller (what a request would wait) and count the Redis connections opened
(INFO stats total_connections_received) for N events.

    .venv/bin/python bench/publish_overhead.py [--events 300]

Prints the figures and writes bench/results/publish_overhead.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from asgiref.sync import async_to_sync  # noqa: E402
from channels.layers import channel_layers, get_channel_layer  # noqa: E402
from django.conf import settings  # noqa: E402

from lms_site.settings import redis_channel_layer  # noqa: E402
from lms_site.testing.servers import RedisServer  # noqa: E402
from notifications import publisher  # noqa: E402

MESSAGE = {"type": "activity.event", "course_id": 1, "event": {"id": 1, "html": "x" * 400}}


def connections(client) -> int:
    return client.info("stats")["total_connections_received"]


def summary(name, per_call, opened, total) -> dict:
    figures = {
        "way": name,
        "events": len(per_call),
        "caller_median_ms": round(statistics.median(per_call) * 1000, 3),
        "caller_p95_ms": round(sorted(per_call)[int(len(per_call) * 0.95)] * 1000, 3),
        "total_seconds": round(total, 3),
        "redis_connections_opened": opened,
    }
    print(
        f"{name:>22}: caller median {figures['caller_median_ms']} ms, p95 {figures['caller_p95_ms']} ms; "
        f"{figures['events']} events in {figures['total_seconds']} s; {opened} Redis connections opened"
    )
    return figures


def bare(events: int, client) -> dict:
    layer = get_channel_layer()
    before = connections(client)
    per_call = []
    start = time.perf_counter()
    for _ in range(events):
        t = time.perf_counter()
        async_to_sync(layer.group_send)("all_courses", MESSAGE)
        per_call.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    return summary("async_to_sync per event", per_call, connections(client) - before, total)


def long_lived(events: int, client) -> dict:
    before = connections(client)
    per_call = []
    start = time.perf_counter()
    for _ in range(events):
        t = time.perf_counter()
        publisher.send_to_groups(["all_courses"], MESSAGE)
        per_call.append(time.perf_counter() - t)
    publisher.flush(timeout=60)
    total = time.perf_counter() - start
    return summary("publisher (one loop)", per_call, connections(client) - before, total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    server = RedisServer().start()
    try:
        settings.REDIS_URL = server.url
        settings.CHANNEL_LAYERS = {"default": redis_channel_layer(server.url, "bench")}
        channel_layers.backends.clear()
        client = redis.Redis.from_url(server.url)
        results = {"events": args.events, "ways": [bare(args.events, client), long_lived(args.events, client)]}
        client.close()
    finally:
        server.stop()
    out = BASE_DIR / "bench" / "results" / "publish_overhead.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
