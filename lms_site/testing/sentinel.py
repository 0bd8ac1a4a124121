"""A private Redis with Redis Sentinel, for failover tests: a primary, a replica of it and three
Sentinels (quorum 2) watching it, each a redis-server child process on a free loopback port with its
files in a temporary folder. Tuned to notice a dead primary within a second
(`down-after-milliseconds`), so a failover takes a few seconds, not the production 30.

The daphne processes under test get `env` (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, and the
passwords when it was started with them), as production would; `kill_primary` is the crash the
failover is for. With `password`, the primary and the replica ask for it (and the replica gives it
to the primary); with `sentinel_password`, the Sentinels ask for theirs and give it to each other.
"""

import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from lms_site.testing.servers import eventually, free_port, stop_process, wait_for_port

MASTER_NAME = "mymaster"
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000


def _redis_server() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: run `make test` (it installs redis-server).")
    return binary


class SentinelRedis:
    def __init__(self, *, password: str = "", sentinel_password: str = ""):
        self.password, self.sentinel_password = password, sentinel_password
        self.binary = _redis_server()
        self.folder = Path(tempfile.mkdtemp(prefix="lms-sentinel-"))
        self.primary_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.processes: dict[int, subprocess.Popen] = {}

    @property
    def failover_seconds(self) -> float:
        """The longest a failover should take here: noticing (down-after) plus the election, which
        Sentinel retries after the failover timeout if the first attempt fails."""
        return (DOWN_AFTER_MS + FAILOVER_TIMEOUT_MS) / 1000

    @property
    def env(self) -> dict[str, str]:
        return {
            "REDIS_URL": "",
            "REDIS_SENTINELS": ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports),
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            "REDIS_PASSWORD": self.password,
            "REDIS_SENTINEL_PASSWORD": self.sentinel_password,
        }

    def _start(self, port: int, *args: str) -> None:
        self.processes[port] = subprocess.Popen(
            [self.binary, *args],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, process=self.processes[port])

    def _data_server(self, port: int, *args: str) -> None:
        guarded = ("--requirepass", self.password, "--masterauth", self.password) if self.password else ()
        self._start(
            port, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *guarded, *args
        )

    def start(self, timeout: float = 30.0) -> "SentinelRedis":
        self._data_server(self.primary_port)
        self._data_server(self.replica_port, "--replicaof", "127.0.0.1", str(self.primary_port))
        for port in self.sentinel_ports:
            # Sentinel rewrites its configuration file as it learns, so each has its own.
            config = self.folder / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\n"
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.primary_port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n"
                + (f"sentinel auth-pass {MASTER_NAME} {self.password}\n" if self.password else "")
                + (
                    f"requirepass {self.sentinel_password}\nsentinel sentinel-pass {self.sentinel_password}\n"
                    if self.sentinel_password
                    else ""
                )
            )
            self._start(port, str(config), "--sentinel")
        # Ready when the replica is in sync and every Sentinel has found the replica and the other
        # two (through the primary's INFO and its hello channel: a few seconds).
        eventually(self._replica_in_sync, timeout)
        eventually(self._sentinels_agree, timeout, interval=0.2)
        return self

    def _client(self, port: int) -> redis.Redis:
        password = self.sentinel_password if port in self.sentinel_ports else self.password
        return redis.Redis(
            host="127.0.0.1", port=port, password=password or None, socket_timeout=2, socket_connect_timeout=2
        )

    def _replica_in_sync(self) -> bool:
        with self._client(self.replica_port) as replica:
            return replica.info("replication").get("master_link_status") == "up"

    def _sentinels_agree(self) -> bool:
        for port in self.sentinel_ports:
            with self._client(port) as sentinel:
                master = sentinel.sentinel_master(MASTER_NAME)
                if master["num-slaves"] < 1 or master["num-other-sentinels"] < 2:
                    return False
        return True

    def primary_port_by_sentinel(self) -> int:
        """The port the Sentinels name as the primary now."""
        with self._client(self.sentinel_ports[0]) as sentinel:
            _, port = sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)
        return int(port)

    def client_of_primary(self) -> redis.Redis:
        return self._client(self.primary_port_by_sentinel())

    def kill_primary(self) -> None:
        """SIGKILL, as a crash: no goodbye to the clients, the replica or the Sentinels."""
        stop_process(self.processes.pop(self.primary_port), sig=signal.SIGKILL)

    def stop(self) -> None:
        for process in self.processes.values():
            stop_process(process)
        self.processes.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def wait_for_failover(self, timeout: float) -> float:
        """Seconds until the Sentinels name the replica as the primary."""
        started = time.monotonic()
        eventually(lambda: self.primary_port_by_sentinel() == self.replica_port, timeout, interval=0.1)
        return time.monotonic() - started
