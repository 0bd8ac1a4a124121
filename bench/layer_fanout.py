"""Fan-out through the two channels-redis layers, on a private Redis: RedisPubSubChannelLayer
(what settings.py uses) against RedisChannelLayer (the core layer).

N channels in one process each join a group, as N sockets of one daphne do; a second loop (as
another process) sends M group messages; we time until every channel has every message. Then
each layer meets a Redis restart: does a joined channel receive again without rejoining?

    .venv/bin/python bench/layer_fanout.py [--sockets 1000] [--messages 20]

Prints the figures and writes bench/results/layer_fanout.json.
"""

import argparse
import asyncio
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings")

import django  # noqa: E402

django.setup()

from channels_redis.core import RedisChannelLayer  # noqa: E402
from channels_redis.pubsub import RedisPubSubChannelLayer  # noqa: E402

from lms_site.settings import redis_channel_layer  # noqa: E402
from lms_site.testing.servers import RedisServer  # noqa: E402

LAYERS = {"pubsub": RedisPubSubChannelLayer, "core": RedisChannelLayer}


def make_layer(name: str, url: str, prefix: str):
    return LAYERS[name](**redis_channel_layer(url, prefix)["CONFIG"])


def send_from_another_loop(layer_name, url, prefix, messages):
    """The publishing side, on its own loop and layer instance, as another process would be."""

    async def run():
        layer = make_layer(layer_name, url, prefix)
        start = time.perf_counter()
        for n in range(messages):
            await layer.group_send("all_courses", {"type": "activity.event", "n": n, "html": "x" * 400})
        elapsed = time.perf_counter() - start
        await layer.flush() if layer_name == "pubsub" else await layer.close_pools()
        return elapsed

    return asyncio.run(run())


async def fanout(layer_name: str, url: str, sockets: int, messages: int) -> dict:
    prefix = f"bench-{layer_name}"
    layer = make_layer(layer_name, url, prefix)
    channels = [await layer.new_channel() for _ in range(sockets)]
    join_start = time.perf_counter()
    for channel in channels:
        await layer.group_add("all_courses", channel)
    join_seconds = time.perf_counter() - join_start

    done = asyncio.Event()
    remaining = [sockets * messages]

    async def consume(channel):
        for _ in range(messages):
            await layer.receive(channel)
            remaining[0] -= 1
            if remaining[0] == 0:
                done.set()

    consumers = [asyncio.create_task(consume(channel)) for channel in channels]
    await asyncio.sleep(0.2)
    start = time.perf_counter()
    publish_seconds = await asyncio.get_running_loop().run_in_executor(
        None, send_from_another_loop, layer_name, url, prefix, messages
    )
    await asyncio.wait_for(done.wait(), 120)
    delivered_seconds = time.perf_counter() - start
    for task in consumers:
        task.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    return {
        "layer": layer_name,
        "sockets": sockets,
        "messages": messages,
        "join_all_seconds": round(join_seconds, 3),
        "publish_all_seconds": round(publish_seconds, 4),
        "all_delivered_seconds": round(delivered_seconds, 3),
        "deliveries_per_second": round(sockets * messages / delivered_seconds),
    }


async def survives_restart(layer_name: str, redis: RedisServer) -> dict:
    layer = make_layer(layer_name, redis.url, f"restart-{layer_name}")
    channel = await layer.new_channel()
    await layer.group_add("course.CS101", channel)
    redis.stop()
    redis.start()
    start = time.perf_counter()
    received = False
    while time.perf_counter() - start < 10 and not received:
        try:
            await asyncio.wait_for(layer.group_send("course.CS101", {"type": "probe"}), 1)
            await asyncio.wait_for(layer.receive(channel), 0.5)
            received = True
        except Exception:  # noqa: S112 (down, or nothing yet: try again until the deadline)
            continue
    return {
        "layer": layer_name,
        "delivers_after_restart_without_rejoining": received,
        "seconds_to_first_delivery": round(time.perf_counter() - start, 2) if received else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20)
    args = parser.parse_args()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "fanout": [], "restart": []}
    for layer_name in LAYERS:
        redis = RedisServer().start()
        try:
            figures = asyncio.run(fanout(layer_name, redis.url, args.sockets, args.messages))
            results["fanout"].append(figures)
            print(
                f"{layer_name:>6}: {figures['sockets']} sockets x {figures['messages']} messages: "
                f"join {figures['join_all_seconds']} s, all delivered in {figures['all_delivered_seconds']} s "
                f"({figures['deliveries_per_second']}/s)"
            )
            restart = asyncio.run(survives_restart(layer_name, redis))
            results["restart"].append(restart)
            print(f"{layer_name:>6}: after a Redis restart, a joined channel receives again: {restart}")
        finally:
            redis.stop()
    out = BASE_DIR / "bench" / "results" / "layer_fanout.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    threading.stack_size(0)
    main()
