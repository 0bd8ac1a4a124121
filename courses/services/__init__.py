"""Every write of the courses app, one module per feature: catalog, learning, discussions. Pages,
the admin, the API and commands call these (never a model's save for a multi-row write); each
service's docstring names the events it causes. Re-exported here so callers say `services.subscribe`."""

from .calendar import reset_calendar_feed, revoke_calendar_feed
from .catalog import (
    add_resource,
    mark_course_viewed,
    post_announcement,
    save_announcement,
    save_course,
    save_resource,
    set_published,
    subscribe,
    unsubscribe,
)
from .discussions import (
    RateLimited,
    check_post_rate,
    edit_post,
    moderate_thread,
    remove_post,
    rename_thread,
    reply,
    start_thread,
)
from .learning import (
    CompletesOnSubmission,
    close_expired_attempts,
    complete_lesson,
    grade_submission,
    record_lesson_view,
    save_content,
    start_attempt,
    submit_assignment,
    submit_attempt,
)

__all__ = [
    "CompletesOnSubmission",
    "RateLimited",
    "add_resource",
    "check_post_rate",
    "close_expired_attempts",
    "complete_lesson",
    "edit_post",
    "grade_submission",
    "mark_course_viewed",
    "moderate_thread",
    "post_announcement",
    "record_lesson_view",
    "remove_post",
    "rename_thread",
    "reply",
    "reset_calendar_feed",
    "revoke_calendar_feed",
    "save_announcement",
    "save_content",
    "save_course",
    "save_resource",
    "set_published",
    "start_attempt",
    "start_thread",
    "submit_assignment",
    "submit_attempt",
    "subscribe",
    "unsubscribe",
]
