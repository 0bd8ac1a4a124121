"""Topic names users know, and the Channels group each maps to.

Channels group names must match [a-zA-Z0-9._-], so the ':' of a topic becomes '.' in its group.
"""

ALL_COURSES = "all_courses"
SYSTEM_EVENTS = "system_events"
STAFF = "staff"


def course_topic(code: str) -> str:
    return f"course:{code}"


def user_topic(user_id: int) -> str:
    return f"user:{user_id}"


def group_for(topic: str) -> str:
    return topic.replace(":", ".")
