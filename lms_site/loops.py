"""What a process keeps per event loop: daphne runs one loop, tests may run several in turn.

Asyncio objects (locks, futures, redis-py's asyncio connections, tasks) belong to the loop that
made them, so whatever holds them is kept per loop, for as long as that loop lives, and dropped with
it rather than handed to the next.
"""

import asyncio
import weakref
from collections.abc import Callable


def per_loop[T](make: Callable[[], T]) -> Callable[[], T]:
    """A function that returns `make()` made once for the running event loop."""
    kept: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def this_loops() -> T:
        loop = asyncio.get_running_loop()
        if loop not in kept:
            kept[loop] = make()
        return kept[loop]

    return this_loops
