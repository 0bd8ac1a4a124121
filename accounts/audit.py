"""The audit log: who changed what, when, with the values before and after.

django-auditlog records the diff of every save and delete of the models in AUDITED from signals,
into its LogEntry (actor, content type, object id and repr, timestamp, {field: [old, new]}).
This module decides the rest:

- **Whose changes.** Instructors', site admins' and the operator's (a command or the shell), not
  students' own writes (their posts and submissions are the product, not administration) and not
  anonymous ones (sign-up). `_only_staff_and_operator` drops the others through auditlog's pre_log.
- **Who did it.** In a page or the admin, `AuditMiddleware` names the logged-in user. Services
  also name their actor (`acting_as`, applied by `@attributed`): an API call authenticated by token
  has no user at the middleware, and a command has no request at all. A service's `by` of None
  outside a request is the operator: the entry has no actor and a note saying so, with the command.
- **Never changed, but for an erasure.** Entries are append-only: a model-level guard refuses
  saving an existing entry and deleting any (`_attribute`, `_refuse_delete`); a database trigger
  (migration accounts/0004, replaced by 0007) refuses updates too, except the actor set to NULL
  when that user is deleted (the actor's email stays) and `redact_entries`, the erasure's one way
  in: while its `AuditRedaction` row exists, inside the erasure's transaction, the columns that may
  quote a person (repr, changes, additional data, actor's email and address) may change, nothing
  else. The admin gives nobody, superusers included, add, change or delete, and shows the log to
  site admins only (`AuditEntryAdmin`).
- **Never secrets, little personal data.** The user model is recorded for its username, role and
  status fields; its email only as "changed" (`MASKED`, shown as HIDDEN), never the password or
  its hash. A post is named by its id, not its text (`REPR_WITHOUT_TEXT`); a moderator's edit still
  records the text before and after, which erasure redacts.
"""

import functools
import sys
from contextvars import ContextVar

from auditlog.admin import LogEntryAdmin
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_delete, pre_save
from django.utils.text import capfirst

from lms_site.admin_access import ReadOnly, SiteAdminOnly

from .models import AuditRedaction
from .privacy.erasure import ERASED_TEXT, mentioning, replacer
from .privacy.registry import final_eraser
from .sessions import client_ip

OPERATOR_NOTE = "No request: the operator (a management command or the shell)."

# model label -> fields recorded (None: all its columns). What a change of each means to an auditor.
AUDITED: dict[str, list[str] | None] = {
    "courses.Course": None,
    "courses.Resource": None,
    "courses.Announcement": None,
    "courses.Module": None,
    "courses.Lesson": None,
    "courses.Quiz": None,
    "courses.Question": None,
    "courses.Choice": None,
    "courses.Assignment": None,
    # Grades, not the student's work itself.
    "courses.Submission": ["points", "feedback", "graded_at", "graded_by"],
    "courses.Attempt": ["score", "max_score", "override_reason", "overridden_at", "overridden_by"],
    # Moderation.
    "courses.Thread": ["title", "is_pinned", "is_locked"],
    "courses.Post": ["body", "is_removed", "edited_at"],
    # Role and status; never the password.
    "accounts.User": ["username", "email", "role", "is_active", "is_staff", "is_superuser"],
}

# model label -> fields recorded only as changed, their values replaced by HIDDEN.
MASKED: dict[str, list[str]] = {"accounts.User": ["email"]}
HIDDEN = "(hidden)"

# Models whose str() quotes a person's words: their entries name them by id instead.
REPR_WITHOUT_TEXT = {"courses.Post"}

# The columns of an entry that may quote a person: what redact_entries rewrites. With the actor's
# address and port (set to NULL), all that the trigger of migration 0007 lets it change.
REDACTABLE = ("object_repr", "changes_text", "changes", "serialized_data", "additional_data", "actor_email")

_UNSET = object()
_acting = ContextVar("audit_acting", default=_UNSET)  # the user a service names
_request = ContextVar("audit_request", default=None)


class AuditLogIsAppendOnly(PermissionDenied):
    pass


def register_models() -> None:
    for label, fields in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            # "All" means the row's own columns, not the reverse relations auditlog would list too.
            auditlog.register(
                model,
                include_fields=fields or [f.name for f in model._meta.concrete_fields],
                mask_fields=MASKED.get(label, []),
                mask_callable="accounts.audit.hide",
            )


def hide(value: str) -> str:
    """auditlog's mask: that a masked field changed, not from what or to what (empty stays empty)."""
    return HIDDEN if value else value


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware (actor, IP address), knowing the request is there and reading the IP
    address as the sessions page does: X-Forwarded-For only from our own proxy."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    def __call__(self, request):
        token = _request.set(request)
        try:
            return super().__call__(request)
        finally:
            _request.reset(token)


def attributed(actor_argument: str):
    """Decorate a service so its writes name the user passed as `actor_argument` (a keyword). None
    (the operator) leaves the request's user, if any, or the operator's note."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            actor = kwargs.get(actor_argument)
            if actor is None:
                return service(*args, **kwargs)
            token = _acting.set(actor)
            try:
                return service(*args, **kwargs)
            finally:
                _acting.reset(token)

        return wrapper

    return decorate


def _actor():
    """The user behind the write now being logged, None for the operator, or _UNSET when it is an
    anonymous request."""
    acting = _acting.get()
    if acting is not _UNSET:
        return acting
    request = _request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else _UNSET


def _only_staff_and_operator(sender, **kwargs) -> bool:
    actor = _actor()
    if actor is None:
        return True
    return actor is not _UNSET and (actor.is_staff or actor.is_site_admin)


def _attribute(sender, instance, **kwargs) -> None:
    """Runs before auditlog's own request receiver, which fills in the actor only if still empty."""
    if not instance._state.adding:
        raise AuditLogIsAppendOnly("Audit log entries cannot be changed.")
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and model._meta.label in REPR_WITHOUT_TEXT:
        instance.object_repr = f"{capfirst(model._meta.verbose_name)} #{instance.object_pk}"
    actor = _actor()
    if actor is not None and actor is not _UNSET:
        if instance.actor_id is None:
            instance.actor = actor
            instance.actor_email = actor.email
    elif actor is None:
        note = {"note": OPERATOR_NOTE}
        if sys.argv and sys.argv[0].endswith("manage.py") and len(sys.argv) > 1:
            note["command"] = sys.argv[1]
        instance.additional_data = {**(instance.additional_data or {}), **note}


def _refuse_delete(sender, instance, **kwargs) -> None:
    raise AuditLogIsAppendOnly("Audit log entries cannot be deleted.")


@final_eraser
def redact_entries(user, names: list[str], texts: list[str]) -> None:
    """Erasure's step for the audit log (accounts/privacy/erasure.py), run after the account is
    anonymised so the erasure's own entries are covered. Who did what to which object, and when,
    stays; in every entry that mentions the person or is by them:

    - a field of an object that held one of their texts (a value equal to it: a post's body) has
      every recorded version of it, in every entry of that object, replaced by ERASED_TEXT (an
      edit's earlier text too), and a repr that was an excerpt of one goes the same way. Whole
      values, not substrings: a short post ("Thanks") must not redact other people's words;
    - each whole-word mention of their names (username, full name, email) becomes FORMER_MEMBER;
    - as the actor, their IP address and port go.

    The one sanctioned change of entries: a queryset update (no save, so no guard) while an
    AuditRedaction row exists, which the database trigger requires, inside a transaction that
    removes the row again."""
    by_name, quoted = replacer(names), set(texts)
    found = Q(actor=user)
    for column in REDACTABLE:
        found |= mentioning(column, texts + names)
    entries = {entry.pk: entry for entry in LogEntry.objects.filter(found)}
    held = {  # (content type, object, field) whose value was one of their texts
        (entry.content_type_id, entry.object_pk, field)
        for entry in entries.values()
        for field, values in (entry.changes or {}).items()
        if isinstance(values, list) and quoted.intersection(v for v in values if isinstance(v, str))
    }
    for content_type, object_pk in {(ct, pk) for ct, pk, _field in held}:
        entries |= {e.pk: e for e in LogEntry.objects.filter(content_type_id=content_type, object_pk=object_pk)}
    erased_versions: dict[tuple, list[str]] = {}  # per object, the values that go
    for entry in entries.values():
        for field, values in (entry.changes or {}).items():
            if (entry.content_type_id, entry.object_pk, field) in held:
                erased_versions.setdefault((entry.content_type_id, entry.object_pk), []).extend(
                    v for v in values if isinstance(v, str) and v not in ("", "None")
                )

    def redact(value):
        if isinstance(value, str):
            return by_name(value)
        if isinstance(value, list):
            return [redact(item) for item in value]
        if isinstance(value, dict):
            return {key: redact(item) for key, item in value.items()}
        return value

    def redacted(entry) -> dict:
        key = (entry.content_type_id, entry.object_pk)
        changes = entry.changes
        if isinstance(changes, dict):
            changes = {
                field: [v if v in ("", "None", None) else ERASED_TEXT for v in values]
                if (*key, field) in held and isinstance(values, list)
                else values
                for field, values in changes.items()
            }
        values = {column: redact(getattr(entry, column)) for column in REDACTABLE if column != "changes"}
        values["changes"] = redact(changes)
        if entry.object_repr and any(v.startswith(entry.object_repr) for v in erased_versions.get(key, [])):
            values["object_repr"] = ERASED_TEXT
        if entry.actor_id == user.pk:
            values |= {"remote_addr": None, "remote_port": None}
        return values

    if not entries:
        return
    with transaction.atomic():
        flag = AuditRedaction.objects.create()
        for pk, entry in sorted(entries.items()):
            LogEntry.objects.filter(pk=pk).update(**redacted(entry))
        flag.delete()


def connect() -> None:
    register_models()
    pre_log.connect(_only_staff_and_operator, dispatch_uid="accounts_audit_only_staff")
    pre_save.connect(_attribute, sender=LogEntry, dispatch_uid="accounts_audit_attribute")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="accounts_audit_refuse_delete")
    if admin.site.is_registered(LogEntry):
        admin.site.unregister(LogEntry)
    admin.site.register(LogEntry, AuditEntryAdmin)


class AuditEntryAdmin(ReadOnly, SiteAdminOnly, LogEntryAdmin):
    """Read-only, for site admins: not instructors, whatever permissions they are given, and no
    add, change or delete for anyone."""
