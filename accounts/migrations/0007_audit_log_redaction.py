"""Erasure may redact audit log entries; nothing else may change them (accounts/audit.py says why).

Replaces the trigger of 0004 (same name). An UPDATE of auditlog_logentry is refused unless:

- it only sets the actor to NULL (the foreign key's SET NULL when that user is deleted), as
  before; or
- a row exists in accounts_auditredaction (accounts.audit.redact_entries inserts one and deletes it
  inside the erasure's transaction, so no other transaction sees it) and it changes only the
  columns that may quote a person (REDACTABLE below) and the actor at most to NULL. The id,
  content type, object, action, timestamp and correlation id never change.

Works the same on SQLite (a subquery in the trigger's WHEN) and PostgreSQL (in its function).
Deletes stay refused by the model-level guard. As with 0004: a later auditlog migration that
rebuilds the table on SQLite drops the trigger; re-run this migration's SQL after one."""

import importlib

from django.db import migrations, models
import django.utils.timezone

NAME = "audit_log_append_only"
MESSAGE = "audit log entries are append-only"
REDACTABLE = (
    "object_repr",
    "changes_text",
    "changes",
    "serialized_data",
    "additional_data",
    "actor_email",
    "remote_addr",
    "remote_port",
)

append_only_0004 = importlib.import_module("accounts.migrations.0004_audit_log_append_only")


def _refused(apps, schema_editor) -> str:
    """The SQL condition under which the trigger refuses an UPDATE."""
    quote = schema_editor.quote_name
    distinct = "IS NOT" if schema_editor.connection.vendor == "sqlite" else "IS DISTINCT FROM"
    entry = apps.get_model("auditlog", "LogEntry")
    flag = apps.get_model("accounts", "AuditRedaction")._meta.db_table
    columns = [field.column for field in entry._meta.concrete_fields if field.column != "actor_id"]

    def changed(names):
        return [f"NEW.{quote(c)} {distinct} OLD.{quote(c)}" for c in names]

    fixed = changed(c for c in columns if c not in REDACTABLE)
    redactable = changed(c for c in columns if c in REDACTABLE)
    actor_replaced = f"(NEW.actor_id IS NOT NULL AND NEW.actor_id {distinct} OLD.actor_id)"
    outside_redaction = (
        f"(NOT EXISTS (SELECT 1 FROM {quote(flag)}) AND (NEW.actor_id IS NOT NULL OR {' OR '.join(redactable)}))"
    )
    return " OR ".join([*fixed, actor_replaced, outside_redaction])


def create(apps, schema_editor):
    append_only_0004.drop(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    refused = _refused(apps, schema_editor)
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON auditlog_logentry FOR EACH ROW WHEN {refused} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger AS $$ BEGIN "
            f"IF {refused} THEN RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {NAME} BEFORE UPDATE ON auditlog_logentry FOR EACH ROW EXECUTE FUNCTION {NAME}()"
        )


def back_to_0004(apps, schema_editor):
    append_only_0004.drop(apps, schema_editor)
    append_only_0004.create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_privacy'),
        ('auditlog', '0017_add_actor_email'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditRedaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(create, back_to_0004, elidable=False),
    ]
