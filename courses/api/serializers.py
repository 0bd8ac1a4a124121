"""Shapes of the courses API. Output serializers read what the selectors fetched; they run no
permission logic of their own beyond hiding content from non-members, as the course page does."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User

from ..models import Announcement, Course, Resource, Subscription


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
