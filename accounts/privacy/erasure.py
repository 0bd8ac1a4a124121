"""Erasing a person: what goes, what stays, and under which name. Called by
services.erase_account only, inside its transaction. Each app erases its own rows through the
erasers it registers (accounts/privacy/registry.py: courses/privacy.py, notifications/privacy.py);
this module holds the rule they follow, the helpers they share and the account's own steps.

- Personal data and files go: profile fields, the text and files of submissions and the feedback
  written about them, free-text quiz answers, API tokens, sessions, the read cursor, consents,
  data exports (rows and zips), the events addressed to the person.
- The account stays, anonymised (`former-member-<id>`, no name, email or bio, an unusable
  password, inactive, no staff rights or groups), so that the rows courses count keep their numbers:
  subscriptions, lesson progress, course completions, quiz attempts with their scores, the points of
  submissions. They name no one once the account does not.
- Discussions: a thread nobody else posted in is deleted; elsewhere the person's posts stay in
  place, so replies keep their context, shown as by "Former member" (no author) with the text
  replaced by ERASED_POST_BODY. Thread titles stay: they are the subject of the other people's
  replies.
- The event log keeps its rows (they are other people's history too) with no actor, and every
  title or summary naming the person says FORMER_MEMBER instead; the summaries of their own
  discussion posts (the post text) are emptied. The admin's log entries are rewritten the same way.
- The audit log (accounts/audit.py) keeps its entries, last of all so that the erasure's own
  writes are covered too: FORMER_MEMBER for each name, ERASED_TEXT for the text of each of their
  posts, no email or IP address of theirs as the actor (`redact_entries`, the one way to change an
  entry).
- The erasure request row stays, naming only the anonymised account: the record that it was done.
"""

import contextlib
import json
import os
import re

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from ..models import InstructorRequest, UserSession
from . import registry
from .models import Consent, DataExport

FORMER_MEMBER = "A former member"
ERASED_POST_BODY = "_This post was erased at its author's request._"
ERASED_TEXT = "[erased]"


def anonymous_username(user) -> str:
    return f"former-member-{user.pk}"


def identifying_strings(user) -> list[str]:
    """What names the person in text others see, longest first so a full name goes before a part."""
    found = {user.display_name(), user.get_full_name(), user.username, user.email}
    return sorted((s for s in found if s and s.strip()), key=len, reverse=True)


def replacer(names: list[str], placeholder: str = FORMER_MEMBER):
    """A function replacing each whole-word mention of the names (any case) with `placeholder`."""
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in names), re.IGNORECASE)
    return lambda text: pattern.sub(placeholder, text) if isinstance(text, str) else text


def written_texts(user) -> list[str]:
    """What the person wrote that other records may quote (registry.written_texts), longest first."""
    found = {text for collect in registry.WRITTEN_TEXTS for text in collect(user)}
    return sorted((t for t in found if t and t.strip()), key=len, reverse=True)


def mentioning(field: str, names: list[str]) -> Q:
    """Rows whose `field` contains any of the names, as stored: JSON on SQLite is kept ASCII-escaped."""
    query = Q(pk__in=[])
    for name in names:
        query |= Q(**{f"{field}__icontains": name})
        escaped = json.dumps(name)[1:-1]
        if escaped != name:
            query |= Q(**{f"{field}__icontains": escaped})
    return query


def delete_file_on_commit(field_file) -> None:
    """Delete a stored file once the erasure is committed (a rollback keeps it), with its folder
    when that is left empty (submission folders are one per file)."""
    storage, name = field_file.storage, field_file.name

    def delete():
        storage.delete(name)
        with contextlib.suppress(OSError, NotImplementedError):
            os.rmdir(os.path.dirname(storage.path(name)))

    transaction.on_commit(delete)


def erase_admin_log(user, names: list[str]) -> None:
    replace = replacer(names)
    for entry in LogEntry.objects.filter(mentioning("object_repr", names)):
        entry.object_repr = replace(entry.object_repr)
        entry.save(update_fields=["object_repr"])


def erase_account_rows(user) -> None:
    Token.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).delete()
    InstructorRequest.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).delete()  # their sockets close (notifications/signals.py)
    for device in devices_for_user(user, confirmed=None):  # authenticator app, recovery codes, passkeys
        device.delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):  # failed log-ins, by username
        model.objects.filter(username=user.username).delete()
    for export in DataExport.objects.filter(user=user):
        if export.file:
            delete_file_on_commit(export.file)
        export.delete()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def anonymise(user) -> None:
    user.username = anonymous_username(user)
    user.first_name = user.last_name = user.email = user.bio = ""
    user.time_zone = settings.TIME_ZONE  # where someone lives says something about them
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def erase(user) -> None:
    """The apps' erasers first (they may look the person up by name), then the account's own rows,
    then the final erasers (the audit log, which has recorded the steps before)."""
    registry.discover()
    names = identifying_strings(user)
    texts = written_texts(user)  # before the erasers erase them
    for step in registry.ERASERS:
        step(user, names)
    erase_admin_log(user, names)
    erase_account_rows(user)
    anonymise(user)
    for step in registry.FINAL_ERASERS:
        step(user, names, texts)
