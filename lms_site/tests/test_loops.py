"""lms_site/loops.py: what is kept per event loop is made once for a loop, apart for each loop, and
dropped with its loop (asyncio objects must not outlive their loop, nor reach the next one)."""

import gc
import weakref

from lms_site.loops import per_loop
from lms_site.testing.servers import run_async


class Kept:
    pass


def test_it_is_made_once_per_loop_and_dropped_with_the_loop():
    kept = per_loop(Kept)

    async def twice():
        return kept(), kept()

    first, again = run_async(twice)
    assert first is again
    other = run_async(twice)[0]
    assert other is not first

    gone = weakref.ref(other)
    del first, again, other
    gc.collect()
    assert gone() is None
