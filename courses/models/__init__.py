"""The courses app's models, one module per area: the catalog (courses, resources, announcements,
subscriptions), and the learning parts added beside it."""

from .catalog import (
    Announcement,
    Course,
    Resource,
    Subscription,
    course_code_validator,
    validate_upload_size,
)

__all__ = [
    "Announcement",
    "Course",
    "Resource",
    "Subscription",
    "course_code_validator",
    "validate_upload_size",
]
