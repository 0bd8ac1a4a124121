"""Grading from the course workspace: a queue of the submissions that need a grade (oldest first,
late ones marked), a grading page (the submitted text, a preview of an image file or of a PDF's
first pages rendered on the server, courses/previews.py, points "out of
N", feedback in Markdown, "save and grade next"), and the quizzes' regrade and per-attempt score
override with its reason. The student is told live by the events the saves cause
(notifications/signals.py).

Like the workspace, these are CourseAdmin URLs behind the admin's log-in; each asks
`selectors.workspace.get_taught_course` (404 for anyone who does not teach the course) and writes
through `grade_submission`, `regrade_quiz` and `override_attempt_score`."""

import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import previews, services
from ..files import PASSIVE_TYPES
from ..markup import MARKDOWN_HELP
from ..models import Attempt, Quiz, Submission
from ..selectors import workspace as selectors
from .workspace import posted_id

#: Files shown in the grading page itself, as an <img> of the submission's file view (an image is
#: never run as a page: the view's headers, courses/files.py, stay as they are). Anything else is a
#: download.
PREVIEW_IMAGES = frozenset(t for t in PASSIVE_TYPES if t.startswith("image/"))


class GradeForm(forms.Form):
    points = forms.IntegerField(min_value=0)
    feedback = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=MARKDOWN_HELP)

    def __init__(self, *args, max_points: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs["max"] = max_points
        self.fields["points"].validators.append(MaxValueValidator(max_points))
        self.fields["points"].help_text = f"Out of {max_points}."


class OverrideForm(forms.Form):
    score = forms.IntegerField(min_value=0)
    reason = forms.CharField(max_length=1000, help_text="The student sees it with the new score.")


def preview_kind(file_name: str) -> str:
    guessed = mimetypes.guess_type(file_name)[0]
    if guessed == "application/pdf":
        return "pdf"
    return "image" if guessed in PREVIEW_IMAGES else "download"


class Grading:
    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.admin_site = model_admin.admin_site

    def urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/grading/", view(self.queue), name="courses_course_grading"),
            path("<int:pk>/grading/submissions/<int:submission>/", view(self.grade), name="courses_course_grade"),
            path(
                "<int:pk>/grading/submissions/<int:submission>/pages/<int:page>.png",
                view(self.pdf_page),
                name="courses_course_grade_page",
            ),
            path("<int:pk>/grading/quizzes/<int:quiz>/", view(self.attempts), name="courses_course_attempts"),
            path("<int:pk>/grading/quizzes/<int:quiz>/regrade/", view(self.regrade), name="courses_course_regrade"),
        ]

    def context(self, request, course, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "course": course,
            "opts": self.model_admin.model._meta,
            "title": title,
            "tab": "grading",
            **extra,
        }

    def queue(self, request, pk):
        course = selectors.get_taught_course(request.user, pk)
        context = self.context(
            request,
            course,
            f"{course.code}: needs grading",
            submissions=list(selectors.grading_queue(course)),
            quizzes=selectors.course_quizzes(course),
        )
        return TemplateResponse(request, "admin/courses/grading/queue.html", context)

    def _submission(self, request, pk, submission) -> tuple:
        course = selectors.get_taught_course(request.user, pk)
        submission = get_object_or_404(
            Submission.objects.select_related("student", "assignment__lesson__module", "graded_by"),
            pk=submission,
            assignment__lesson__module__course=course,
        )
        return course, submission

    def pdf_page(self, request, pk, submission, page):
        """A page of a submitted PDF as an image (courses/previews.py), for the course's teacher."""
        _, submission = self._submission(request, pk, submission)
        if not submission.file:
            raise Http404("No file was submitted.")
        try:
            png = previews.page_png(submission.file, page)
        except previews.NoPreview as error:
            raise Http404(str(error)) from error
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=300"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def grade(self, request, pk, submission):
        course, submission = self._submission(request, pk, submission)
        max_points = submission.assignment.max_points
        if request.method == "POST":
            form = GradeForm(request.POST, max_points=max_points)
            if form.is_valid():
                services.grade_submission(submission=submission, by=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    f"Graded {submission.student.display_name()}: {submission.points} out of {max_points}.",
                )
                following = selectors.next_to_grade(course, submission) if "_next" in request.POST else None
                if following is not None:
                    return redirect(reverse("admin:courses_course_grade", args=[course.pk, following.pk]))
                return redirect(reverse("admin:courses_course_grading", args=[course.pk]))
        else:
            initial = {"points": submission.points, "feedback": submission.feedback}
            form = GradeForm(initial=initial, max_points=max_points)
        waiting = selectors.grading_queue(course).exclude(pk=submission.pk).count()
        preview = preview_kind(submission.file_name) if submission.file else None
        pages = 0
        if preview == "pdf":
            try:
                pages = previews.page_count(submission.file)
            except previews.NoPreview:
                preview = "download"
        context = self.context(
            request,
            course,
            f"Grade {submission.assignment.lesson.title}: {submission.student.display_name()}",
            submission=submission,
            form=form,
            max_points=max_points,
            waiting=waiting,
            preview=preview,
            pdf_pages=range(1, pages + 1),
            file_url=reverse("courses:submission_file", args=[course.code, submission.pk]) if submission.file else "",
        )
        return TemplateResponse(request, "admin/courses/grading/grade.html", context)

    def _quiz_of(self, course, pk) -> Quiz:
        return get_object_or_404(Quiz.objects.select_related("lesson__module"), pk=pk, lesson__module__course=course)

    def attempts(self, request, pk, quiz):
        course = selectors.get_taught_course(request.user, pk)
        quiz = self._quiz_of(course, quiz)
        form = None
        if request.method == "POST":
            attempt = get_object_or_404(Attempt, pk=posted_id(request, "attempt"), quiz=quiz)
            form = OverrideForm(request.POST, prefix=f"a{attempt.pk}")
            if form.is_valid():
                try:
                    services.override_attempt_score(attempt=attempt, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
                else:
                    messages.success(request, f"Score changed for {attempt.student.display_name()}.")
                    return redirect(reverse("admin:courses_course_attempts", args=[course.pk, quiz.pk]))
            else:
                messages.error(request, "Give a score and a reason.")
        attempts = list(
            Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
            .select_related("student", "overridden_by")
            .order_by("student__last_name", "student__first_name", "student_id", "number")
        )
        for attempt in attempts:
            attempt.form = OverrideForm(prefix=f"a{attempt.pk}", initial={"score": attempt.score})
        context = self.context(request, course, f"{quiz.lesson.title}: attempts", quiz=quiz, attempts=attempts)
        return TemplateResponse(request, "admin/courses/grading/attempts.html", context)

    def regrade(self, request, pk, quiz):
        course = selectors.get_taught_course(request.user, pk)
        quiz = self._quiz_of(course, quiz)
        if request.method != "POST":
            raise Http404("Only POST.")
        changed = services.regrade_quiz(quiz=quiz, by=request.user)
        messages.success(
            request, f"Regraded “{quiz.lesson.title}”: {len(changed)} attempt(s) changed; their students are told."
        )
        return redirect(reverse("admin:courses_course_attempts", args=[course.pk, quiz.pk]))
