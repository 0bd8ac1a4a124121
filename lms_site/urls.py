from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lms_site.health import healthz

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Teaching and site administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("lms_site.api_urls")),
    path("", include("accounts.privacy.urls")),  # /privacy/, /terms/, /accounts/data/...
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("courses.urls")),
]
