"""Discussion pages: a course's threads, a thread with its posts, editing, moderation.

Each view fetches through selectors (membership first: a non-member gets a 404), calls a discussions
service, and renders or redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms.discussions import PostEditForm, ReplyForm, ThreadForm


def threads(request, code):
    course = selectors.get_member_course(request.user, code)
    lessons = selectors.visible_lessons(request.user, course).in_order()
    form = ThreadForm(request.POST or None, lessons=lessons, initial={"lesson": request.GET.get("lesson")})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(
                author=request.user,
                course=course,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                lesson=form.cleaned_data["lesson"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 429 if isinstance(error, services.RateLimited) else 400
        else:
            return redirect(thread)
    elif request.method == "POST":
        status = 400
    context = {"course": course, "threads": selectors.course_threads(course), "form": form}
    return render(request, "courses/discussions/threads.html", context, status=status)


@login_required
def thread(request, code, pk):
    course = selectors.get_member_course(request.user, code)
    current = selectors.get_thread(course, pk)
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        parent_id = form.cleaned_data["parent"]
        parent = selectors.get_post(current, parent_id) if parent_id else None
        try:
            post = services.reply(author=request.user, thread=current, body=form.cleaned_data["body"], parent=parent)
        except ValidationError as error:
            form.add_error(None, error)
            status = 429 if isinstance(error, services.RateLimited) else 400
        else:
            return redirect(post.get_absolute_url())
    elif request.method == "POST":
        status = 400
    context = {
        "course": course,
        "thread": current,
        "posts": selectors.thread_posts(current),
        "form": form,
        "teaches": permissions.teaches(request.user, course),
    }
    return render(request, "courses/discussions/thread.html", context, status=status)


@login_required
def post_fragment(request, code, thread_pk, pk):
    """One post as the thread page renders it, for the page's script to insert a live reply."""
    course = selectors.get_member_course(request.user, code)
    post = selectors.get_post(selectors.get_thread(course, thread_pk), pk)
    post.children = []
    teaches = permissions.teaches(request.user, course)
    context = {"course": course, "post": post, "thread": post.thread, "teaches": teaches}
    return render(request, "courses/discussions/_post.html", context)


@login_required
def post_edit(request, code, thread_pk, pk):
    course = selectors.get_member_course(request.user, code)
    post = selectors.get_post(selectors.get_thread(course, thread_pk), pk)
    if not post.can_edit(request.user):
        raise PermissionDenied("Posts can be edited by their author for 15 minutes.")
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(user=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your post is updated.")
            return redirect(post.get_absolute_url())
    return render(request, "courses/discussions/post_edit.html", {"course": course, "post": post, "form": form})


@login_required
@require_POST
def thread_moderate(request, code, pk):
    course = selectors.get_member_course(request.user, code)
    current = selectors.get_thread(course, pk)
    action = request.POST.get("action", "")
    try:
        services.moderate_thread(user=request.user, thread=current, action=action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if action == "delete":
        messages.success(request, f"The thread “{current.title}” is deleted.")
        return redirect("courses:threads", code=course.code)
    return redirect(current)


@login_required
@require_POST
def post_remove(request, code, thread_pk, pk):
    course = selectors.get_member_course(request.user, code)
    post = selectors.get_post(selectors.get_thread(course, thread_pk), pk)
    services.remove_post(user=request.user, post=post)
    messages.success(request, "The post is removed.")
    return redirect(post.thread)
