from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import files, permissions, selectors, services
from ..forms.catalog import CatalogSearchForm
from ..models import WaitlistEntry

CATALOG_PAGE_SIZE = 12


def home(request):
    return redirect("courses:dashboard" if request.user.is_authenticated else "courses:catalog")


def catalog(request):
    form = CatalogSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(selectors.catalog_courses(request.user, query), CATALOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    subscribed_ids = (
        set(request.user.subscriptions.values_list("course_id", flat=True)) if request.user.is_authenticated else set()
    )
    return render(
        request,
        "courses/catalog/catalog.html",
        {"form": form, "query": query, "page_obj": page, "subscribed_ids": subscribed_ids},
    )


def course_detail(request, code):
    return _course_page(request, selectors.get_course_for_user(request.user, code))


def _course_page(request, course, *, key_error: str = "", status: int = 200):
    # The page's activity feed comes from notifications' {% activity_feed %} tag: courses does not
    # import notifications.
    subscription = selectors.subscription_for(request.user, course)
    if subscription:
        services.mark_course_viewed(user=request.user, course=course)
    is_member = subscription is not None or permissions.is_member(request.user, course)
    # The outline (titles of released lessons) is for anyone who may see the course; a subscriber's
    # comes with their progress, in the same query.
    progress = selectors.course_progress(request.user, course) if subscription else None
    announcements = selectors.course_announcements(course)
    context = {
        "course": course,
        "subscription": subscription,
        "is_member": is_member,
        "progress": progress,
        "outline": progress["modules"] if progress else selectors.public_outline(course),
        "resources": selectors.course_resources(course),
        "announcements": announcements,
        # Read only where an announcement asks to be acknowledged (the list is read here once).
        "acknowledged_ids": selectors.acknowledged_ids(request.user, course)
        if is_member and any(a.requires_acknowledgement for a in announcements)
        else set(),
        "teaches": permissions.teaches(request.user, course),
        # Enrolment options (services/enrolment.py); no query for a course without a capacity.
        "seats_left": selectors.seats_left(course),
        "waitlist_entry": None if subscription else selectors.waitlist_entry_for(request.user, course),
        "enrolment_state": course.enrolment_state(),
        "key_error": key_error,
    }
    return render(request, "courses/catalog/course_detail.html", context, status=status)


@login_required
@require_POST
def acknowledge(request, code, pk):
    """The "I have read this" button of an announcement that asks for it."""
    course = selectors.get_member_course(request.user, code)
    announcement = get_object_or_404(course.announcements, pk=pk, requires_acknowledgement=True)
    services.acknowledge(announcement=announcement, user=request.user)
    messages.success(request, f"Thank you: “{announcement.title}” is acknowledged.")
    return redirect(announcement.get_absolute_url())


@csrf_exempt  # the signed link in the mail is the proof: it works without a session
def acknowledge_by_link(request, token):
    """The mail's "I have read this" link: a page with a button (a mail scanner's GET acknowledges
    nothing), whose POST acknowledges."""
    try:
        announcement, user = services.read_acknowledgement_token(token)
    except ValidationError as error:
        raise Http404("This link is not valid.") from error
    if request.method == "POST":
        services.acknowledge(announcement=announcement, user=user)
        return render(request, "courses/catalog/acknowledged.html", {"announcement": announcement})
    return render(request, "courses/catalog/acknowledge.html", {"announcement": announcement, "token": token})


@login_required
@require_POST
def subscribe(request, code):
    course = selectors.get_course_for_user(request.user, code)
    try:
        place, created = services.subscribe(user=request.user, course=course, key=request.POST.get("key", ""))
    except ValidationError as error:
        if error.code in ("wrong_key", "key_required"):
            # A form error: the page again, the message at the key's field.
            return _course_page(request, course, key_error=" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            _say_where(request, course, place)
    return redirect(course)


def _say_where(request, course, place) -> None:
    if isinstance(place, WaitlistEntry):
        messages.info(request, f"{course.code} is full: you are number {place.position} on the waiting list.")
    else:
        messages.success(request, f"You are subscribed to {course.code}.")


@login_required
@require_POST
def unsubscribe(request, code):
    """Leave the course, or its waiting list."""
    course = selectors.get_course_for_user(request.user, code)
    if services.unsubscribe(user=request.user, course=course):
        messages.success(request, f"You left {course.code}.")
    return redirect(course)


@login_required
def invitation(request, token):
    """The mailed invitation link: a page with a button (a mail scanner's GET enrols nobody), whose
    POST enrols the logged-in account if the invitation was sent to its address. Any other link
    than ours is 404; a used, expired or misdirected one is said so (403 or 410)."""
    try:
        invited = services.read_invitation_token(token)
    except ValidationError as error:
        raise Http404("This invitation link is not valid.") from error
    context = {"invitation": invited, "course": invited.course, "token": token}
    if request.method == "POST":
        try:
            place = services.accept_invitation(invitation=invited, user=request.user)
        except ValidationError as error:
            return _invitation_refused(request, context, error)
        _say_where(request, invited.course, place)
        return redirect(invited.course)
    try:
        services.check_invitation(invitation=invited, user=request.user)
    except ValidationError as error:
        return _invitation_refused(request, context, error)
    return render(request, "courses/catalog/invitation.html", context)


INVITATION_REFUSALS = {"used": 410, "expired": 410, "wrong_account": 403}


def _invitation_refused(request, context, error):
    status = INVITATION_REFUSALS.get(error.code, 409)  # 409: the course itself refused (unpublished)
    context |= {"error": " ".join(error.messages)}
    return render(request, "courses/catalog/invitation.html", context, status=status)


@login_required
def resource(request, code, pk):
    """Files, links and texts of a course, for its members only."""
    course = selectors.get_member_course(request.user, code)
    item = get_object_or_404(course.resources, pk=pk)
    if item.file:
        return files.serve(request, item.file)
    if item.url:
        return redirect(item.url)
    return render(request, "courses/catalog/resource_detail.html", {"course": course, "resource": item})


@login_required
def dashboard(request):
    context = {
        "subscriptions": selectors.dashboard(request.user),
        "taught": selectors.taught_courses(request.user) if request.user.is_instructor else [],
        "site_announcements": selectors.site_announcements(),
    }
    return render(request, "courses/catalog/dashboard.html", context)
