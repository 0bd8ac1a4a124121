"""Privacy writes, each one door: the pages, the admin, the worker's tasks and `manage.py erase_due`
call these. Requests only write a row and enqueue a task after commit; the work itself (building an
export, erasing an account) runs in the worker (accounts/privacy/tasks.py)."""

import logging
import tempfile
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from . import erasure, tasks
from .export import write_export
from .models import OPTIONAL_PURPOSE_VERSIONS, Consent, DataExport, ErasureRequest, OptionalPurpose, PolicyDocument

logger = logging.getLogger(__name__)


# Exports


@transaction.atomic
def request_export(*, user) -> DataExport:
    """Ask for a new export of everything about `user`; one being prepared is returned as it is."""
    pending = DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)
    transaction.on_commit(partial(tasks.build_export.enqueue, export.pk))
    return export


def build_export(*, export_id: int) -> bool:
    """Build the zip of a pending export (run by the worker). False if there is nothing to do: the
    export is gone (its account was erased) or already built."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return False
    now = timezone.now()
    try:
        with tempfile.TemporaryFile() as buffer:
            write_export(export.user, buffer, site=settings.SITE_NAME, when=now)
            buffer.seek(0)
            export.file.save(f"{export.token}.zip", File(buffer), save=False)
    except Exception:
        export.status = DataExport.Status.FAILED
        export.save(update_fields=["status"])
        raise
    export.status = DataExport.Status.READY
    export.size = export.file.size
    export.ready_at = timezone.now()
    export.expires_at = export.ready_at + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    export.save(update_fields=["status", "file", "size", "ready_at", "expires_at"])
    # The link stops working at expires_at whatever happens (DataExport.is_downloadable); the file
    # is deleted then too.
    transaction.on_commit(partial(tasks.delete_export.using(run_after=export.expires_at).enqueue, export.pk))
    return True


def delete_export(*, export_id: int, now=None) -> bool:
    """Delete an expired export's file and row. False if it has not expired or is gone."""
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or export.expires_at is None or export.expires_at > (now or timezone.now()):
        return False
    if export.file:
        export.file.delete(save=False)
    export.delete()
    return True


# Erasure


@transaction.atomic
def request_erasure(*, user, by=None) -> ErasureRequest:
    """Ask for `user`'s account to be erased after the grace period (PRIVACY_ERASURE_GRACE_DAYS),
    by the person themself or a site admin (`by`). A request already waiting is returned."""
    pending = ErasureRequest.objects.select_for_update().filter(user=user, cancelled_at=None, erased_at=None).first()
    if pending is not None:
        return pending
    now = timezone.now()
    request = ErasureRequest.objects.create(
        user=user, requested_by=by, requested_at=now, due_at=now + timedelta(days=settings.PRIVACY_ERASURE_GRACE_DAYS)
    )
    transaction.on_commit(partial(tasks.erase_account.using(run_after=request.due_at).enqueue, request.pk))
    logger.info("Erasure of user %s requested by %s, due %s", user.pk, by.pk if by else None, request.due_at)
    return request


@transaction.atomic
def cancel_erasure(*, user) -> bool:
    """Cancel the waiting request, if any. The task already queued for it then does nothing."""
    pending = ErasureRequest.objects.select_for_update().filter(user=user, cancelled_at=None, erased_at=None).first()
    if pending is None:
        return False
    pending.cancel()
    return True


def erase_account(*, request_id: int, now=None) -> bool:
    """Carry out one erasure request if it is due and still waiting (run by the worker at the due
    time, and by `manage.py erase_due`). Safe to run twice: the second run finds it done."""
    now = now or timezone.now()
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().select_related("user").filter(pk=request_id).first()
        if request is None or not request.is_pending or request.due_at > now:
            return False
        erasure.erase(request.user)
        request.erased_at = now
        request.save(update_fields=["erased_at"])
    logger.info("Erased user %s (request %s)", request.user_id, request.pk)
    return True


def erase_due(now=None) -> int:
    """Every waiting request whose time has come; the number carried out."""
    now = now or timezone.now()
    due = ErasureRequest.objects.filter(cancelled_at=None, erased_at=None, due_at__lte=now).order_by("due_at", "id")
    return sum(erase_account(request_id=pk, now=now) for pk in due.values_list("pk", flat=True))


# Consent


def accept_policies(*, user, documents: list[PolicyDocument]) -> list[Consent]:
    """Record that `user` accepted these versions of the policies, now."""
    now = timezone.now()
    return Consent.objects.bulk_create(
        [Consent(user=user, purpose=doc.kind, version=doc.version, given=True, recorded_at=now) for doc in documents]
    )


def set_optional_consent(*, user, purpose: str, given: bool) -> Consent:
    """Grant or withdraw an optional purpose, with the version of its wording."""
    purpose = OptionalPurpose(purpose)
    return Consent.objects.create(
        user=user, purpose=purpose, version=OPTIONAL_PURPOSE_VERSIONS[purpose], given=given, recorded_at=timezone.now()
    )
