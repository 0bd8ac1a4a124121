"""`make cluster`: the scaled-out shape on one machine, as docs/deploy.md describes it.

Two daphne processes, the task worker (`lms_worker`: mail, push, digests), nginx (Debian's package,
a private instance) proxying HTTP and WebSocket on one port, Redis for the channel layer (REDIS_URL,
Redis Sentinel through REDIS_SENTINELS and its variables, or a private redis-server), and the
database from DATABASE_URL (PostgreSQL in production).
Migrates, collects static files, loads the demo once, then serves until Ctrl-C and stops everything
it started.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms .venv/bin/python -m deploy.cluster [--port 8080]

The cluster test (lms_site/tests/test_cluster.py) starts the same thing with `Cluster`.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from lms_site.testing.servers import (  # noqa: E402
    DaphneServer,
    Loopback,
    RedisServer,
    WorkerServer,
    free_port,
    stop_process,
    wait_for_port,
)

HERE = Path(__file__).resolve().parent
#: Passed on to every process when set: Redis Sentinel instead of a Redis of the cluster's own.
SENTINEL_VARIABLES = ("REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD")


def render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


class Nginx:
    """A private nginx: its own prefix, config, pid and logs; stopped by its own PID."""

    def __init__(self, *, prefix: Path, port: int, upstreams: list[int], static_root: Path, media_root: Path):
        self.prefix, self.port = prefix, port
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(self.binary).exists():
            raise RuntimeError("nginx is not installed: apt-get install -y nginx")
        prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;" for p in upstreams)
        socket_servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=0;" for p in upstreams)
        site = render(
            HERE / "nginx" / "lms.conf",
            {
                "SERVERS": servers,
                "SOCKET_SERVERS": socket_servers,
                "LISTEN": f"127.0.0.1:{port}",
                "SERVER_NAME": "127.0.0.1 localhost",
                "ACCESS_LOG": str(prefix / "access.log"),
                "STATIC_ROOT": str(static_root),
                "MEDIA_ROOT": str(media_root),
            },
        )
        (prefix / "lms.conf").write_text(site)
        self.config = prefix / "nginx.conf"
        self.config.write_text(render(HERE / "nginx" / "private-main.conf", {"PREFIX": str(prefix)}))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        check = subprocess.run([self.binary, "-t", "-p", str(self.prefix), "-c", str(self.config)], capture_output=True)
        if check.returncode:
            raise RuntimeError(f"nginx refused its configuration:\n{check.stderr.decode()}")
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.prefix), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        stop_process(self.process, sig=signal.SIGQUIT)  # graceful: finish requests under way
        self.process = None


class Cluster(Loopback):
    """nginx in front of `daphnes` daphne processes sharing one Redis and one database."""

    def __init__(self, *, database_url: str, redis_url: str = "", port: int | None = None, daphnes: int = 2,
                 extra_env: dict | None = None, prefix: Path | None = None, worker: bool = True,
                 media_root: Path | None = None):  # fmt: skip
        self.database_url = database_url
        self.port = port or free_port()
        self.prefix = prefix or BASE_DIR / ".run" / f"cluster-{self.port}"
        # Its own Redis unless given one: REDIS_URL, or Redis Sentinel (REDIS_SENTINELS in extra_env).
        given = redis_url or (extra_env or {}).get("REDIS_SENTINELS")
        self.own_redis = None if given else RedisServer()
        self.redis_url = redis_url
        self.static_root = self.prefix / "static"
        self.media_root = media_root or Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
        self.env = {
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEHIND_PROXY": "1",
            "SEND_FILES_WITH_NGINX": "1",  # member-only files: checked by the view, sent by nginx
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            **(extra_env or {}),
        }
        self.daphnes = [DaphneServer(database_url=database_url, extra_env=self.env) for _ in range(daphnes)]
        self.worker = WorkerServer(database_url=database_url, extra_env=self.env) if worker else None
        self.nginx: Nginx | None = None

    def manage(self, *args: str) -> None:
        env = {**os.environ, **self.env, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)

    def start(self, *, prepare: bool = True) -> "Cluster":
        if self.own_redis:
            self.redis_url = self.own_redis.start().url
        if prepare:
            self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        for server in self.daphnes:
            server.env["REDIS_URL"] = self.redis_url
            server.start()
        if self.worker:
            self.worker.env["REDIS_URL"] = self.redis_url
            self.worker.start()
        self.nginx = Nginx(
            prefix=self.prefix,
            port=self.port,
            upstreams=[s.port for s in self.daphnes],
            static_root=self.static_root,
            media_root=self.media_root,
        ).start()
        return self

    def stop(self) -> None:
        if self.nginx:
            self.nginx.stop()
        for server in self.daphnes:
            server.stop()
        if self.worker:
            self.worker.stop()
        if self.own_redis:
            self.own_redis.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Two daphne processes behind nginx, Redis, DATABASE_URL.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--daphnes", type=int, default=2)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms")
    if database_url.startswith("postgres"):
        _ensure_postgres_database(database_url)
    secret = os.environ.get("SECRET_KEY") or "cluster-local-only-" + os.urandom(16).hex()
    sentinel = {name: os.environ[name] for name in SENTINEL_VARIABLES if os.environ.get(name)}
    cluster = Cluster(
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", ""),
        port=args.port,
        daphnes=args.daphnes,
        # Production settings, except HTTPS: this nginx listens on plain HTTP on loopback.
        extra_env={"DEBUG": "0", "SECRET_KEY": secret, "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0",
                   "SECURE_HSTS_SECONDS": "0", "ACTIVITY_HEARTBEAT_SECONDS": "25", **sentinel},
    )  # fmt: skip

    # Ctrl-C, or a supervisor's SIGTERM: stop everything started here (a background job may have
    # inherited SIGINT as ignored, so both are installed explicitly).
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        cluster.start()
        cluster.manage("seed_demo", "--once")
        print(f"\nCluster up: {cluster.url}  (nginx -> daphne on ports {[s.port for s in cluster.daphnes]})")
        print(f"Redis: {cluster.redis_url}   database: {database_url}")
        print(f"Health: {cluster.url}/healthz   logs: {cluster.prefix}/ and .run/daphne-<port>.log")
        print("Ctrl-C stops everything.", flush=True)
        while all(s.process and s.process.poll() is None for s in cluster.daphnes):
            time.sleep(1)
        print("A daphne process exited; stopping the cluster.")
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        cluster.stop()


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
