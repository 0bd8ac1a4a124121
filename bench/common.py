"""What the benchmarks share: a private database and servers, the machine's description, tables and
JSON results. Servers are the real ones (lms_site.testing); nothing is mocked."""

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lms_site.testing.servers import BASE_DIR, DaphneServer, daphne_endpoint, wait_for_port

RESULTS = BASE_DIR / "bench" / "results"
WORK = BASE_DIR / ".run" / "bench"

# Settings as production runs them (no debug query log, manifest static files), minus HTTPS, which
# nginx would terminate. Benchmarks put these in their own environment and their servers'.
PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": str(WORK / "static"),
}


def collectstatic(env: dict) -> None:
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)


def raise_fd_limit(wanted: int = 65536) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def use_database(url: str, *, migrate: bool = True, redis_url: str = "") -> None:
    """Point this process (and the children it starts) at `url`, migrate it, set Django up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms_site.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = redis_url
    if migrate:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True, env=os.environ
        )
    import django

    django.setup()


def fresh_sqlite(name: str) -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(name: str, base: str = "postgres://postgres@127.0.0.1:5432") -> str | None:
    """A new, empty PostgreSQL database, or None when no server answers."""
    import psycopg

    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return None
    return f"{base}/{name}"


class BenchDaphne(DaphneServer):
    """DaphneServer serving another ASGI application (the floor consumer's app wraps ours)."""

    def __init__(self, *, app: str = "lms_site.asgi:application", **kwargs):
        super().__init__(**kwargs)
        self.app = app

    def start(self) -> "BenchDaphne":
        self.log_path.parent.mkdir(exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "daphne", *daphne_endpoint(self.port), self.app],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=30, process=self.process)
        return self

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)


class Profile:
    """py-spy recording the server while a block runs; raw output kept for reading."""

    def __init__(self, pid: int, path):
        self.pid, self.path = pid, path

    def __enter__(self):
        py_spy = str(Path(sys.executable).parent / "py-spy")
        self.process = subprocess.Popen(
            [py_spy, "record", "--pid", str(self.pid), "--format", "raw", "--rate", "200", "-o", str(self.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        return self

    def __exit__(self, *exc):
        self.process.send_signal(2)
        self.process.wait(30)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pids: list[int], *, busy_below: float = 0.05, window: float = 0.5, timeout: float = 120) -> float:
    """Wait until the processes use less than `busy_below` of a core over `window` (backlogs of
    connects or disconnects drained); returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = sum(cpu_seconds(p) for p in pids)
        time.sleep(window)
        if sum(cpu_seconds(p) for p in pids) - before < busy_below * window * len(pids):
            break
    return time.monotonic() - started


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = os.getloadavg()
    versions = {}
    for package in ("django", "channels", "channels_redis", "daphne", "websockets", "redis"):
        try:
            from importlib.metadata import version

            versions[package] = version(package.replace("_", "-"))
        except Exception:
            versions[package] = "?"
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "redis": next((w.split("=")[1] for w in redis_version if w.startswith("v=")), "?"),
        "load_average_at_start": [round(x, 2) for x in load],
        "packages": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(values: list[float]) -> dict:
    """Seconds in, milliseconds out."""
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 1),
        "p95": round(percentile(ms, 95), 1),
        "p99": round(percentile(ms, 99), 1),
        "max": round(max(ms), 1) if ms else float("nan"),
        "mean": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


def table(rows: list[dict], columns: list[str], title: str = "") -> str:
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = []
    if title:
        lines.append(title)
    lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells:
        lines.append("| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def write_results(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **data}, indent=2) + "\n")
    print(f"\nResults written to {path.relative_to(BASE_DIR)}")
    return path


def make_sessions(users) -> dict[int, str]:
    """Logged-in sessions for many users at once (one bulk insert); user id -> session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store = SessionStore()
    expires = timezone.now() + timezone.timedelta(days=1)
    keys, rows = {}, []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys
