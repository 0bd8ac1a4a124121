"""Shapes of the courses API. Output serializers read what the selectors fetched; they run no
permission logic of their own beyond hiding content from non-members, as the course page does."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User

from ..models import Announcement, Course, Lesson, LessonProgress, Module, Post, Resource, Subscription, Thread
from ..models.discussions import MAX_POST_LENGTH


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "name")
        read_only_fields = fields


NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class CourseSerializer(serializers.ModelSerializer):
    instructor = PersonSerializer(read_only=True)
    subscriber_count = serializers.IntegerField(read_only=True)
    is_subscribed = serializers.BooleanField(read_only=True, help_text="Is the caller subscribed?")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = (
            "code",
            "title",
            "description",
            "instructor",
            "is_published",
            "created_at",
            "subscriber_count",
            "is_subscribed",
            "page_url",
        )
        read_only_fields = fields

    def get_page_url(self, course: Course) -> str:
        return absolute(self.context.get("request"), course.get_absolute_url())


class CourseDetailSerializer(CourseSerializer):
    is_member = serializers.BooleanField(
        source="caller_is_member", read_only=True, help_text="May the caller read the course's content?"
    )

    class Meta(CourseSerializer.Meta):
        fields = (*CourseSerializer.Meta.fields, "is_member")
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    """Everyone who can see the course sees titles and kinds; members also get the content."""

    kind = serializers.ChoiceField(choices=Resource.Kind.choices, read_only=True)
    link = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = ("id", "title", "kind", "created_at", "link", "text", "file_url")
        read_only_fields = fields

    @property
    def _is_member(self) -> bool:
        return bool(self.context.get("is_member"))

    @extend_schema_field(NULLABLE_URI)
    def get_link(self, resource: Resource) -> str | None:
        return resource.url if self._is_member and resource.url else None

    def get_text(self, resource: Resource) -> str | None:
        return resource.body if self._is_member and resource.kind == Resource.Kind.TEXT else None

    @extend_schema_field(NULLABLE_URI)
    def get_file_url(self, resource: Resource) -> str | None:
        if not (self._is_member and resource.file):
            return None
        path = reverse("api:resource-file", args=[self.context["course"].code, resource.pk])
        return absolute(self.context.get("request"), path)


class AnnouncementSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Announcement
        fields = ("id", "title", "body", "author", "created_at")
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.code", read_only=True)
    subscribed = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ("course", "subscribed", "subscribed_at")
        read_only_fields = fields

    def get_subscribed(self, subscription: Subscription) -> bool:
        return True


# Learning: lessons, progress, discussions, reports.


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


class PostSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    body = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ("id", "parent", "author", "body", "created_at", "edited_at", "is_removed")
        read_only_fields = fields

    def get_body(self, post: Post) -> str:
        return "" if post.is_removed else post.body


class ThreadSerializer(serializers.ModelSerializer):
    author = PersonSerializer(read_only=True, allow_null=True)
    lesson = serializers.IntegerField(source="lesson_id", read_only=True, allow_null=True)
    post_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Thread
        fields = (
            "id",
            "title",
            "lesson",
            "author",
            "is_pinned",
            "is_locked",
            "created_at",
            "last_activity_at",
            "post_count",
        )
        read_only_fields = fields


class ThreadDetailSerializer(ThreadSerializer):
    posts = PostSerializer(
        source="posts_in_order", many=True, read_only=True, help_text="Each reply follows the post it answers."
    )

    class Meta(ThreadSerializer.Meta):
        fields = (*ThreadSerializer.Meta.fields, "posts")
        read_only_fields = fields


class ThreadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=MAX_POST_LENGTH)
    lesson = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_POST_LENGTH)
    parent = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        default=None,
        help_text="The post replied to (default: the first).",
    )


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
