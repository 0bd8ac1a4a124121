from django.urls import path, re_path

from . import files
from .views import calendar, catalog, discussions, learning, payments, search

app_name = "courses"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("dashboard/", catalog.dashboard, name="dashboard"),
    path("courses/", catalog.catalog, name="catalog"),
    # What is due: the calendar, and the personal iCalendar feed (a secret address, no session).
    path("calendar/", calendar.month, name="calendar"),
    path("calendar/agenda/", calendar.agenda, name="agenda"),
    path("calendar/feed/reset/", calendar.feed_reset, name="calendar_feed_reset"),
    path("calendar/feed/revoke/", calendar.feed_revoke, name="calendar_feed_revoke"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", calendar.feed, name="calendar_feed"),
    path("courses/<str:code>/", catalog.course_detail, name="detail"),
    path("courses/<str:code>/subscribe/", catalog.subscribe, name="subscribe"),
    path("courses/<str:code>/unsubscribe/", catalog.unsubscribe, name="unsubscribe"),
    path("courses/<str:code>/resources/<int:pk>/", catalog.resource, name="resource"),
    # Payments (courses/views/payments.py): buying, paying, receipts, the plan, Stripe's webhook.
    path("courses/<str:code>/buy/", payments.buy, name="buy"),
    path("payments/", payments.overview, name="payments"),
    path("payments/<int:pk>/pay/", payments.pay_page, name="pay"),
    path("payments/<int:pk>/confirm/", payments.pay_confirm, name="pay_confirm"),
    path("payments/<int:pk>/return/", payments.payment_return, name="payment_return"),
    path("payments/<int:pk>/receipt/", payments.receipt, name="receipt"),
    path("payments/plan/", payments.plan_page, name="plan"),
    path("payments/plan/start/", payments.plan_start, name="plan_start"),
    path("payments/plan/cancel/", payments.plan_cancel, name="plan_cancel"),
    path("payments/stripe/webhook/", payments.webhook, name="stripe_webhook"),
    path(
        "courses/<str:code>/announcements/<int:pk>/acknowledge/", catalog.acknowledge, name="acknowledge_announcement"
    ),
    path("acknowledge/<str:token>/", catalog.acknowledge_by_link, name="acknowledge_by_link"),
    path("invitations/<str:token>/", catalog.invitation, name="invitation"),
    path("courses/<str:code>/search/", search.course_search, name="course_search"),
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
    path("grades/", learning.all_grades, name="all_grades"),
    # User files on the separate files origin (USER_FILES_ORIGIN): a signed link, no session.
    path("files/<str:token>/<str:name>", files.signed_file, name="user_file"),
    path("courses/<str:code>/discussions/", discussions.threads, name="threads"),
    path("courses/<str:code>/discussions/<int:pk>/", discussions.thread, name="thread"),
    path("courses/<str:code>/discussions/<int:pk>/moderate/", discussions.thread_moderate, name="thread_moderate"),
    path("courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/", discussions.post_fragment, name="post"),
    path(
        "courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/edit/", discussions.post_edit, name="post_edit"
    ),
    path(
        "courses/<str:code>/discussions/<int:thread_pk>/posts/<int:pk>/remove/",
        discussions.post_remove,
        name="post_remove",
    ),
]
