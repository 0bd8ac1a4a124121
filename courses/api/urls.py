from django.urls import path

from . import learning, views

urlpatterns = [
    path("courses", views.CourseListView.as_view(), name="course-list"),
    path("courses/<str:code>", views.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<str:code>/resources", views.ResourceListView.as_view(), name="resource-list"),
    path("courses/<str:code>/resources/<int:pk>/file", views.ResourceFileView.as_view(), name="resource-file"),
    path("courses/<str:code>/announcements", views.AnnouncementListView.as_view(), name="announcement-list"),
    path("enrollments/<str:code>", views.EnrollmentView.as_view(), name="enrollment"),
    path("courses/<str:code>/lessons", learning.LessonListView.as_view(), name="lesson-list"),
    path("courses/<str:code>/lessons/<int:pk>/video", learning.LessonVideoView.as_view(), name="lesson-video"),
    path("courses/<str:code>/lessons/<int:pk>/file", learning.LessonFileView.as_view(), name="lesson-file"),
    path("progress/<int:lesson_id>", learning.ProgressView.as_view(), name="progress"),
    path("users/<int:user_id>/progress", learning.StudentProgressView.as_view(), name="user-progress"),
    path("courses/<str:code>/discussions", learning.ThreadListView.as_view(), name="thread-list"),
    path("courses/<str:code>/discussions/<int:pk>", learning.ThreadDetailView.as_view(), name="thread-detail"),
    path("admin/reports/course-completion", learning.CompletionReportView.as_view(), name="completion-report"),
]
