"""A client process holding many WebSockets (asyncio, `websockets`), driven over a pipe.

Each socket stamps every frame with time.monotonic() on arrival (CLOCK_MONOTONIC: the same clock in
every process of the machine) and keeps the raw text; matching happens afterwards, so the reader
does as little as possible while a broadcast is arriving.

Commands (tuples over the pipe): ("connect", [(url, headers), ...], concurrency, ready, tag) ->
("connected", ok, failed), ("collect", marker, timeout, tag) -> ("collected", arrivals, missing,
duplicates) over the sockets connected with that tag, ("close",) -> ("closed",).
"""

import asyncio
import contextlib
import resource
import time


class Socket:
    __slots__ = ("frames", "tag", "ws")

    def __init__(self, ws, tag=None):
        self.ws = ws
        self.tag = tag
        self.frames: list[tuple[float, str]] = []


async def _reader(sock: Socket) -> None:
    try:
        async for frame in sock.ws:
            sock.frames.append((time.monotonic(), frame))
    except Exception:  # closed by the server: the collector reports it as missing
        return


async def _open(url: str, headers: dict, limit: asyncio.Semaphore, ready: bool = False, tag=None) -> Socket | None:
    """Open one socket (three tries). `ready`: also wait for the answer to a ping, which a consumer
    handles only after its connect has finished (Channels runs a consumer's handlers one at a time),
    so the socket counts once the server is done with it, not when the handshake was accepted."""
    from websockets.asyncio.client import connect

    async with limit:
        for _attempt in range(3):
            try:
                ws = await connect(
                    url,
                    additional_headers=headers,
                    open_timeout=300,  # a loaded machine connects thousands slowly: wait rather than pile up retries
                    ping_interval=None,
                    compression=None,
                    max_size=2**22,
                )
                if ready:
                    await ws.send('{"type": "ping"}')
                    while '"pong"' not in await asyncio.wait_for(ws.recv(), 60):
                        pass
                return Socket(ws, tag)
            except Exception:
                await asyncio.sleep(0.5)
        return None


async def _collect(sockets: list[Socket], marker: str, timeout: float):
    """Arrival time of the first frame containing `marker` on every socket."""
    deadline = time.monotonic() + timeout
    arrivals: dict[int, float] = {}
    scanned = [0] * len(sockets)
    duplicates = 0
    while True:
        for i, sock in enumerate(sockets):
            frames = sock.frames
            for t, text in frames[scanned[i] :]:
                if marker in text:
                    if i in arrivals:
                        duplicates += 1
                    else:
                        arrivals[i] = t
            scanned[i] = len(frames)
        if len(arrivals) == len(sockets) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.01)
    # A late duplicate would come right after: give it a moment to show up.
    await asyncio.sleep(0.05)
    for i, sock in enumerate(sockets):
        duplicates += sum(1 for _t, text in sock.frames[scanned[i] :] if marker in text)
        sock.frames.clear()
    return list(arrivals.values()), len(sockets) - len(arrivals), duplicates


async def _serve(conn) -> None:
    loop = asyncio.get_running_loop()
    sockets: list[Socket] = []
    readers = []
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "connect":
            limit = asyncio.Semaphore(command[2])
            ready, tag = command[3], command[4]
            opened = await asyncio.gather(*(_open(url, headers, limit, ready, tag) for url, headers in command[1]))
            new = [s for s in opened if s is not None]
            sockets.extend(new)
            readers.extend(asyncio.create_task(_reader(s)) for s in new)
            await asyncio.sleep(0.5)  # let the replies of connect (errors, replays) arrive
            for s in sockets:
                s.frames.clear()
            conn.send(("connected", len(new), len(opened) - len(new)))
        elif command[0] == "collect":
            tag = command[3] if len(command) > 3 else None
            chosen = [s for s in sockets if tag is None or s.tag == tag]
            conn.send(("collected", *await _collect(chosen, command[1], command[2])))
        elif command[0] == "close":
            await asyncio.gather(*(s.ws.close() for s in sockets), return_exceptions=True)
            for task in readers:
                task.cancel()
            sockets.clear()
            readers.clear()
            conn.send(("closed",))
        elif command[0] == "exit":
            return


def main(conn) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))
    asyncio.run(_serve(conn))


class ClientPool:
    """`processes` client processes; sockets are dealt out to them in turn. `target` is the client
    process' main function (this module's by default; bench/storm.py has its own)."""

    def __init__(self, processes: int = 2, target=main):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.pipes = []
        self.procs = []
        for _ in range(processes):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=target, args=(child,), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def _all(self, per_process: list[tuple]) -> list[tuple]:
        for pipe, command in zip(self.pipes, per_process, strict=True):
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def connect(
        self, targets: list[tuple[str, dict]], concurrency: int = 50, ready: bool = False, tag=None
    ) -> tuple[int, int]:
        n = len(self.pipes)
        replies = self._all([("connect", targets[i::n], concurrency, ready, tag) for i in range(n)])
        return sum(r[1] for r in replies), sum(r[2] for r in replies)

    def collect(self, marker: str, timeout: float = 15.0, tag=None) -> tuple[list[float], int, int]:
        replies = self._all([("collect", marker, timeout, tag)] * len(self.pipes))
        arrivals = [t for r in replies for t in r[1]]
        return arrivals, sum(r[2] for r in replies), sum(r[3] for r in replies)

    def close_sockets(self) -> None:
        self._all([("close",)] * len(self.pipes))

    def shutdown(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send(("exit",))
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
