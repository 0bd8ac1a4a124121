"""Which database a read goes to.

Reports (analytics, the completion report, exports) may read from a PostgreSQL streaming replica
(DATABASE_REPLICA_URL, the "replica" alias); the real-time path (replay, heartbeat gap filling,
unread counts) and every write use the primary. Callers of reports write
``Model.objects.using(reports_db())``; nothing else chooses a database, and the router sends every
write to the primary whatever a read used.

A replica is used only while it answers and lags less than DATABASE_REPLICA_MAX_LAG_SECONDS, else
reports read the primary (a report a few seconds old is fine; one an hour old, or an error page,
is not). The verdict costs one small query and holds CHECK_SECONDS per process; a change of verdict
is logged once.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
CHECK_SECONDS = 2.0

# How far behind the primary the replica is, in seconds: 0 when it has replayed all it received
# and is still streaming (an idle primary sends nothing, so the time of the last replayed commit
# alone would call an idle replica late); otherwise the age of the last replayed commit; NULL on
# a server that is not a replica at all (promoted, or a wrong URL).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


class _Verdict:
    """Per process: where reports read until `until` (monotonic)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.alias = DEFAULT_DB_ALIAS
        self.until = 0.0


_verdict = _Verdict()


def _is_the_primary(alias: str) -> bool:
    """A replica alias that names the primary's own database is no replica: under test it is a
    mirror of the test database (settings: TEST MIRROR), which the test's connection must read."""
    replica, primary = connections[alias].settings_dict, connections[DEFAULT_DB_ALIAS].settings_dict
    return all(replica.get(key) == primary.get(key) for key in ("HOST", "PORT", "NAME"))


def replica_lag(alias: str = REPLICA) -> float | None:
    """Seconds the replica is behind, None if it is not a replica; DatabaseError if it is down."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        lag = cursor.fetchone()[0]
    return None if lag is None else float(lag)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _check() -> tuple[str, str]:
    if _is_the_primary(REPLICA):
        return DEFAULT_DB_ALIAS, "the replica alias is the primary's database"
    limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    try:
        lag = replica_lag()
    except DatabaseError as error:
        # Leave no broken connection behind for the next check to trip on.
        connections[REPLICA].close()
        return DEFAULT_DB_ALIAS, f"the replica does not answer ({_first_line(error)})"
    if lag is None:
        return DEFAULT_DB_ALIAS, "the replica's server is not in recovery (not a replica)"
    if lag > limit:
        return DEFAULT_DB_ALIAS, f"the replica lags {lag:.0f} s (limit {limit:g} s)"
    return REPLICA, f"the replica lags {lag:.1f} s"


def _settle(alias: str, reason: str) -> None:
    if alias != _verdict.alias:
        if alias == REPLICA:
            logger.info("Reports read from the replica: %s.", reason)
        else:
            logger.warning("Reports read from the primary: %s.", reason)
    _verdict.alias, _verdict.until = alias, time.monotonic() + CHECK_SECONDS


def reports_db() -> str:
    """The alias reports read from: the replica when one is configured, answering and recent
    enough, otherwise the primary ("default")."""
    if REPLICA not in settings.DATABASES:
        return DEFAULT_DB_ALIAS
    with _verdict.lock:
        if time.monotonic() >= _verdict.until:
            _settle(*_check())
        if _verdict.alias == REPLICA:
            # The report runs on this thread's connection right after: opening it now (reusing
            # it, with CONN_HEALTH_CHECKS) catches a replica that went down since the last check.
            try:
                connections[REPLICA].ensure_connection()
            except DatabaseError as error:
                connections[REPLICA].close()
                _settle(DEFAULT_DB_ALIAS, f"the replica does not answer ({_first_line(error)})")
        return _verdict.alias


class PrimaryRouter:
    """With a replica configured: every write goes to the primary, even of a row a report read
    from the replica; reads go where `.using()` says, else to the primary (Django's fallback for a
    related row is the database its parent came from, so a report stays on one database).
    Migrations run on the primary only: the replica follows by replication."""

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
