"""Privacy reads: the policies in force, what a person still has to accept, their answers to the
optional purposes, and their exports (owner only: anyone else gets a 404)."""

from django.http import Http404
from django.utils import timezone

from .models import Consent, DataExport, ErasureRequest, OptionalPurpose, PolicyDocument


def current_policies(now=None) -> list[PolicyDocument]:
    """The newest published version of each kind of policy, in kind order (privacy, terms)."""
    newest: dict[str, PolicyDocument] = {}
    for document in PolicyDocument.objects.published(now).order_by("kind", "-version"):
        newest.setdefault(document.kind, document)
    return [newest[kind] for kind in PolicyDocument.Kind.values if kind in newest]


def current_policy(kind: str) -> PolicyDocument | None:
    return PolicyDocument.objects.published().filter(kind=kind).order_by("-version").first()


def outstanding_policies(user) -> list[PolicyDocument]:
    """The policies in force whose current version `user` has not accepted."""
    documents = current_policies()
    if not documents:
        return []
    accepted = set(
        Consent.objects.filter(user=user, given=True, purpose__in=[d.kind for d in documents]).values_list(
            "purpose", "version"
        )
    )
    return [d for d in documents if (d.kind, d.version) not in accepted]


def optional_consents(user) -> dict[str, bool]:
    """Each optional purpose and the person's current answer (no answer: not given)."""
    answers: dict[str, bool] = {}
    for purpose, given in Consent.objects.filter(user=user, purpose__in=OptionalPurpose.values).values_list(
        "purpose", "given"
    ):  # newest first (Consent's ordering)
        answers.setdefault(purpose, given)
    return {purpose: answers.get(purpose, False) for purpose in OptionalPurpose.values}


def exports_of(user) -> list[DataExport]:
    return list(DataExport.objects.filter(user=user)[:5])


def get_downloadable_export(user, token: str) -> DataExport:
    """The owner's export behind a link while it works; 404 for anyone else, or once expired."""
    export = DataExport.objects.filter(user=user, token=token).first()
    if export is None or not export.is_downloadable(timezone.now()):
        raise Http404("No such export.")
    return export


def pending_erasure(user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, cancelled_at=None, erased_at=None).first()
