from django.urls import path

from . import views
from .delivery import views as delivery

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_read, name="mark_read"),
    path("<int:event_id>/", views.open_event, name="open"),
    path("<int:event_id>/read/", views.set_read, name="set_read"),
    path("preferences/", delivery.preferences_page, name="preferences"),
    path("unsubscribe/<str:token>/", delivery.unsubscribe, name="unsubscribe"),
    path("push/subscribe/", delivery.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", delivery.push_unsubscribe, name="push_unsubscribe"),
]
