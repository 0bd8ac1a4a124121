"""Catalog endpoints: courses, resources, announcements and enrollments. Each view fetches through a
selector (which carries the permission and the 404) and writes through a service, as the pages do."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lms_site.api_errors import Conflict, ErrorSerializer

from .. import selectors, services
from ..models import Subscription
from .pagination import Pages
from .serializers import (
    AnnouncementSerializer,
    CourseDetailSerializer,
    CourseSerializer,
    EnrollmentSerializer,
    ResourceSerializer,
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
            OpenApiParameter("search", str, description="Text in the code or title."),
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
        courses = selectors.catalog(user, values["search"].strip())
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
        course.caller_is_member = course.is_subscribed or course.is_member(request.user)
        return Response(CourseDetailSerializer(course, context={"request": request}).data)


@extend_schema(tags=["courses"])
class ResourceListView(generics.ListAPIView):
    """Titles and kinds for everyone who can see the course; the content for its members."""

    permission_classes = [AllowAny]
    serializer_class = ResourceSerializer
    pagination_class = Pages

    def get_queryset(self):
        self.course = selectors.get_course_for_user(self.request.user, self.kwargs["code"])
        return selectors.course_resources(self.course)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "course"):
            context |= {"course": self.course, "is_member": self.course.is_member(self.request.user)}
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
        try:
            handle = resource.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("The file is missing.") from missing
        return FileResponse(handle, as_attachment=True, filename=resource.file.name.rsplit("/", 1)[-1])


@extend_schema(tags=["courses"])
class AnnouncementListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = AnnouncementSerializer
    pagination_class = Pages

    def get_queryset(self):
        course = selectors.get_course_for_user(self.request.user, self.kwargs["code"])
        return selectors.course_announcements(course)


@extend_schema(tags=["enrollments"])
class EnrollmentView(APIView):
    """Subscribe to a course (POST) or leave it (DELETE). Both are idempotent."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(EnrollmentSerializer, description="Already subscribed."),
            201: OpenApiResponse(EnrollmentSerializer, description="Subscribed."),
            409: OpenApiResponse(ErrorSerializer, description="Not open for subscription, or you teach it."),
        },
    )
    def post(self, request, code):
        course = selectors.get_course_for_user(request.user, code)
        try:
            subscription, created = services.subscribe(user=request.user, course=course)
        except DjangoValidationError as refused:
            raise Conflict(" ".join(refused.messages)) from refused
        return Response(
            EnrollmentSerializer(subscription).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, code):
        course = selectors.get_course_for_user(request.user, code)
        services.unsubscribe(user=request.user, course=course)
        return Response(status=status.HTTP_204_NO_CONTENT)
