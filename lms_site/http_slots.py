"""At most HTTP_REQUESTS_PER_PROCESS requests in Django's hands at once in one daphne process, each
on one of as many threads that the process keeps, with their database connections.

Django's ASGI handler runs each request's synchronous part (middleware, views, templates) in a
thread of its own (asgiref's ThreadSensitiveContext), however many requests have arrived. Under a
stampede (1,000 course pages in 10 s, bench/stampede.py) that was hundreds of threads at once, taking
turns at the one interpreter lock with the event loop's thread, which writes every socket's frames:
each page took longer the more there were, SQLite's waits for its writer ran out (503s), and the
announcement that caused the stampede reached its last socket after half a minute instead of well
under a second (docs/performance.md, section 1b). More threads than a few serve no page faster
(Python runs one at a time; only waits on the database overlap), so the others wait their turn on
the loop, where waiting costs nothing, in arrival order.

A turn is a thread that lives as long as the process (asgiref's ThreadSensitiveContext with an
executor of our own). Django's database connections belong to a thread: with a new thread per
request, every request opened a connection, and with DB_CONN_MAX_AGE set, as docs/deploy.md does,
the connections of finished requests stayed open until the garbage collector found them (37 open
to PostgreSQL after 110 pages one at a time). On a turn, a connection serves request after request
for DB_CONN_MAX_AGE, and a process holds at most one per turn. The turn does on its own thread what
Django's request_started and request_finished signals do on the request's: close_old_connections,
which drops a connection that is past its age or broke during the request.

A request takes its turn once its body has arrived (a slow upload holds none) and gives it back
when its response starts, before a file streams out. WebSockets do not pass here.
"""

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections

from .loops import per_loop


class Turns:
    """One event loop's turns: HTTP_REQUESTS_PER_PROCESS threads, each running one request at a time."""

    def __init__(self, size: int):
        # The most recently freed turn goes next (its connection and caches are warm): under a light
        # load one thread and one connection serve every page. Waiting requests go first come,
        # first served whatever the order of the turns.
        self.free: asyncio.LifoQueue[ThreadPoolExecutor] = asyncio.LifoQueue()
        for number in range(size):
            self.free.put_nowait(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"http-turn-{number}"))

    @asynccontextmanager
    async def take(self) -> AsyncIterator[None]:
        """Wait for a free turn; while the block runs, the request's thread-sensitive calls run on
        the turn's thread."""
        thread = await self.free.get()
        try:
            async with ThreadSensitiveContext(executor=thread):
                yield
        finally:
            self.free.put_nowait(thread)


# This event loop's (lms_site/loops.py).
turns = per_loop(lambda: Turns(settings.HTTP_REQUESTS_PER_PROCESS))


class BoundedASGIHandler(ASGIHandler):
    """Django's handler, which runs run_get_response after reading the body and sends the response
    after it returns."""

    async def run_get_response(self, request):
        async with turns().take():
            await sync_to_async(close_old_connections)()
            try:
                return await super().run_get_response(request)
            finally:
                await sync_to_async(close_old_connections)()
