"""The privacy pages: the policies (public), accepting a new version, and "Your data" (exports,
optional consents, erasure and its cancellation)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import middleware, selectors, services
from .forms import ErasureForm, OptionalConsentForm, PolicyAcceptanceForm
from .models import PolicyDocument


def _policy_page(request, kind: str):
    document = selectors.current_policy(kind)
    return render(
        request,
        "accounts/privacy/policy.html",
        {"document": document, "kind_label": PolicyDocument.Kind(kind).label},
    )


def policy(request):
    return _policy_page(request, PolicyDocument.Kind.PRIVACY)


def terms(request):
    return _policy_page(request, PolicyDocument.Kind.TERMS)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def accept(request):
    documents = selectors.outstanding_policies(request.user)
    next_url = _safe_next(request, reverse("courses:dashboard"))
    if not documents:
        middleware.refresh(request)
        return redirect(next_url)
    form = PolicyAcceptanceForm(request.POST or None, documents=documents)
    if request.method == "POST" and form.is_valid():
        services.accept_policies(user=request.user, documents=documents)
        middleware.refresh(request)
        messages.success(request, "Thank you: your acceptance is recorded.")
        return redirect(next_url)
    return render(request, "accounts/privacy/accept.html", {"form": form, "documents": documents, "next": next_url})


@login_required
def your_data(request):
    user = request.user
    return render(
        request,
        "accounts/privacy/your_data.html",
        {
            "exports": selectors.exports_of(user),
            "erasure": selectors.pending_erasure(user),
            "consent_form": OptionalConsentForm(current=selectors.optional_consents(user)),
            "export_days": settings.PRIVACY_EXPORT_DAYS,
            "grace_days": settings.PRIVACY_ERASURE_GRACE_DAYS,
        },
    )


@login_required
@require_POST
def export_request(request):
    services.request_export(user=request.user)
    messages.success(request, "Your data is being prepared. Reload this page in a minute to see when it is ready.")
    return redirect("privacy:your_data")


@login_required
def export_download(request, token: str):
    export = selectors.get_downloadable_export(request.user, token)
    filename = f"{settings.SITE_NAME.lower().replace(' ', '-')}-data-{export.ready_at:%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")


@login_required
@require_POST
def consents(request):
    current = selectors.optional_consents(request.user)
    form = OptionalConsentForm(request.POST, current=current)
    if form.is_valid():
        changed = [purpose for purpose, given in form.cleaned_data.items() if given != current.get(purpose)]
        for purpose in changed:
            services.set_optional_consent(user=request.user, purpose=purpose, given=form.cleaned_data[purpose])
        messages.success(request, "Your choices are saved." if changed else "Nothing changed.")
    return redirect("privacy:your_data")


@login_required
def erasure_request(request):
    if selectors.pending_erasure(request.user) is not None:
        return redirect("privacy:your_data")
    form = ErasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erasure = services.request_erasure(user=request.user, by=request.user)
        messages.warning(
            request,
            f"Your account will be erased on {erasure.due_at:%-d %B %Y}. Until then you can cancel on this page.",
        )
        return redirect("privacy:your_data")
    return render(
        request,
        "accounts/privacy/erasure_request.html",
        {"form": form, "grace_days": settings.PRIVACY_ERASURE_GRACE_DAYS},
    )


@login_required
@require_POST
def erasure_cancel(request):
    if services.cancel_erasure(user=request.user):
        messages.success(request, "The erasure of your account is cancelled.")
    return redirect("privacy:your_data")
