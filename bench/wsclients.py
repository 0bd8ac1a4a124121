"""A client process holding many WebSockets (asyncio, `websockets`), driven over a pipe.

Each socket stamps every frame with time.monotonic() on arrival (CLOCK_MONOTONIC: the same clock in
every process of the machine) and keeps the raw text; matching happens afterwards, so the reader
does as little as possible while a broadcast is arriving.

Commands (tuples over the pipe): ("connect", [(url, headers), ...]) -> ("connected", ok, failed),
("collect", marker, timeout) -> ("collected", arrivals, missing, duplicates), ("close",) -> ("closed",).
"""

import asyncio
import contextlib
import resource
import time


class Socket:
    __slots__ = ("frames", "ws")

    def __init__(self, ws):
        self.ws = ws
        self.frames: list[tuple[float, str]] = []


async def _reader(sock: Socket) -> None:
    try:
        async for frame in sock.ws:
            sock.frames.append((time.monotonic(), frame))
    except Exception:  # closed by the server: the collector reports it as missing
        return


async def _open(url: str, headers: dict, limit: asyncio.Semaphore) -> Socket | None:
    from websockets.asyncio.client import connect

    async with limit:
        for _attempt in range(3):
            try:
                ws = await connect(
                    url,
                    additional_headers=headers,
                    open_timeout=60,
                    ping_interval=None,
                    compression=None,
                    max_size=2**22,
                )
                return Socket(ws)
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
            limit = asyncio.Semaphore(command[2] if len(command) > 2 else 50)
            opened = await asyncio.gather(*(_open(url, headers, limit) for url, headers in command[1]))
            new = [s for s in opened if s is not None]
            sockets.extend(new)
            readers.extend(asyncio.create_task(_reader(s)) for s in new)
            await asyncio.sleep(0.5)  # let the replies of connect (errors, replays) arrive
            for s in sockets:
                s.frames.clear()
            conn.send(("connected", len(new), len(opened) - len(new)))
        elif command[0] == "collect":
            conn.send(("collected", *await _collect(sockets, command[1], command[2])))
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
    """`processes` client processes; sockets are dealt out to them in turn."""

    def __init__(self, processes: int = 2):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.pipes = []
        self.procs = []
        for _ in range(processes):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=main, args=(child,), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def _all(self, per_process: list[tuple]) -> list[tuple]:
        for pipe, command in zip(self.pipes, per_process, strict=True):
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def connect(self, targets: list[tuple[str, dict]], concurrency: int = 50) -> tuple[int, int]:
        n = len(self.pipes)
        replies = self._all([("connect", targets[i::n], concurrency) for i in range(n)])
        return sum(r[1] for r in replies), sum(r[2] for r in replies)

    def collect(self, marker: str, timeout: float = 15.0) -> tuple[list[float], int, int]:
        replies = self._all([("collect", marker, timeout)] * len(self.pipes))
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
