"""Learning endpoints: lessons and their files, progress, discussions and the completion report.
Membership comes first (get_member_course: a 404 for non-members, as on the pages), then the
learning selectors and services decide the rest."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from lms_site.api_errors import Conflict

from .. import learning_services, selectors
from ..forms import ThreadForm
from ..models import CourseCompletion, Lesson, Thread
from ..ranged import ranged_file_response
from .pagination import Pages
from .renderers import CSVRenderer
from .serializers import (
    CompletionRowSerializer,
    LessonSerializer,
    ProgressInputSerializer,
    ProgressSerializer,
    ReplyInputSerializer,
    StudentProgressSerializer,
    ThreadDetailSerializer,
    ThreadInputSerializer,
    ThreadSerializer,
)


class PostingTooFast(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "You are posting too quickly."
    default_code = "rate_limited"


def _posting(call, **kwargs):
    """Run a discussion service; its refusals become API errors (429 for the post rate)."""
    try:
        return call(**kwargs)
    except learning_services.RateLimited as too_fast:
        raise PostingTooFast(" ".join(too_fast.messages)) from too_fast


# Lessons


@extend_schema(tags=["lessons"])
class LessonListView(APIView):
    """The lessons you may see, in course order, with your progress; for members of the course."""

    @extend_schema(responses=LessonSerializer(many=True))
    def get(self, request, code):
        course = selectors.get_member_course(request.user, code)
        outline = selectors.course_outline(request.user, course)
        context = {"request": request, "course": course, "completed_ids": outline.completed_ids}
        return Response(LessonSerializer(outline.lessons, many=True, context=context).data)


class _LessonFileView(APIView):
    field = ""

    @extend_schema(
        tags=["lessons"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            (206, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="A byte range."),
        },
    )
    def get(self, request, code, pk):
        course = selectors.get_member_course(request.user, code)
        lesson = selectors.get_lesson_for_user(request.user, course, pk)
        stored = getattr(lesson, self.field)
        if not stored:
            raise Http404(f"This lesson has no {self.field}.")
        return ranged_file_response(request._request, stored, as_attachment=self.field == "file")


class LessonVideoView(_LessonFileView):
    """The lesson's video file, in byte ranges (Range header) so a player can seek."""

    field = "video"


class LessonFileView(_LessonFileView):
    """The lesson's file, in byte ranges."""

    field = "file"


# Progress


@extend_schema(tags=["progress"])
class ProgressView(APIView):
    """Record that you viewed a lesson, or completed it (the default). Subscribed students only;
    quizzes and assignments complete when submitted (409)."""

    @extend_schema(request=ProgressInputSerializer, responses=ProgressSerializer)
    def put(self, request, lesson_id):
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
        course = selectors.get_member_course(request.user, found.module.course.code)
        lesson = selectors.get_lesson_for_user(request.user, course, found.pk)
        if selectors.teaches(request.user, course):
            raise PermissionDenied("Only subscribed students track their progress.")
        if data.validated_data["completed"] and not lesson.completes_by_hand:
            raise Conflict("This lesson completes when you submit it.")
        progress = learning_services.record_lesson_view(student=request.user, lesson=lesson)
        if data.validated_data["completed"]:
            learning_services.complete_lesson(student=request.user, lesson=lesson)
            progress.refresh_from_db()
        progress.course_completed = CourseCompletion.objects.filter(student=request.user, course=course).exists()
        return Response(ProgressSerializer(progress).data)


@extend_schema(tags=["progress"])
class StudentProgressView(APIView):
    """A student's progress per subscribed course: for the student, their instructors (their own
    courses only) and admins; a 404 for anyone else."""

    @extend_schema(responses=StudentProgressSerializer)
    def get(self, request, user_id):
        student = User.objects.filter(pk=user_id).first()
        if student is None:
            raise Http404("No such user.")
        courses = selectors.student_progress(request.user, student)
        return Response(StudentProgressSerializer({"user": student, "courses": courses}).data)


# Discussions


@extend_schema(tags=["discussions"])
class ThreadListView(generics.ListAPIView):
    """The course's threads, pinned first, then by latest activity; start one with POST."""

    serializer_class = ThreadSerializer
    pagination_class = Pages

    def get_queryset(self):
        self.course = selectors.get_member_course(self.request.user, self.kwargs["code"])
        # Explicit: Meta.ordering is dropped from a query with GROUP BY (the post count).
        return selectors.course_threads(self.course).order_by(*Thread._meta.ordering)

    @extend_schema(request=ThreadInputSerializer, responses={201: ThreadDetailSerializer})
    def post(self, request, code):
        course = selectors.get_member_course(request.user, code)
        data = ThreadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = ThreadForm(data=data.validated_data, lessons=selectors.visible_lessons(request.user, course))
        if not form.is_valid():
            raise DjangoValidationError(form.errors.as_data())
        thread = _posting(
            learning_services.start_thread,
            author=request.user,
            course=course,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            lesson=form.cleaned_data["lesson"],
        )
        return Response(_thread_detail(course, thread.pk), status=status.HTTP_201_CREATED)


def _thread_detail(course, pk: int) -> dict:
    thread = selectors.course_threads(course).get(pk=pk)
    posts, stack = [], list(reversed(selectors.thread_posts(thread)))
    while stack:  # the tree, depth first: each reply right after the post it answers
        post = stack.pop()
        posts.append(post)
        stack.extend(reversed(post.children))
    thread.posts_in_order = posts
    return ThreadDetailSerializer(thread).data


@extend_schema(tags=["discussions"])
class ThreadDetailView(APIView):
    """A thread with its posts; reply with POST."""

    @extend_schema(responses=ThreadDetailSerializer)
    def get(self, request, code, pk):
        course = selectors.get_member_course(request.user, code)
        thread = selectors.get_thread(course, pk)
        return Response(_thread_detail(course, thread.pk))

    @extend_schema(
        operation_id="courses_discussions_reply", request=ReplyInputSerializer, responses={201: ThreadDetailSerializer}
    )
    def post(self, request, code, pk):
        course = selectors.get_member_course(request.user, code)
        thread = selectors.get_thread(course, pk)
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data["parent"] is not None:
            try:
                parent = selectors.get_post(thread, data.validated_data["parent"])
            except Http404 as missing:
                raise exceptions.ValidationError({"parent": ["Not a post of this thread."]}) from missing
        _posting(
            learning_services.reply, author=request.user, thread=thread, body=data.validated_data["body"], parent=parent
        )
        return Response(_thread_detail(course, thread.pk), status=status.HTTP_201_CREATED)


# Reports


@extend_schema(tags=["reports"])
class CompletionReportView(APIView):
    """Per course: subscribers, how many of them completed it, and the rate. Admins get every
    course, instructors their own. ?format=csv for a spreadsheet."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "csv"], description="csv: a CSV file.")],
        responses={(200, "application/json"): CompletionRowSerializer(many=True), (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        if not (request.user.is_site_admin or request.user.is_instructor):
            raise PermissionDenied("Reports are for instructors and administrators.")
        rows = CompletionRowSerializer(selectors.completion_report(request.user), many=True).data
        response = Response(rows)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = 'attachment; filename="course-completion.csv"'
        return response
