"""`manage.py lms_health`: is everything the product needs alive? For cron and monitors: prints
one line per check and exits 1 when something is wrong.

Checks: the database, Redis (PING), a round trip through the channel layer (a message sent to a
channel of our own and received back), the worker's heartbeat, and the delivery queue (how many
are due, how long the oldest has waited, how many are dead)."""

import asyncio
import time

from channels.layers import get_channel_layer
from django.core.management.base import BaseCommand

from lms_site import redis_clients
from lms_site.health import check_channel_layer, check_database
from notifications.delivery.health import queue_is_stuck, queue_status, worker_status

ROUND_TRIP_TIMEOUT = 2.0


async def channel_round_trip() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "down"
    try:
        channel = await layer.new_channel("health.")
        started = time.monotonic()
        await asyncio.wait_for(layer.send(channel, {"type": "health.ping"}), ROUND_TRIP_TIMEOUT)
        await asyncio.wait_for(layer.receive(channel), ROUND_TRIP_TIMEOUT)
    except Exception:  # Redis down or too slow: the check failed, whatever the reason
        return "down"
    return f"ok ({(time.monotonic() - started) * 1000:.1f} ms)"


class Command(BaseCommand):
    help = "Check the database, Redis, the channel layer, the worker and the delivery queue; exit 1 if unwell."

    def handle(self, *args, **options):
        async def checks():
            return await asyncio.gather(check_database(), check_channel_layer(), channel_round_trip())

        database, redis, round_trip = asyncio.run(checks())
        worker = worker_status()
        queue = queue_status()
        rows = [
            ("database", database, database == "ok"),
            ("redis", redis if redis_clients.configured() else "not configured (in-process layer)", redis != "down"),
            ("channel layer round trip", round_trip, round_trip.startswith("ok")),
            (
                "worker heartbeat",
                f"{worker['status']} (last {worker['heartbeat_age_seconds']} s ago)",
                worker["status"] == "ok",
            ),
            (
                "delivery queue",
                f"{queue['due']} due, oldest {queue['oldest_due_seconds']} s, {queue['dead']} dead",
                not queue_is_stuck(queue),
            ),
        ]
        healthy = True
        for name, value, ok in rows:
            healthy &= ok
            self.stdout.write(f"{'OK  ' if ok else 'FAIL'} {name}: {value}")
        if not healthy:
            raise SystemExit(1)
