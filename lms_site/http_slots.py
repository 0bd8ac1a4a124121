"""At most HTTP_REQUESTS_PER_PROCESS requests in Django's hands at once in one daphne process.

Django's ASGI handler runs each request's synchronous part (middleware, views, templates) in a
thread of its own (asgiref's ThreadSensitiveContext), however many requests have arrived. Under a
stampede (1,000 course pages in 10 s, bench/stampede.py) that was hundreds of threads at once, taking
turns at the one interpreter lock with the event loop's thread, which writes every socket's frames:
each page took longer the more there were, SQLite's waits for its writer ran out (503s), and the
announcement that caused the stampede reached its last socket after half a minute instead of well
under a second (docs/performance.md, section 1b). More
threads than a few serve no page faster (Python runs one at a time; only waits on the database
overlap), so the others wait their turn on the loop, where waiting costs nothing, in arrival order.

A request takes its turn once its body has arrived (a slow upload holds none) and gives it back
when its response starts, before a file streams out. WebSockets do not pass here.
"""

import asyncio
import weakref

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

_slots: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def slots() -> asyncio.Semaphore:
    """This event loop's (daphne runs one; tests may run several in turn)."""
    loop = asyncio.get_running_loop()
    semaphore = _slots.get(loop)
    if semaphore is None:
        semaphore = _slots[loop] = asyncio.Semaphore(settings.HTTP_REQUESTS_PER_PROCESS)
    return semaphore


class BoundedASGIHandler(ASGIHandler):
    """Django's handler, which runs run_get_response after reading the body and sends the response
    after it returns."""

    async def run_get_response(self, request):
        async with slots():
            return await super().run_get_response(request)
