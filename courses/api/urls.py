from django.urls import path

from . import catalog, discussions, learning, payments

urlpatterns = [
    path("courses", catalog.CourseListView.as_view(), name="course-list"),
    path("courses/<str:code>", catalog.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<str:code>/resources", catalog.ResourceListView.as_view(), name="resource-list"),
    path("courses/<str:code>/resources/<int:pk>/file", catalog.ResourceFileView.as_view(), name="resource-file"),
    path("courses/<str:code>/announcements", catalog.AnnouncementListView.as_view(), name="announcement-list"),
    path("enrollments/<str:code>", catalog.EnrollmentView.as_view(), name="enrollment"),
    path("courses/<str:code>/lessons", learning.LessonListView.as_view(), name="lesson-list"),
    path("courses/<str:code>/lessons/<int:pk>/video", learning.LessonVideoView.as_view(), name="lesson-video"),
    path("courses/<str:code>/lessons/<int:pk>/file", learning.LessonFileView.as_view(), name="lesson-file"),
    path("progress/<int:lesson_id>", learning.ProgressView.as_view(), name="progress"),
    path("users/<int:user_id>/progress", learning.StudentProgressView.as_view(), name="user-progress"),
    path("courses/<str:code>/discussions", discussions.ThreadListView.as_view(), name="thread-list"),
    path("courses/<str:code>/discussions/<int:pk>", discussions.ThreadDetailView.as_view(), name="thread-detail"),
    path("payments/checkout", payments.CheckoutView.as_view(), name="payment-checkout"),
    path("payments", payments.TransactionListView.as_view(), name="payment-list"),
    path("admin/reports/course-completion", learning.CompletionReportView.as_view(), name="completion-report"),
]
