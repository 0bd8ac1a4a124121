"""A private PostgreSQL primary with a streaming replica, for tests of where reports read.

Two clusters of the machine's PostgreSQL server binaries, each on a free loopback port with its
files (and Unix socket) in a temporary folder: the primary (`wal_level=replica`, replication allowed
from the loopback) and a replica made by `pg_basebackup -R`, a hot standby that streams from it. The
servers refuse to run as root, so as root they run as the `postgres` user (runuser). `copy_database`
fills the primary with a copy of the test database (pg_dump), so a daphne pointed at the pair sees
the test's people and courses.

Missing binaries raise: in CI this test must fail, not skip.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from lms_site.testing.servers import eventually, free_port

DATABASE = "lms"


def _bin_dir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not versions or not (versions[-1] / "initdb").exists():
        raise RuntimeError("PostgreSQL server binaries not found in /usr/lib/postgresql/<version>/bin.")
    return versions[-1]


class PostgresReplicaPair:
    def __init__(self):
        self.bin = _bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="lms-pgreplica-"))
        self.primary_dir, self.replica_dir = self.folder / "primary", self.folder / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()
        self.running: set[Path] = set()
        # initdb and postgres refuse root; the machine's `postgres` user runs them instead.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_owner, *command], check=True, capture_output=True, text=True, **kwargs)

    def _tool(self, name: str) -> str:
        return str(self.bin / name)

    def url(self, *, replica: bool = False) -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port if replica else self.primary_port}/{DATABASE}"

    def connect(self, *, replica: bool = False) -> psycopg.Connection:
        port = self.replica_port if replica else self.primary_port
        return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=DATABASE, autocommit=True)

    def start(self) -> "PostgresReplicaPair":
        self._run(self._tool("initdb"), "-D", str(self.primary_dir), "-A", "trust", "-U", "postgres", "--no-sync")
        with (self.primary_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                # A test cluster: losing it in a power cut costs nothing.
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._start_cluster(self.primary_dir)
        self._run(self._tool("createdb"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", DATABASE)
        return self

    def copy_database(self, settings_dict: dict) -> None:
        """The test database (as its rows stand, committed) into the primary, then the replica made
        from it, streaming from then on."""
        dump = subprocess.run(
            [
                self._tool("pg_dump"), "--no-owner", "--no-privileges",
                "-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432),
                "-U", settings_dict.get("USER") or "postgres", settings_dict["NAME"],
            ],
            check=True, capture_output=True, text=True,
            env={**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""},
        )  # fmt: skip
        self._run(
            self._tool("psql"), "-q", "-v", "ON_ERROR_STOP=1",
            "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", DATABASE,
            input=dump.stdout,
        )  # fmt: skip
        self._run(
            self._tool("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.replica_dir), "-R", "--no-sync", "--checkpoint=fast",
        )  # fmt: skip
        with (self.replica_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self._start_cluster(self.replica_dir)
        self.wait_until_replayed()

    def _start_cluster(self, data_dir: Path) -> None:
        log = self.folder / f"{data_dir.name}.log"
        self._run(self._tool("pg_ctl"), "-w", "-t", "60", "-D", str(data_dir), "-l", str(log), "start")
        self.running.add(data_dir)

    def _stop_cluster(self, data_dir: Path) -> None:
        if data_dir in self.running:
            self._run(self._tool("pg_ctl"), "-w", "-D", str(data_dir), "-m", "fast", "stop")
            self.running.discard(data_dir)

    def wait_until_replayed(self, timeout: float = 30.0) -> None:
        """A commit on the primary (so the replica has a last replayed commit to date its lag
        from), then wait until the replica has replayed everything the primary wrote."""
        with self.connect() as primary:
            primary.execute("SELECT txid_current()")
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.connect(replica=True) as replica:

            def replayed() -> bool:
                query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn AND pg_last_xact_replay_timestamp() IS NOT NULL"
                return replica.execute(query, [target]).fetchone()[0]

            eventually(replayed, timeout, interval=0.1)

    def pause_replay(self) -> None:
        """The replica keeps receiving but applies nothing: it shows the data as it stood."""
        with self.connect(replica=True) as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect(replica=True) as replica:
            replica.execute("SELECT pg_wal_replay_resume()")

    def stop_replica(self) -> None:
        self._stop_cluster(self.replica_dir)

    def stop(self) -> None:
        for data_dir in (self.replica_dir, self.primary_dir):
            with contextlib.suppress(subprocess.CalledProcessError):  # already gone: the folder goes anyway
                self._stop_cluster(data_dir)
        shutil.rmtree(self.folder, ignore_errors=True)
