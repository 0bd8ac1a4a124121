"""The courses app's models, one module per feature: the catalog (courses, resources, announcements,
subscriptions), learning (modules, lessons, progress, quizzes, assignments), discussions and the
analytics rollup."""

from .analytics import ActiveWeek, SiteActiveWeek
from .calendar import CalendarFeed
from .catalog import (
    Acknowledgement,
    Announcement,
    Course,
    Reminder,
    Resource,
    Subscription,
    course_code_validator,
    validate_upload_size,
)
from .discussions import Post, Thread
from .enrolment import Invitation, WaitlistEntry
from .learning import (
    Answer,
    Assignment,
    Attempt,
    Choice,
    CourseCompletion,
    Gradebook,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    Submission,
    embed_src,
)
from .payments import AllAccessPass, StripeCustomer, StripeEvent, Transaction

__all__ = [
    "Acknowledgement",
    "ActiveWeek",
    "AllAccessPass",
    "Announcement",
    "Answer",
    "Assignment",
    "Attempt",
    "CalendarFeed",
    "Choice",
    "Course",
    "CourseCompletion",
    "Gradebook",
    "Invitation",
    "Lesson",
    "LessonProgress",
    "Module",
    "Post",
    "Question",
    "Quiz",
    "Reminder",
    "Resource",
    "SiteActiveWeek",
    "StripeCustomer",
    "StripeEvent",
    "Submission",
    "Subscription",
    "Thread",
    "Transaction",
    "WaitlistEntry",
    "course_code_validator",
    "embed_src",
    "validate_upload_size",
]
