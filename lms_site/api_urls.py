"""/api/v1/: every app's endpoints, the OpenAPI schema and its interactive docs (assets served by
the app itself, from drf-spectacular-sidecar: they work offline). Any other path under /api/v1/
answers a JSON 404. (No Redoc page: its template loads fonts from Google.)"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from notifications import api as notifications_api

from .api_errors import not_found

app_name = "api"

urlpatterns = [
    path("auth/register", accounts_api.RegisterView.as_view(), name="register"),
    path("auth/token", accounts_api.TokenView.as_view(), name="token"),
    path("", include("courses.api.urls")),
    path("events", notifications_api.EventListView.as_view(), name="events"),
    path("events/unread", notifications_api.UnreadView.as_view(), name="events-unread"),
    path("events/read", notifications_api.ReadAllView.as_view(), name="events-read"),
    path("events/<int:event_id>/read", notifications_api.EventReadView.as_view(), name="event-read"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^[\s\S]*$", not_found),  # [\s\S], not ".": a path may hold a newline
]
