"""Discussion endpoints: a course's threads and a thread with its posts, with their shapes. Membership
comes first (get_member_course), then the discussions services decide; their refusals become API
errors (429 for the post rate)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..forms.discussions import ThreadForm
from ..models import Post, Thread
from ..models.discussions import MAX_POST_LENGTH
from .pagination import Pages
from .shared import PersonSerializer


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


class PostingTooFast(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "You are posting too quickly."
    default_code = "rate_limited"


def _posting(call, **kwargs):
    """Run a discussion service; its refusals become API errors (429 for the post rate)."""
    try:
        return call(**kwargs)
    except services.RateLimited as too_fast:
        raise PostingTooFast(" ".join(too_fast.messages)) from too_fast


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
            services.start_thread,
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
        _posting(services.reply, author=request.user, thread=thread, body=data.validated_data["body"], parent=parent)
        return Response(_thread_detail(course, thread.pk), status=status.HTTP_201_CREATED)
