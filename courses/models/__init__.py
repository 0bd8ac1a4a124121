"""The courses app's models, one module per area: the catalog (courses, resources, announcements,
subscriptions), and the learning parts added beside it."""

from .assignments import Assignment, Submission
from .catalog import (
    Announcement,
    Course,
    Resource,
    Subscription,
    course_code_validator,
    validate_upload_size,
)
from .content import CourseCompletion, Lesson, LessonProgress, Module, embed_src
from .discussions import Post, Thread
from .quizzes import Answer, Attempt, Choice, Gradebook, Question, Quiz

__all__ = [
    "Announcement",
    "Answer",
    "Assignment",
    "Attempt",
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
    "Resource",
    "Submission",
    "Subscription",
    "Thread",
    "course_code_validator",
    "embed_src",
    "validate_upload_size",
]
