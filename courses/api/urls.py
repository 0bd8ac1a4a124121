from django.urls import path

from . import views

urlpatterns = [
    path("courses", views.CourseListView.as_view(), name="course-list"),
    path("courses/<str:code>", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<str:code>/resources", views.ResourceListView.as_view(), name="resource-list"),
    path("courses/<str:code>/resources/<int:pk>/file", views.ResourceFileView.as_view(), name="resource-file"),
    path("courses/<str:code>/announcements", views.AnnouncementListView.as_view(), name="announcement-list"),
    path("enrollments/<str:code>", views.EnrollmentView.as_view(), name="enrollment"),
]
