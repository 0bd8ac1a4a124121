"""GET /api/v1/events?after=<id>: the socket's authorised replay, over HTTP, for clients that cannot
hold a socket. The same selector decides what a user may see (replay_after over membership_for),
and each item is the same message the socket sends (event_message)."""

from django.conf import settings
from django.http import Http404
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .rendering import event_messages
from .selectors import membership_for, replay_after

DEFAULT_LIMIT = 50


class EventQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**63 - 1)
    limit = serializers.IntegerField(required=False, default=DEFAULT_LIMIT, min_value=1, max_value=500)


class EventSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    kind = serializers.CharField()
    topic = serializers.CharField()
    created_at = serializers.DateTimeField()
    data = serializers.DictField(help_text="title, url, summary; course_code and course_title for course events.")
    not_for = serializers.ListField(
        child=serializers.IntegerField(), help_text="Users for whom it is not unread (who did it; who has their copy)."
    )
    group_for = serializers.IntegerField(
        allow_null=True, help_text="The user for whom it counts unread once per `group` (course and kind)."
    )
    group = serializers.CharField(help_text="`<course id>:<kind>` when grouped, else empty.")
    html = serializers.CharField(help_text="The feed item, rendered as the pages render it.")
    parts = serializers.ListField(
        child=serializers.DictField(),
        help_text="Live parts of open pages this event changes: key, html (empty: removed), list, sort, add_only.",
    )


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    last_id = serializers.IntegerField(help_text="Pass it as `after` next time (the cursor).")
    has_more = serializers.BooleanField()
    next = serializers.URLField(allow_null=True, help_text="The next page, while there is more.")


class EventListView(APIView):
    """Events you may see with an id greater than `after`, oldest first. Poll with the returned
    `last_id`; `next` is set while more are waiting."""

    @extend_schema(
        tags=["events"],
        parameters=[
            OpenApiParameter("after", int, description="The last event id you have (0: from the start)."),
            OpenApiParameter("limit", int, description=f"At most this many (1-500, default {DEFAULT_LIMIT})."),
        ],
        responses=EventPageSerializer,
    )
    def get(self, request):
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        limit = min(limit, settings.ACTIVITY_REPLAY_LIMIT)
        events = replay_after(membership_for(request.user), after, limit)
        has_more = len(events) > limit
        events = events[:limit]
        last_id = events[-1].pk if events else after
        next_url = None
        if has_more:
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode({'after': last_id, 'limit': limit})}")
        return Response(
            {
                "results": event_messages(events),
                "last_id": last_id,
                "has_more": has_more,
                "next": next_url,
            }
        )


# Read state: the same services as the pages (notifications/services.py); every change reaches the
# user's open tabs (the socket's `read` message).


class ReadStateSerializer(serializers.Serializer):
    last_read = serializers.IntegerField(help_text="Events up to this id are read, but those marked unread.")
    unread = serializers.IntegerField(help_text=f"Unread items, up to {selectors.UNREAD_CAP}; a group counts once.")
    groups = serializers.ListField(
        child=serializers.CharField(), help_text="Unread groups (`<course id>:<kind>`): a teacher's activity."
    )
    unread_ids = serializers.ListField(child=serializers.IntegerField(), help_text="Unread single events.")


class ReadInputSerializer(serializers.Serializer):
    read = serializers.BooleanField(default=True, help_text="false: keep it unread.")


def _state(user) -> dict:
    return ReadStateSerializer(selectors.read_state(user)).data


class UnreadView(APIView):
    """What is unread for you, by the rule the pages follow (docs/architecture.md, "The unread rule")."""

    @extend_schema(tags=["events"], responses=ReadStateSerializer)
    def get(self, request):
        return Response(_state(request.user))


class ReadAllView(APIView):
    """Mark everything read."""

    @extend_schema(tags=["events"], request=None, responses=ReadStateSerializer)
    def post(self, request):
        services.mark_all_read(user=request.user)
        return Response(_state(request.user))


class EventReadView(APIView):
    """Mark one event you may see read (the default) or unread."""

    @extend_schema(tags=["events"], request=ReadInputSerializer, responses=ReadStateSerializer)
    def put(self, request, event_id):
        data = ReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = selectors.news_for(request.user).filter(pk=event_id).first()
        if event is None:
            raise Http404("No such event.")
        if data.validated_data["read"]:
            services.mark_read(user=request.user, events=[event])
        else:
            services.mark_unread(user=request.user, event=event)
        return Response(_state(request.user))
