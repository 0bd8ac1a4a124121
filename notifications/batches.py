"""Requests made at the same moment, served by one call: what the sockets of a reconnect storm ask
of the database (notifications/connecting.py) and of Redis (notifications/quota.py).

A caller asks and waits: the first one starts a reader, and every caller that asks while a batch is
being read joins the next batch. A lone caller waits for nothing; a storm is served up to
BATCH_LIMIT callers at a time. Nothing is kept between batches: each batch is read after all its
callers asked.
"""

import asyncio
from collections.abc import Awaitable, Callable

from lms_site.loops import per_loop

BATCH_LIMIT = 500  # requests per call: well below every database's limit of query parameters

Reader = Callable[[list], Awaitable[list]]


class _Batches:
    """Runs `await read(items) -> results` for the items asked while the previous batch was being read."""

    def __init__(self, read: Reader):
        self.read = read
        self.waiting: list[tuple] = []  # (item, future)
        self.task: asyncio.Task | None = None

    async def ask(self, item):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.task is None:
            # A task of its own: a caller that leaves while it waits must not cancel the others' read.
            self.task = asyncio.create_task(self.read_all())
        return await future

    async def read_all(self) -> None:
        try:
            while self.waiting:
                batch = [(item, future) for item, future in self.waiting[:BATCH_LIMIT] if not future.done()]
                del self.waiting[:BATCH_LIMIT]
                if not batch:
                    continue
                try:
                    results = await self.read([item for item, _future in batch])
                except Exception as error:  # each caller of the batch fails as it would have alone
                    results = [error] * len(batch)
                for (_item, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.task = None


_batches = per_loop(dict)  # reader -> its _Batches, for this event loop (lms_site/loops.py)


async def together(read: Reader, item):
    """`(await read([item, ...]))[i]` for this item, read with the others asking now. One reader
    per event loop (daphne runs one) and function; `read` answers item by item, in order, and
    may answer an item with an exception, raised to its caller alone."""
    readers = _batches()
    if read not in readers:
        readers[read] = _Batches(read)
    return await readers[read].ask(item)
