"""The unread rule's facts for events written before it (what notifications/signals.py now writes):
a teacher's joins, submissions, completions and course posts are grouped for them; a released
lesson is not news to its course's teacher; the course copy of a reply is not news to the author
replied to (who has a copy with the same url on their own topic)."""

from django.db import migrations

GROUPED_ON_TEACHER_TOPIC = ("subscription", "assignment_submitted", "course_completed")


def backfill(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Event = apps.get_model("notifications", "Event")
    for course_id, code, teacher_id in Course.objects.values_list("id", "code", "instructor_id").iterator():
        events = Event.objects.filter(course_id=course_id)
        events.filter(kind__in=GROUPED_ON_TEACHER_TOPIC, topic=f"user:{teacher_id}").update(group_for_id=teacher_id)
        events.filter(kind="discussion_post", topic=f"course:{code}").update(group_for_id=teacher_id)
        events.filter(kind="new_lesson").update(quiet_for_id=teacher_id)
    personal_copies = Event.objects.filter(kind="discussion_post", topic__startswith="user:")
    for topic, url in personal_copies.values_list("topic", "payload__url").iterator():
        if url:
            course_copies = Event.objects.filter(kind="discussion_post", topic__startswith="course:", payload__url=url)
            course_copies.update(quiet_for_id=int(topic.split(":", 1)[1]))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_unread_rule_and_read_marks"),
        ("courses", "0004_course_first_published_at"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
