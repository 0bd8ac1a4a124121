from django.urls import path

from .views import catalog as views

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("courses/", views.catalog, name="catalog"),
    path("courses/<str:code>/", views.course_detail, name="detail"),
    path("courses/<str:code>/subscribe/", views.subscribe, name="subscribe"),
    path("courses/<str:code>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("courses/<str:code>/resources/<int:pk>/", views.resource, name="resource"),
]
