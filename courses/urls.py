from django.urls import path

from .views import catalog as views
from .views import learning

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("courses/", views.catalog, name="catalog"),
    path("courses/<str:code>/", views.course_detail, name="detail"),
    path("courses/<str:code>/subscribe/", views.subscribe, name="subscribe"),
    path("courses/<str:code>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("courses/<str:code>/resources/<int:pk>/", views.resource, name="resource"),
    # Learning: members only (404 for everyone else).
    path("courses/<str:code>/learn/", learning.outline, name="outline"),
    path("courses/<str:code>/lessons/<int:pk>/", learning.lesson, name="lesson"),
    path("courses/<str:code>/lessons/<int:pk>/complete/", learning.lesson_complete, name="lesson_complete"),
    path("courses/<str:code>/lessons/<int:pk>/video/", learning.lesson_media, name="lesson_media"),
    path("courses/<str:code>/lessons/<int:pk>/file/", learning.lesson_file, name="lesson_file"),
    path("courses/<str:code>/lessons/<int:pk>/quiz/start/", learning.quiz_start, name="quiz_start"),
    path("courses/<str:code>/lessons/<int:pk>/submit/", learning.assignment_submit, name="assignment_submit"),
    path("courses/<str:code>/attempts/<int:pk>/", learning.attempt, name="attempt"),
    path("courses/<str:code>/submissions/<int:pk>/file/", learning.submission_file, name="submission_file"),
    path("courses/<str:code>/grades/", learning.grades, name="grades"),
    path("courses/<str:code>/discussions/", learning.threads, name="threads"),
    path("courses/<str:code>/discussions/<int:pk>/", learning.thread, name="thread"),
    path("courses/<str:code>/discussions/<int:pk>/moderate/", learning.thread_moderate, name="thread_moderate"),
    path("courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/", learning.post_fragment, name="post"),
    path("courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/edit/", learning.post_edit, name="post_edit"),
    path(
        "courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/remove/",
        learning.post_remove,
        name="post_remove",
    ),
]
