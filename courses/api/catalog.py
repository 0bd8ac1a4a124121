"""Catalog endpoints: courses, resources, announcements and enrollments, with their shapes. Each view
fetches through a selector (which carries the permission and the 404) and writes through a service, as
the pages do. Output serializers read what the selectors fetched; they hide content from non-members
as the course page does and decide nothing else."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms_site.api_errors import Conflict, ErrorSerializer

from .. import files, permissions, selectors, services
from ..models import Announcement, Course, Resource, Subscription, WaitlistEntry
from .pagination import Pages
from .shared import NULLABLE_URI, PersonSerializer, absolute


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
            "price",
            "currency",
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


class WaitlistSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.code", read_only=True)
    subscribed = serializers.SerializerMethodField()
    waitlisted = serializers.SerializerMethodField()
    position = serializers.IntegerField(read_only=True, help_text="1 for the first in line.")

    class Meta:
        model = WaitlistEntry
        fields = ("course", "subscribed", "waitlisted", "position", "joined_at")
        read_only_fields = fields

    def get_subscribed(self, entry: WaitlistEntry) -> bool:
        return False

    def get_waitlisted(self, entry: WaitlistEntry) -> bool:
        return True


class EnrolSerializer(serializers.Serializer):
    key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=128,
        default="",
        help_text="The course's enrolment key, if it has one.",
    )


class CourseFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    instructor = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    subscribed = serializers.BooleanField(required=False, default=False)


def _subscribed_flag(user):
    if not user.is_authenticated:
        return Exists(Subscription.objects.none())
    return Exists(Subscription.objects.filter(course=OuterRef("pk"), student=user))


@extend_schema(tags=["courses"])
class CourseListView(generics.ListAPIView):
    """The catalog: published courses, plus your own drafts (admins see all), newest code order."""

    permission_classes = [AllowAny]
    serializer_class = CourseSerializer
    pagination_class = Pages

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Words in the code, title, description or instructor's name (full-text, every word,"
                " the last one as a prefix); results best first.",
            ),
            OpenApiParameter("instructor", str, description="The instructor's username."),
            OpenApiParameter("subscribed", bool, description="Only courses you are subscribed to (log-in needed)."),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = CourseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        user = self.request.user
        courses = selectors.catalog_courses(user, values["search"].strip())
        if values["instructor"]:
            courses = courses.filter(instructor__username=values["instructor"])
        if values["subscribed"]:
            if not user.is_authenticated:
                raise NotAuthenticated("Log in to list your subscriptions.")
            courses = courses.filter(subscriptions__student=user)
        return courses.annotate(is_subscribed=_subscribed_flag(user))


@extend_schema(tags=["courses"])
class CourseDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailSerializer)
    def get(self, request, code):
        course = selectors.get_course_for_user(request.user, code)
        course.subscriber_count = course.subscriptions.count()
        course.is_subscribed = selectors.subscription_for(request.user, course) is not None
        course.caller_is_member = course.is_subscribed or permissions.is_member(request.user, course)
        return Response(CourseDetailSerializer(course, context={"request": request}).data)


class CourseRowsView(generics.ListAPIView):
    """A list of one course's rows, for everyone who may see the course (404 otherwise)."""

    permission_classes = [AllowAny]
    pagination_class = Pages

    def get_queryset(self):
        self.course = selectors.get_course_for_user(self.request.user, self.kwargs["code"])
        return self.rows(self.course)


@extend_schema(tags=["courses"])
class ResourceListView(CourseRowsView):
    """Titles and kinds for everyone who can see the course; the content for its members."""

    serializer_class = ResourceSerializer
    rows = staticmethod(selectors.course_resources)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "course"):
            context |= {"course": self.course, "is_member": permissions.is_member(self.request.user, self.course)}
        return context


@extend_schema(tags=["courses"])
class ResourceFileView(APIView):
    """A file resource's file, for members of the course."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
        }
    )
    def get(self, request, code, pk):
        course = selectors.get_member_course(request.user, code)
        resource = get_object_or_404(selectors.course_resources(course), pk=pk)
        if not resource.file:
            raise Http404("This resource has no file.")
        return files.serve(request._request, resource.file)


@extend_schema(tags=["courses"])
class AnnouncementListView(CourseRowsView):
    serializer_class = AnnouncementSerializer
    rows = staticmethod(selectors.course_announcements)


@extend_schema(tags=["enrollments"])
class EnrollmentView(APIView):
    """Subscribe to a course (POST) or leave it or its waiting list (DELETE). Both are idempotent.
    A full course puts the caller on its waiting list (202); a freed seat goes to the first in line."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=EnrolSerializer,
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    "Place", [EnrollmentSerializer, WaitlistSerializer], resource_type_field_name=None
                ),
                description="Already subscribed, or already on the waiting list.",
            ),
            201: OpenApiResponse(EnrollmentSerializer, description="Subscribed."),
            202: OpenApiResponse(WaitlistSerializer, description="The course is full: on its waiting list."),
            400: OpenApiResponse(ErrorSerializer, description="The enrolment key is missing or wrong (field `key`)."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not open for subscription (unpublished, not open yet, closed), or you teach it.",
            ),
        },
    )
    def post(self, request, code):
        course = selectors.get_course_for_user(request.user, code)
        body = EnrolSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            place, created = services.subscribe(user=request.user, course=course, key=body.validated_data["key"])
        except DjangoValidationError as refused:
            if refused.code in ("wrong_key", "key_required"):
                raise serializers.ValidationError({"key": refused.messages}) from refused
            raise Conflict(" ".join(refused.messages)) from refused
        if isinstance(place, WaitlistEntry):
            return Response(
                WaitlistSerializer(place).data, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
            )
        return Response(
            EnrollmentSerializer(place).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, code):
        course = selectors.get_course_for_user(request.user, code)
        services.unsubscribe(user=request.user, course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)
