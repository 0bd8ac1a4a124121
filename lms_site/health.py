"""`GET /healthz`: is this process fit to serve? For nginx, supervisors and uptime checks.

JSON: {"status": "ok" | "degraded" | "down", "database": ..., "channel_layer": ..., "worker": ...,
"ms": ...}.
- 503 when the database does not answer: nothing useful can be served, take the process out.
- 200 "degraded" when Redis does not answer: pages and writes still work (the event log keeps every
  event and heartbeats deliver it on recovery), and every process shares the same Redis, so taking
  them all out of rotation would turn a degraded site into a dead one. Also "degraded" when the task
  worker is silent (no heartbeat for WORKER_STALE_SECONDS): mail and push wait in the delivery
  table and nothing is lost, but someone should start a worker.
The view is async and each check is bounded (CHECK_TIMEOUT), so a hanging Redis or database never
holds a worker thread or a health checker for long.
"""

import asyncio
import time

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lms_site import redis_clients

CHECK_TIMEOUT = 1.0


def _database_ok() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # Runs in a worker thread: leave no connection behind it (daphne has no request_finished
        # for a thread it did not start through Django's handler).
        connection.close_if_unusable_or_obsolete()


async def check_database() -> str:
    try:
        await asyncio.wait_for(sync_to_async(_database_ok, thread_sensitive=False)(), CHECK_TIMEOUT)
    except Exception:  # any failure means "not usable"; the reason is in the database's own log
        return "down"
    return "ok"


async def check_channel_layer() -> str:
    if not redis_clients.configured():
        return "in-process"
    try:
        await asyncio.wait_for(redis_clients.for_this_loop().ping(), CHECK_TIMEOUT)
    except Exception:
        return "down"
    return "ok"


async def check_worker() -> str:
    from notifications.delivery.health import worker_status

    def status() -> str:
        try:
            return worker_status()["status"]
        finally:
            connection.close_if_unusable_or_obsolete()

    try:
        return await asyncio.wait_for(sync_to_async(status, thread_sensitive=False)(), CHECK_TIMEOUT)
    except Exception:  # the database answered a moment ago; this read did not
        return "unknown"


@never_cache
@require_safe
async def healthz(request):
    started = time.monotonic()
    database, channel_layer = await asyncio.gather(check_database(), check_channel_layer())
    worker = await check_worker() if database == "ok" else "unknown"
    if database != "ok":
        status = "down"
    elif channel_layer == "down" or worker != "ok":
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "database": database,
        "channel_layer": channel_layer,
        "worker": worker,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=503 if status == "down" else 200)
