"""Learning endpoints: lessons and their files, progress, and the completion report, with their shapes.
Membership comes first (get_member_course: a 404 for non-members, as on the pages), then the learning
selectors and services decide the rest."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from lms_site.api_errors import Conflict

from .. import files, permissions, selectors, services
from ..models import (
    Course,
    CourseCompletion,
    Lesson,
    LessonProgress,
    Module,
)
from .renderers import CSVRenderer
from .shared import NULLABLE_URI, PersonSerializer, absolute


class ModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Module
        fields = ("id", "title", "position")
        read_only_fields = fields


class LessonSerializer(serializers.ModelSerializer):
    """A lesson the caller may see (members only: drafts and unreleased lessons for teachers only),
    with the addresses of its content."""

    module = ModuleSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=Lesson.Kind.choices, read_only=True)
    completed = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField(help_text="The video file, in byte ranges.")
    embed_url = serializers.SerializerMethodField(help_text="A YouTube or Vimeo player address.")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = (
            "id",
            "title",
            "kind",
            "module",
            "position",
            "is_published",
            "release_at",
            "body",
            "completed",
            "page_url",
            "video_url",
            "embed_url",
            "file_url",
        )
        read_only_fields = fields

    def _api_url(self, lesson: Lesson, name: str) -> str:
        path = reverse(f"api:{name}", args=[self.context["course"].code, lesson.pk])
        return absolute(self.context.get("request"), path)

    def get_completed(self, lesson: Lesson) -> bool:
        return lesson.pk in self.context["completed_ids"]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_page_url(self, lesson: Lesson) -> str:
        path = reverse("courses:lesson", args=[self.context["course"].code, lesson.pk])
        return absolute(self.context.get("request"), path)

    @extend_schema_field(NULLABLE_URI)
    def get_video_url(self, lesson: Lesson) -> str | None:
        return self._api_url(lesson, "lesson-video") if lesson.video else None

    @extend_schema_field(NULLABLE_URI)
    def get_embed_url(self, lesson: Lesson) -> str | None:
        return lesson.embed_src

    @extend_schema_field(NULLABLE_URI)
    def get_file_url(self, lesson: Lesson) -> str | None:
        return self._api_url(lesson, "lesson-file") if lesson.file else None


class ProgressInputSerializer(serializers.Serializer):
    completed = serializers.BooleanField(
        required=False, default=True, help_text="true: the lesson is done (the default); false: just viewed."
    )


class ProgressSerializer(serializers.ModelSerializer):
    lesson = serializers.IntegerField(source="lesson_id", read_only=True)
    course_completed = serializers.BooleanField(read_only=True, help_text="Has the caller completed the course?")

    class Meta:
        model = LessonProgress
        fields = ("lesson", "first_viewed_at", "last_viewed_at", "completed_at", "course_completed")
        read_only_fields = fields


class CourseProgressSerializer(serializers.Serializer):
    course = serializers.CharField(source="course.code")
    title = serializers.CharField(source="course.title")
    total = serializers.IntegerField(help_text="Released lessons.")
    done = serializers.IntegerField(help_text="Of those, completed.")
    percent = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True, help_text="When the course was completed.")


class StudentProgressSerializer(serializers.Serializer):
    user = PersonSerializer()
    courses = CourseProgressSerializer(many=True)


class CompletionRowSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="code", read_only=True)
    instructor = serializers.CharField(source="instructor.username", read_only=True)
    subscribers = serializers.IntegerField(read_only=True)
    completed = serializers.IntegerField(read_only=True)
    completion_rate = serializers.SerializerMethodField(help_text="completed / subscribers, 0 to 1.")

    class Meta:
        model = Course
        fields = ("course", "title", "instructor", "is_published", "subscribers", "completed", "completion_rate")
        read_only_fields = fields

    def get_completion_rate(self, course: Course) -> float:
        return round(course.completed / course.subscribers, 4) if course.subscribers else 0.0


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
        return files.serve(request._request, stored, inline=self.field == "video")


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
        lesson = selectors.get_lesson_by_id_for_user(request.user, lesson_id)
        course = lesson.module.course
        with transaction.atomic():
            progress = services.record_lesson_view(student=request.user, lesson=lesson)
            if data.validated_data["completed"]:
                try:
                    services.complete_lesson(student=request.user, lesson=lesson)
                except services.CompletesOnSubmission as error:
                    raise Conflict(" ".join(error.messages)) from error
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
        if not (permissions.is_site_admin(request.user) or request.user.is_instructor):
            raise PermissionDenied("Reports are for instructors and administrators.")
        rows = CompletionRowSerializer(selectors.completion_report(request.user), many=True).data
        response = Response(rows)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = 'attachment; filename="course-completion.csv"'
        return response
