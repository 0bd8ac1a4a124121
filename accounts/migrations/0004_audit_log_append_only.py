"""The database refuses to change an audit log entry (accounts/audit.py says why).

One update is let through: the actor set to NULL when that user is deleted (the foreign key's
SET NULL); the entry keeps the actor's email. Deletes are refused by the model-level guard, not
here, since tests empty tables with DELETE between runs on SQLite. A later migration of auditlog
that rebuilds the table on SQLite drops the trigger: re-run this migration's SQL after one."""

from django.db import migrations

NAME = "audit_log_append_only"
MESSAGE = "audit log entries are append-only"


def _changed(apps, schema_editor) -> list[str]:
    """SQL tests, one per column, that the column changed (the actor: that it is not NULL)."""
    quote = schema_editor.quote_name
    entry = apps.get_model("auditlog", "LogEntry")
    columns = [field.column for field in entry._meta.concrete_fields if field.column != "actor_id"]
    distinct = "IS NOT" if schema_editor.connection.vendor == "sqlite" else "IS DISTINCT FROM"
    return ["NEW.actor_id IS NOT NULL"] + [f"NEW.{quote(c)} {distinct} OLD.{quote(c)}" for c in columns]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    changed = " OR ".join(_changed(apps, schema_editor))
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON auditlog_logentry FOR EACH ROW WHEN {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$ BEGIN "
            f"IF {changed} THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON auditlog_logentry FOR EACH ROW EXECUTE FUNCTION {NAME}()"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NAME} ON auditlog_logentry")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {NAME}()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sessions"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
