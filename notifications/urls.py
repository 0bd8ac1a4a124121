from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_read, name="mark_read"),
    path("<int:event_id>/", views.open_event, name="open"),
    path("<int:event_id>/read/", views.set_read, name="set_read"),
]
