"""Learning pages: the course outline, lessons and their files, quizzes, assignments, grades.

Each view fetches through selectors (membership first: a non-member gets a 404 for every page of a
course, except the outline and a released lesson's page of a course they may see, which answer 403
with the way to subscribe), calls a learning service, and renders or redirects."""

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import files, gradebook, permissions, selectors, services
from ..forms.learning import QuizForm, SubmissionForm
from ..models import Lesson, Quiz


def _wants_json(request) -> bool:
    return request.accepts("application/json") and not request.accepts("text/html")


def _subscribe_to_see(request, course, lesson=None):
    """A logged-in non-member of a course they may see (a published one) asked for its lessons:
    403 (they are known, the lesson exists and its title is in the public outline, but it is not
    theirs to read) with the way in, never the lesson's content."""
    context = {
        "course": course,
        "lesson": lesson,
        "subscription": None,
        # The way in as the course page offers it (enrolment options, services/enrolment.py).
        "seats_left": selectors.seats_left(course),
        "waitlist_entry": selectors.waitlist_entry_for(request.user, course),
        "enrolment_state": course.enrolment_state(),
    }
    return render(request, "courses/learning/subscribe_to_see.html", context, status=403)


@login_required
def outline(request, code):
    course = selectors.get_course_for_user(request.user, code)
    if not permissions.is_member(request.user, course):
        return _subscribe_to_see(request, course)
    context = {
        "course": course,
        "outline": selectors.course_outline(request.user, course),
        "teaches": permissions.teaches(request.user, course),
    }
    return render(request, "courses/learning/outline.html", context)


def _member_lesson(request, code, pk):
    """The course (members only) and one of its lessons this user may see, or 404."""
    course = selectors.get_member_course(request.user, code)
    return course, selectors.get_lesson_for_user(request.user, course, pk)


def _lesson_page(request, course, lesson, *, submission_form=None, status=200):
    teaches = permissions.teaches(request.user, course)
    outline = selectors.course_outline(request.user, course)
    previous, following = outline.neighbours(lesson)
    context = {
        "course": course,
        "lesson": lesson,
        "outline": outline,
        "teaches": teaches,
        "preview": teaches and request.GET.get("preview") == "1",
        "completed": lesson.pk in outline.completed_ids,
        "previous": previous,
        "next": following,
        "threads": selectors.course_threads(course, lesson)[:5],
    }
    if lesson.kind == Lesson.Kind.QUIZ:
        quiz = lesson.quiz
        attempts = [] if teaches else selectors.student_attempts(request.user, quiz)
        context |= {"quiz": quiz, "attempts": attempts, "open_attempt": next((a for a in attempts if a.is_open), None)}
        if teaches:
            questions = selectors.quiz_questions(quiz)
            context |= {"preview_form": QuizForm(questions=questions), "questions": questions}
    if lesson.kind == Lesson.Kind.ASSIGNMENT:
        assignment = lesson.assignment
        submission = None if teaches else selectors.own_submission(request.user, assignment)
        context |= {
            "assignment": assignment,
            "submission": submission,
            "submission_form": submission_form or SubmissionForm(assignment=assignment),
        }
    return render(request, "courses/learning/lesson.html", context, status=status)


@login_required
def lesson(request, code, pk):
    course = selectors.get_course_for_user(request.user, code)
    # The one 404 for a hidden lesson comes first, for members and non-members alike, so a
    # non-member learns nothing the outline does not already show.
    item = selectors.get_lesson_for_user(request.user, course, pk)
    if not permissions.is_member(request.user, course):
        return _subscribe_to_see(request, course, item)
    with suppress(PermissionDenied):  # the course's teachers read without tracking progress
        services.record_lesson_view(student=request.user, lesson=item)
    return _lesson_page(request, course, item)


@login_required
@require_POST
def lesson_complete(request, code, pk):
    course, item = _member_lesson(request, code, pk)
    try:
        services.complete_lesson(student=request.user, lesson=item)
    except services.CompletesOnSubmission as error:
        raise Http404(" ".join(error.messages)) from error
    except PermissionDenied:
        if _wants_json(request):
            return JsonResponse({"completed": False, "error": "Only students track progress."}, status=403)
        messages.info(request, "Only subscribed students track their progress.")
        return redirect(item)
    if _wants_json(request):
        return JsonResponse({"completed": True})
    messages.success(request, f"“{item.title}” is complete.")
    following = selectors.course_outline(request.user, course).neighbours(item)[1]
    return redirect(following or item)


@login_required
def lesson_media(request, code, pk):
    """The lesson's video, inline and in byte ranges so the page's player can play and seek."""
    _, item = _member_lesson(request, code, pk)
    if not item.video:
        raise Http404("This lesson has no video file.")
    return files.serve(request, item.video, inline=True)


@login_required
def lesson_file(request, code, pk):
    _, item = _member_lesson(request, code, pk)
    if not item.file:
        raise Http404("This lesson has no file.")
    return files.serve(request, item.file)


# Quizzes


@login_required
@require_POST
def quiz_start(request, code, pk):
    course, item = _member_lesson(request, code, pk)
    quiz = get_object_or_404(Quiz, lesson=item)
    try:
        attempt = services.start_attempt(student=request.user, quiz=quiz)
    except PermissionDenied:
        messages.info(request, "Only subscribed students take quizzes; use the preview to see the questions.")
        return redirect(item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(item)
    return redirect("courses:attempt", code=course.code, pk=attempt.pk)


@login_required
def attempt(request, code, pk):
    """An open attempt of mine: the questions; submitting it with questions unanswered shows them
    and asks again ("Submit anyway" posts `confirm`). A submitted one: the score and per-question
    feedback."""
    course = selectors.get_member_course(request.user, code)
    current = selectors.get_attempt_for_user(request.user, course, pk)
    context = {"course": course, "attempt": current, "quiz": current.quiz, "lesson": current.quiz.lesson}
    if current.is_open and current.student_id == request.user.pk:
        data = request.POST if request.method == "POST" else None  # nothing ticked is still a submission
        form = QuizForm(data, questions=selectors.quiz_questions(current.quiz))
        if request.method == "POST" and form.is_valid():
            # Unanswered questions are asked about first (the attempt stays open), unless time is
            # already up: then nothing more would count, and waiting only loses the answers.
            if form.needs_confirmation() and not current.is_past_deadline():
                context["confirming"] = True
            else:
                current = services.submit_attempt(attempt=current, responses=form.responses())
                return redirect("courses:attempt", code=course.code, pk=current.pk)
        context |= {"form": form, "seconds_left": current.seconds_left()}
        return render(request, "courses/learning/attempt_take.html", context)
    if request.method == "POST":
        return redirect("courses:attempt", code=course.code, pk=current.pk)
    context["feedback"] = selectors.attempt_feedback(current) if not current.is_open else []
    return render(request, "courses/learning/attempt_result.html", context)


# Assignments


@login_required
@require_POST
def assignment_submit(request, code, pk):
    course, item = _member_lesson(request, code, pk)
    if item.kind != Lesson.Kind.ASSIGNMENT:
        raise Http404("Not an assignment.")
    form = SubmissionForm(request.POST, request.FILES, assignment=item.assignment)
    if form.is_valid():
        try:
            submission = services.submit_assignment(
                student=request.user,
                assignment=item.assignment,
                text=form.cleaned_data.get("text") or "",
                file=form.cleaned_data.get("file"),
            )
        except PermissionDenied:
            messages.info(request, "Only subscribed students submit assignments.")
            return redirect(item)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            late = " It is late." if submission.is_late else ""
            messages.success(request, f"Your submission is in (version {submission.revision}).{late}")
            return redirect(item)
    return _lesson_page(request, course, item, submission_form=form, status=400)


@login_required
def submission_file(request, code, pk):
    """A submitted file: for its student and the course's instructor only."""
    course = selectors.get_member_course(request.user, code)
    submission = selectors.get_submission_for_user(request.user, course, pk)
    if not submission.file:
        raise Http404("No file was submitted.")
    return files.serve(request, submission.file)


@login_required
def grades(request, code):
    """My grades in one course: each graded item with its weight, and the totals."""
    course = selectors.get_member_course(request.user, code)
    context = {
        "course": course,
        "teaches": permissions.teaches(request.user, course),
        "grades": gradebook.course_grades(request.user, course),
    }
    return render(request, "courses/learning/grades.html", context)


@login_required
def all_grades(request):
    """My totals in every course I am subscribed to."""
    context = {"courses": gradebook.my_courses_grades(request.user)}
    return render(request, "courses/learning/all_grades.html", context)
