"""Real processes for tests, benchmarks and `make cluster`: a private Redis server, daphne servers,
the task worker, free ports, the URL of the test database, the fast password hasher, and a real session to log in with.

Nothing here is mocked: the servers are the ones production runs, on free loopback ports.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm with few iterations, for the test process and the servers it starts
    (conftest.py, FAST_PASSWORD_HASHERS)."""

    iterations = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop_process(process: subprocess.Popen | None, *, sig: int = signal.SIGTERM, grace: float = 10) -> None:
    """Ask a running `process` to stop with `sig`; kill it if it has not exited after `grace` s."""
    if process and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


class RedisServer:
    """A redis-server child process owned by the caller, so it may be stopped and restarted."""

    def __init__(self, port: int | None = None):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `make test` (it installs redis-server).")
        self.binary = binary
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        client = redis.Redis.from_url(self.url)
        client.ping()
        client.close()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def database_url(settings_dict: dict) -> str:
    """The URL a child process needs to open the same database as this one."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        user = settings_dict.get("USER") or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    raise ValueError(f"no URL form for {engine}")


class Loopback:
    """Something listening on 127.0.0.1:`port`, for HTTP and WebSocket clients."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def daphne_endpoint(port: int) -> list[str]:
    """daphne's listening socket on the loopback, with the backlog production uses
    (deploy/systemd/lms-daphne@.service): Twisted's default of 50 overflows when thousands of
    sockets reconnect at once, and the dropped handshakes wait for TCP's retransmission."""
    return ["-e", f"tcp:port={port}:interface=127.0.0.1:backlog=4096"]


class DaphneServer(Loopback):
    """`daphne lms_site.asgi:application` on a free port, as production runs it."""

    def __init__(self, *, database_url: str, redis_url: str = "", port: int | None = None, extra_env=None):
        self.port = port or free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms_site.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "1",
            "ACTIVITY_HEARTBEAT_SECONDS": os.environ.get("ACTIVITY_HEARTBEAT_SECONDS", "1"),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process: subprocess.Popen | None = None
        self.log_path = BASE_DIR / ".run" / f"daphne-{self.port}.log"

    def start(self) -> "DaphneServer":
        self.log_path.parent.mkdir(exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", *daphne_endpoint(self.port), "lms_site.asgi:application"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for_port(self.port, timeout=30, process=self.process)
        return self

    def kill(self) -> None:
        """Hard stop, as a crash would: no goodbye to the sockets."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class WorkerServer:
    """`manage.py lms_worker` (django-tasks-db's db_worker with the delivery scheduler), as `make
    run` starts it, against the given database: it runs the tasks the test process enqueues.
    `extra_env` carries the settings the tasks need to agree on with the test (MEDIA_ROOT,
    PRIVATE_ROOT, the SMTP server)."""

    def __init__(self, *, database_url: str, extra_env=None, interval: float = 0.1):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms_site.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            "DELIVERY_TICK_SECONDS": "0.5",
            **(extra_env or {}),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.interval = interval
        self.process: subprocess.Popen | None = None
        self.log_path = BASE_DIR / ".run" / f"worker-{os.getpid()}-{free_port()}.log"

    def start(self, timeout: float = 30.0) -> "WorkerServer":
        self.log_path.parent.mkdir(exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "manage.py", "lms_worker", "--no-reload", "--no-startup-delay"),
                *("--interval", str(self.interval), "--verbosity", "2"),
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while "Starting worker" not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"db_worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"db_worker did not start within {timeout} s:\n{self.log()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """SIGTERM: the worker finishes the task under way, then exits."""
        stop_process(self.process, grace=15)
        self.process = None

    def kill(self) -> None:
        """SIGKILL: a crash, in the middle of whatever it was doing."""
        stop_process(self.process, sig=signal.SIGKILL)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def session_cookie(user) -> str:
    """A real session for `user`, as a log-in would make it (its second factor proven, when the
    user has one); returns the cookie value."""
    from lms_site.testing.mfa import VerifiedClient

    client = VerifiedClient()
    client.force_login(user)
    return client.cookies["sessionid"].value


def manage(*args: str, unset=(), **env: str) -> subprocess.CompletedProcess:
    """`manage.py <args>` in a process of its own, as an operator runs it: this environment without
    the test-only DJANGO_ALLOW_ASYNC_UNSAFE and the variables in `unset`, plus `env`."""
    dropped = {"DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    clean = {name: value for name, value in os.environ.items() if name not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_async(make_coroutine):
    """`asyncio.run(make_coroutine())` in a thread of its own, and its result: Playwright's sync API
    may keep an event loop running in the test's thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(make_coroutine())).result()


def eventually(check, timeout: float = 5.0, interval: float = 0.05):
    """Retry `check` until it returns a truthy value; the last value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            if not value:
                raise AssertionError(f"condition not met within {timeout} s")
            return value
        time.sleep(interval)
