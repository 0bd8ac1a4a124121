"""The course workspace: one admin page to build a course. Its modules and lessons as one ordered
tree (moved with buttons, the keyboard or by dragging: static/js/workspace.js), a lesson of any kind
added in place, publish and release times at a glance, what needs attention (ungraded submissions,
unanswered threads, draft lessons), and the moderation of the course's discussions.

The pages are the CourseAdmin's own URLs (`urls`, added by CourseAdmin.get_urls), behind the admin's
log-in and second factor; each asks `selectors.workspace.get_taught_course` (404 for anyone who does
not teach the course) and writes through the services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import services
from ..markup import MARKDOWN_HELP
from ..models import Lesson, Module, Post, Thread
from ..selectors import workspace as selectors


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=200, label="New module")


class LessonForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Lesson.Kind.choices)
    body = forms.CharField(
        label="Text", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=MARKDOWN_HELP
    )
    embed_url = forms.URLField(label="Video link", required=False, help_text="A YouTube or Vimeo address (https).")


class MoveForm(forms.Form):
    lesson = forms.IntegerField()
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    index = forms.IntegerField(min_value=0, required=False)
    module = forms.IntegerField(required=False)


MODERATION = {"pin", "unpin", "lock", "unlock", "delete"}


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(course, anchor: str = ""):
    return redirect(reverse("admin:courses_course_workspace", args=[course.pk]) + anchor)


def posted_id(request, name: str) -> int:
    """An id from the posted form; a missing or malformed one is the 404 of a row that is not there."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404(f"No such {name}.") from None


def _lesson_of(course, pk) -> Lesson:
    return get_object_or_404(Lesson.objects.select_related("module__course"), pk=pk, module__course=course)


def _errors(request, error: ValidationError):
    """The refusal: a 400 with the messages for the page's script, else the admin's messages."""
    if _wants_json(request):
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    for message in error.messages:
        messages.error(request, message)
    return None


def _done(request, course, message: str, anchor: str, *, html: str = "", target: str = "", mode: str = "replace"):
    """The answer to a write: for the page's script the new part of the tree (`html`, put at
    `target` by `mode`: replace it, or append to it) and the message; else the page again."""
    if _wants_json(request):
        return JsonResponse({"message": message, "html": html, "target": target, "mode": mode})
    messages.success(request, message)
    return _back(course, anchor)


def _lesson_html(request, course, lesson_pk: int) -> str:
    lesson = selectors.tree_lesson(lesson_pk)
    lesson.problems = [] if lesson.is_published else services.publish_problems(lesson, loaded=True)
    return render_to_string("admin/courses/workspace/_lesson.html", {"course": course, "lesson": lesson}, request)


def _module_html(request, course, module_pk: int) -> str:
    module = selectors.tree_module(module_pk)
    _prepare(module)
    return render_to_string("admin/courses/workspace/_module.html", {"course": course, "module": module}, request)


def _prepare(module) -> None:
    module.lesson_form = LessonForm(prefix=f"m{module.pk}")
    for lesson in module.lessons.all():
        lesson.problems = [] if lesson.is_published else services.publish_problems(lesson, loaded=True)


class Workspace:
    """The workspace's views, bound to the CourseAdmin whose URLs they are."""

    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/workspace/", view(self.workspace), name="courses_course_workspace"),
            path("<int:pk>/workspace/modules/", view(self.add_module), name="courses_course_add_module"),
            path("<int:pk>/workspace/lessons/", view(self.add_lesson), name="courses_course_add_lesson"),
            path("<int:pk>/workspace/move/", view(self.move), name="courses_course_move_lesson"),
            path("<int:pk>/workspace/modules/move/", view(self.move_module), name="courses_course_move_module"),
            path("<int:pk>/workspace/publish/", view(self.publish), name="courses_course_publish_lesson"),
            path("<int:pk>/workspace/threads/", view(self.moderate), name="courses_course_moderate"),
            path("<int:pk>/workspace/threads/<int:thread>/", view(self.thread), name="courses_course_thread"),
        ]

    def context(self, request, course, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "course": course,
            "opts": self.model_admin.model._meta,
            "title": f"{course.code}: workspace",
            "subtitle": course.title,
            "tab": "workspace",
            **extra,
        }

    def workspace(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        tree = selectors.course_tree(course)
        for module in tree:
            _prepare(module)
        attention = selectors.with_attention(type(course).objects.filter(pk=course.pk)).get()
        context = self.context(
            request,
            course,
            tree=tree,
            attention=attention,
            threads=selectors.course_threads_for_moderation(course),
            module_form=ModuleForm(),
        )
        return TemplateResponse(request, "admin/courses/workspace/workspace.html", context)

    @staticmethod
    def _post(request):
        if request.method != "POST":
            raise Http404("Only POST.")

    def add_module(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        form = ModuleForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("Give the module a title.")
            last = course.modules.order_by("-position").values_list("position", flat=True).first()
            module = Module(course=course, title=form.cleaned_data["title"], position=0 if last is None else last + 10)
            services.save_content(obj=module, by=request.user)
        except ValidationError as error:
            return _errors(request, error) or _back(course)
        message = f"Added the module “{module.title}”."
        html = _module_html(request, course, module.pk) if _wants_json(request) else ""
        return _done(
            request, course, message, f"#module-{module.pk}", html=html, target="[data-modules]", mode="append"
        )

    def add_lesson(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        module = get_object_or_404(Module, pk=posted_id(request, "module"), course=course)
        form = LessonForm(request.POST, prefix=f"m{module.pk}")
        try:
            if not form.is_valid():
                raise ValidationError(
                    [
                        f"{form.fields[field].label or field.capitalize()}: {' '.join(errors)}"
                        for field, errors in form.errors.items()
                    ]
                )
            last = module.lessons.order_by("-position").values_list("position", flat=True).first()
            lesson = Lesson(module=module, position=0 if last is None else last + 10, **form.cleaned_data)
            services.save_content(obj=lesson, by=request.user)
        except ValidationError as error:
            return _errors(request, error) or _back(course, f"#module-{module.pk}")
        message = f"Added the {lesson.get_kind_display().lower()} lesson “{lesson.title}” (a draft)."
        html = _lesson_html(request, course, lesson.pk) if _wants_json(request) else ""
        target = f'ol[data-module="{module.pk}"]'
        return _done(request, course, message, f"#lesson-{lesson.pk}", html=html, target=target, mode="append")

    def move(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        form = MoveForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"error": "Bad move."}, status=400)
        lesson = _lesson_of(course, form.cleaned_data["lesson"])
        module = lesson.module
        if form.cleaned_data["module"]:
            module = get_object_or_404(Module, pk=form.cleaned_data["module"], course=course)
        index = form.cleaned_data["index"]
        if index is None:
            ids = list(module.lessons.values_list("pk", flat=True))
            here = ids.index(lesson.pk)
            index = here - 1 if form.cleaned_data["direction"] == "up" else here + 1
            if index < 0 or index >= len(ids):
                index = here
        try:
            services.move_lesson(lesson=lesson, module=module, index=index, by=request.user)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        order = list(module.lessons.values_list("pk", flat=True))
        if _wants_json(request):
            return JsonResponse({"module": module.pk, "order": order, "index": order.index(lesson.pk)})
        return _back(course, f"#lesson-{lesson.pk}")

    def move_module(self, request, pk):
        """A module one place up or down (services.reorder_content); the page again."""
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        module = get_object_or_404(Module, pk=posted_id(request, "module"), course=course)
        order = list(course.modules.values_list("pk", flat=True))
        here = order.index(module.pk)
        there = max(0, min(len(order) - 1, here + (-1 if request.POST.get("direction") == "up" else 1)))
        order.insert(there, order.pop(here))
        services.reorder_content(course=course, modules=order, by=request.user)
        return _back(course, f"#module-{module.pk}")

    def publish(self, request, pk):
        """Publish or unpublish one lesson; or, given a module, publish each of its drafts that may
        be published (publish_problems), one save_content each."""
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        published = request.POST.get("published") == "1"
        if "module" in request.POST:
            module = get_object_or_404(Module, pk=posted_id(request, "module"), course=course)
            drafts = [lesson for lesson in selectors.tree_module(module.pk).lessons.all() if not lesson.is_published]
            ready = [lesson for lesson in drafts if not services.publish_problems(lesson, loaded=True)]
            for lesson in ready:
                lesson.is_published = True
                services.save_content(obj=lesson, by=request.user)
            message = f"Published {len(ready)} lesson(s) of “{module.title}”."
            if len(ready) < len(drafts):
                message += f" {len(drafts) - len(ready)} draft(s) are not ready yet."
            html = _module_html(request, course, module.pk) if _wants_json(request) else ""
            return _done(request, course, message, f"#module-{module.pk}", html=html, target=f"#module-{module.pk}")
        lesson = _lesson_of(course, posted_id(request, "lesson"))
        lesson.is_published = published
        try:
            services.save_content(obj=lesson, by=request.user)
        except ValidationError as error:
            return _errors(request, error) or _back(course, f"#lesson-{lesson.pk}")
        message = f"{'Published' if published else 'Unpublished'} “{lesson.title}”."
        html = _lesson_html(request, course, lesson.pk) if _wants_json(request) else ""
        return _done(request, course, message, f"#lesson-{lesson.pk}", html=html, target=f"#lesson-{lesson.pk}")

    def moderate(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        self._post(request)
        threads = Thread.objects.select_related("course")
        thread = get_object_or_404(threads, pk=posted_id(request, "thread"), course=course)
        action = request.POST.get("action")
        if action not in MODERATION:
            return JsonResponse({"error": "Unknown moderation action."}, status=400)
        try:
            services.moderate_thread(user=request.user, thread=thread, action=action)
        except PermissionDenied:
            raise Http404("No such thread.") from None
        messages.success(request, f"{action.capitalize()}: “{thread.title}”.")
        return _back(course, "#discussions")

    def thread(self, request, pk, thread):
        course = selectors.get_taught_course(request.user, pk)
        thread = get_object_or_404(Thread.objects.select_related("course"), pk=thread, course=course)
        if request.method == "POST":
            posts = Post.objects.select_related("thread__course")
            post = get_object_or_404(posts, pk=posted_id(request, "post"), thread=thread)
            action = request.POST.get("action")
            if action == "remove":
                services.remove_post(user=request.user, post=post)
                messages.success(request, "The post was removed; its replies stay.")
            elif action == "delete":
                services.delete_post(user=request.user, post=post)
                messages.success(request, "The post was deleted.")
                if post.parent_id is None:
                    return _back(course, "#discussions")
            else:
                return JsonResponse({"error": "Unknown moderation action."}, status=400)
            return redirect(reverse("admin:courses_course_thread", args=[course.pk, thread.pk]))
        posts = list(thread.posts.select_related("author").order_by("created_at", "id"))
        context = self.context(request, course, thread=thread, posts=posts, title=f"{course.code}: {thread.title}")
        return TemplateResponse(request, "admin/courses/workspace/thread.html", context)
