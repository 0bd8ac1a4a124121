from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import FeedFilterForm
from .models import Event

GROUP_WORDS = {
    "subscription": ("new member", "new members"),
    "assignment_submitted": ("new submission", "new submissions"),
    "course_completed": ("new completion", "new completions"),
    "discussion_post": ("new discussion post", "new discussion posts"),
}


def _local(url: str) -> bool:
    """A path of this site only: no scheme, no host (not even ours), no protocol-relative `//`."""
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


class CappedPaginator(Paginator):
    """Counts at most MAX_PAGES pages: a COUNT over a student's whole history was a third of the
    page's time on the benchmark data (docs/performance.md). Beyond it the page says "of more than 50".
    The count is taken without ordering, so the database stops at the cap."""

    MAX_PAGES = 50

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.per_page * self.MAX_PAGES + 1].count()

    @property
    def pages_label(self) -> str:
        """ "12", or "more than 50" when the count stopped at the cap."""
        capped = self.count > self.per_page * self.MAX_PAGES
        return f"more than {self.MAX_PAGES}" if capped else str(self.num_pages)


@login_required
def notification_list(request):
    """The user's news, newest first, filtered by course and kind. What it shows unread it marks
    read (except what the user marked unread), and says so. A teacher's grouped activity is one line
    per course and kind ("12 new submissions in CS101"), listed one by one under its kind's filter."""
    user = request.user
    membership = selectors.request_membership(user)
    codes = [topic.split(":", 1)[1] for topic in membership.course_topics]
    form = FeedFilterForm(request.GET or None, course_codes=codes)
    course = kind = ""
    if form.is_valid():
        course, kind = form.cleaned_data["course"], form.cleaned_data["kind"]
    events = selectors.news_for(user, membership).order_by("-id")
    if course:
        events = events.filter(course__code=course)
    # Without a kind, a teacher's grouped activity is the groups' lines above the list.
    events = events.filter(kind=kind) if kind else events.exclude(group_for=user.pk)
    # Paged by id (the covering index sorts them), then the page's rows: selectors.newest's reason.
    page = CappedPaginator(events.values_list("id", flat=True), settings.FEED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    shown = list(Event.objects.filter(id__in=list(page.object_list)).order_by("-id"))
    last_read = selectors.last_read_id(user)
    unread = set(
        selectors.unread_events(user, last_read, membership)
        .filter(id__in=[event.pk for event in shown])
        .values_list("id", flat=True)
    )
    for event in shown:
        event.is_unread = event.pk in unread
    groups = [] if kind else selectors.unread_groups(user, last_read, membership, course_code=course)
    for group in groups:
        one, many = GROUP_WORDS.get(group["kind"], ("new item", "new items"))
        group["text"] = f"{group['count']} {one if group['count'] == 1 else many} in {group['course__code']}"
        group["url"] = "?" + urlencode({"course": group["course__code"], "kind": group["kind"]})
    marked = services.mark_read(user=user, events=[e for e in shown if e.is_unread], keep_marked_unread=True)
    for event in shown:
        event.still_unread = event.is_unread and event.pk not in marked
    filters = {key: value for key, value in (("course", course), ("kind", kind)) if value}
    return render(
        request,
        "notifications/list.html",
        {
            "form": form,
            "page_obj": page,
            "events": shown,
            "groups": groups,
            "marked_read": len(marked),
            "filter_query": urlencode(filters),
            "course_filter": course,
            "kind_filter": kind,
            "here": request.get_full_path(),
        },
    )


@login_required
def open_event(request, event_id: int):
    """A feed item's link: the item is read for this user (in every open tab), then its page. Only
    an event the user may see (404 otherwise); only to a page of this site."""
    event = selectors.news_for(request.user).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such notification.")
    services.mark_read(user=request.user, events=[event])
    url = event.payload.get("url", "")
    return redirect(url if _local(url) else reverse("notifications:list") + f"#event-{event.pk}")


@login_required
@require_POST
def set_read(request, event_id: int):
    """Per-item read or unread (`read=1` or `read=0`), back to the page the form was on."""
    event = selectors.news_for(request.user).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such notification.")
    state = request.POST.get("read")
    if state not in ("0", "1"):
        return HttpResponseBadRequest("read must be 1 or 0.")
    if state == "1":
        services.mark_read(user=request.user, events=[event])
    else:
        services.mark_unread(user=request.user, event=event)
    back = request.POST.get("next", "")
    return redirect(back if _local(back) else reverse("notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    messages.success(request, "All caught up.")
    return redirect("notifications:list")
