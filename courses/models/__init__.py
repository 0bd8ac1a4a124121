"""The courses app's models, one module per feature: the catalog (courses, resources, announcements,
subscriptions), learning (modules, lessons, progress, quizzes, assignments) and discussions."""

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

__all__ = [
    "Acknowledgement",
    "Announcement",
    "Answer",
    "Assignment",
    "Attempt",
    "CalendarFeed",
    "Choice",
    "Course",
    "CourseCompletion",
    "Gradebook",
    "Lesson",
    "LessonProgress",
    "Module",
    "Post",
    "Question",
    "Quiz",
    "Reminder",
    "Resource",
    "Submission",
    "Subscription",
    "Thread",
    "course_code_validator",
    "embed_src",
    "validate_upload_size",
]
