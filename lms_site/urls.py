from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from courses.admin.scoping import view_on_site
from lms_site.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Teaching and site administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the admin's own "view on site" shortcut, which would send any staff user anywhere.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    # Before the admin's own: its log-in page with the second step (accounts/views.py).
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include("lms_site.api_urls")),
    path("", include("accounts.privacy.urls")),  # /privacy/, /terms/, /accounts/data/...
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("courses.urls")),
]
