"""Saved models become events. One job only: write the Event row in the same transaction and
schedule its publish after commit. No business rules live here. Saves that change what a user's
open sockets may do (membership, log-in) send control messages the same way."""

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from courses.models import Announcement, Course, Resource, Subscription

from . import control, sessions, topics
from .events import record, rewrite
from .models import Event

User = get_user_model()


@receiver(post_save, sender=Resource, dispatch_uid="event_new_resource")
def resource_added(sender, instance: Resource, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    course = instance.course
    fields = {
        "kind": Event.Kind.NEW_RESOURCE,
        "title": instance.title,
        "url": course.get_absolute_url() + f"#resource-{instance.pk}",
        "summary": f"New {instance.kind} in {course.code}",
        "course": course,
    }
    record(topic=topics.course_topic(course.code), **fields)
    if course.is_published:
        # Catalog news: the title and course are what the public course page shows anyway.
        record(topic=topics.ALL_COURSES, **fields)


@receiver(post_save, sender=Announcement, dispatch_uid="event_announcement")
def announcement_posted(sender, instance: Announcement, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    topic = topics.course_topic(instance.course.code) if instance.course_id else topics.SYSTEM_EVENTS
    record(
        kind=Event.Kind.ANNOUNCEMENT,
        topic=topic,
        title=instance.title,
        url=instance.get_absolute_url(),
        summary=instance.body,
        course=instance.course,
        actor=instance.author,
    )


@receiver(post_save, sender=Subscription, dispatch_uid="event_subscription")
def subscribed(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    course, student = instance.course, instance.student
    common = {"kind": Event.Kind.SUBSCRIPTION, "course": course, "actor": student, "url": course.get_absolute_url()}
    record(
        topic=topics.user_topic(course.instructor_id),
        title=f"{student.display_name()} joined {course.code}",
        group_for_id=course.instructor_id,
        **common,
    )
    record(topic=topics.user_topic(student.pk), title=f"Subscribed to {course.code}", summary=course.title, **common)
    control.membership_changed([student.pk])


@receiver(post_delete, sender=Subscription, dispatch_uid="membership_left")
def unsubscribed(sender, instance: Subscription, **kwargs):
    control.membership_changed([instance.student_id])


@receiver(post_save, sender=Course, dispatch_uid="event_course_published")
def course_saved(sender, instance: Course, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    # Announced once: republishing after an unpublish is not news (first_published_at is set once).
    if instance.was_first_published:
        record(
            kind=Event.Kind.COURSE_PUBLISHED,
            topic=topics.ALL_COURSES,
            title=f"New course: {instance.code}",
            summary=instance.title,
            url=instance.get_absolute_url(),
            course=instance,
            actor=instance.instructor,
        )
    # Whose sockets follow the course changes: a new course (or a new instructor) its instructor's;
    # publishing or unpublishing it its subscribers' (an unpublished course has no student members).
    # A former instructor stops following within one heartbeat, when the consumer re-reads
    # membership.
    followers = [instance.instructor_id]
    if not created and instance.is_published != bool(instance.saved_value("is_published")):
        followers += Subscription.objects.filter(course=instance).values_list("student_id", flat=True)
    control.membership_changed(followers)


@receiver(post_save, sender=User, dispatch_uid="event_user_registered")
def user_registered(sender, instance, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    try:
        url = reverse("admin:accounts_user_change", args=[instance.pk])
    except NoReverseMatch:  # the admin is not mounted: the event must not fail a registration
        url = ""
    record(
        kind=Event.Kind.USER_REGISTERED,
        topic=topics.STAFF,
        title=f"{instance.username} registered as {instance.get_role_display().lower()}",
        url=url,
        actor=instance,
    )


# Log-ins. An open socket outlives the request that authenticated it: a log-out, a password change
# (a new session auth hash logs out the other sessions) or a deactivation tells the user's sockets
# at once (notifications/sessions.py decides whether each still holds).

SESSION_FIELDS = ("password", "is_active")


@receiver(pre_save, sender=User, dispatch_uid="session_fields_before")
def remember_session_fields(sender, instance, raw: bool = False, update_fields=None, **kwargs):
    # One primary-key read, and only when a field a session depends on may be written: a log-in's
    # save of last_login names its fields and costs nothing.
    if raw or instance.pk is None or (update_fields is not None and not set(SESSION_FIELDS) & set(update_fields)):
        instance._session_fields_before = None
        return
    instance._session_fields_before = sender.objects.filter(pk=instance.pk).values_list(*SESSION_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="session_check")
def user_sessions_changed(sender, instance, created: bool, raw: bool = False, **kwargs):
    before = getattr(instance, "_session_fields_before", None)
    if raw or created or before is None:
        return
    if before != tuple(getattr(instance, name) for name in SESSION_FIELDS):
        control.session_check([instance.pk])


@receiver(user_logged_in, dispatch_uid="session_mark")
def logged_in(sender, request, user, **kwargs):
    sessions.mark(request.session)


@receiver(user_logged_out, dispatch_uid="session_ended")
def logged_out(sender, request, user, **kwargs):
    if user is not None and request.session.session_key:
        control.session_ended(user.pk, request.session.session_key)


@receiver(post_delete, sender="accounts.UserSession", dispatch_uid="session_logged_out_elsewhere")
def session_logged_out_elsewhere(sender, instance, **kwargs):
    """A session ended from the sessions page ("log out", "log out everywhere else"): its sockets
    close at once, like a log-out's, instead of at their next heartbeat."""
    control.session_ended(instance.user_id, instance.session_key)


@receiver(post_save, sender=Session, dispatch_uid="session_renewed")
def session_saved(sender, instance: Session, raw: bool = False, **kwargs):
    # Saved when a log-in writes to its session: at log-in, at a password change (under a new key),
    # rarely otherwise. Sessions of other engines than the database send nothing; their sockets
    # close at a password change like the other sessions'.
    if raw:
        return
    login = sessions.login_of(instance.get_decoded())
    if login is not None:
        control.session_renewed(login[0], login[1], instance.session_key)


# Learning and discussions (courses/models/learning.py, discussions.py). Senders are named lazily
# so this section needs no import of its own. Like Course, each model remembers what the database
# held before the save (saved_value, courses/models/tracking.py), so "just announced" and "just
# graded" need no extra query.


def _just_set(instance, field: str) -> bool:
    """The field holds a value now and held none in the database before this save."""
    return getattr(instance, field) is not None and instance.saved_value(field) is None


@receiver(post_save, sender="courses.Lesson", dispatch_uid="event_new_lesson")
def lesson_announced(sender, instance, raw: bool = False, **kwargs):
    # Fires when the lesson is released to students, which is not always when it is written.
    if raw or not _just_set(instance, "announced_at"):
        return
    course = instance.module.course
    summary = f"New {instance.get_kind_display().lower()} lesson in {instance.module.title}"
    record(
        kind=Event.Kind.NEW_LESSON,
        topic=topics.course_topic(course.code),
        course=course,
        summary=summary,
        title=instance.title,
        url=instance.get_absolute_url(),
        quiet_for_id=course.instructor_id,  # they wrote and released it: not news to them
    )


@receiver(post_save, sender="courses.Attempt", dispatch_uid="event_quiz_graded")
def quiz_graded(sender, instance, raw: bool = False, **kwargs):
    if raw or not _just_set(instance, "submitted_at"):
        return
    lesson = instance.quiz.lesson
    course = lesson.module.course
    record(
        kind=Event.Kind.GRADE_POSTED,
        topic=topics.user_topic(instance.student_id),
        title=f"{lesson.title}: {instance.score}/{instance.max_score}",
        url=reverse("courses:attempt", args=[course.code, instance.pk]),
        summary="Time ran out: the answers were not counted." if instance.expired else "Your quiz is graded.",
        course=course,
    )


@receiver(post_save, sender="courses.Submission", dispatch_uid="event_submission")
def submission_saved(sender, instance, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    lesson = instance.assignment.lesson
    course = lesson.module.course
    if created or instance.revision != instance.saved_value("revision"):
        record(
            kind=Event.Kind.ASSIGNMENT_SUBMITTED,
            topic=topics.user_topic(course.instructor_id),
            title=f"{instance.student.display_name()} submitted {lesson.title}",
            url=reverse("admin:courses_submission_change", args=[instance.pk]),
            summary="Late" if instance.is_late else "",
            course=course,
            actor=instance.student,
            group_for_id=course.instructor_id,
        )
    graded_changed = instance.points != instance.saved_value("points") or (
        instance.feedback != instance.saved_value("feedback")
    )
    if instance.points is not None and graded_changed:
        record(
            kind=Event.Kind.GRADE_POSTED,
            topic=topics.user_topic(instance.student_id),
            title=f"{lesson.title}: {instance.points}/{instance.assignment.max_points}",
            url=lesson.get_absolute_url(),
            summary=instance.feedback,
            course=course,
            actor=instance.graded_by,
        )


@receiver(post_save, sender="courses.CourseCompletion", dispatch_uid="event_course_completed")
def course_completed(sender, instance, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    course, student = instance.course, instance.student
    common = {"kind": Event.Kind.COURSE_COMPLETED, "course": course, "actor": student}
    record(
        topic=topics.user_topic(course.instructor_id),
        title=f"{student.display_name()} completed {course.code}",
        url=reverse("courses:outline", args=[course.code]),
        group_for_id=course.instructor_id,
        **common,
    )
    record(
        topic=topics.user_topic(student.pk),
        title=f"You completed {course.code}",
        summary=course.title,
        url=reverse("courses:outline", args=[course.code]),
        **common,
    )


@receiver(post_save, sender="courses.Post", dispatch_uid="event_discussion_post")
def discussion_posted(sender, instance, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    thread = instance.thread
    course = thread.course
    author = instance.author
    name = author.display_name() if author else "Someone"
    is_opening = instance.parent_id is None
    common = {
        "kind": Event.Kind.DISCUSSION_POST,
        "url": instance.get_absolute_url(),
        "summary": instance.body,
        "course": course,
        "actor": author,
    }
    title = f"New thread: {thread.title}" if is_opening else f"{name} replied in {thread.title}"
    parent = instance.parent
    replied_to = parent.author_id if parent is not None and parent.author_id != instance.author_id else None
    # The course's copy is grouped for its teacher, and is not news to the author replied to: their
    # own copy below is their one item (the unread rule, notifications/selectors.py).
    record(
        topic=topics.course_topic(course.code),
        title=title,
        quiet_for_id=replied_to,
        group_for_id=course.instructor_id,
        **common,
    )
    if replied_to:
        record(
            topic=topics.user_topic(parent.author_id), title=f"{name} replied to your post in {thread.title}", **common
        )


# A post's events quote its text (the summary) and its thread's title. When the post is edited the
# events quote the new text; when it is removed by a moderator (Post.remove, or the admin's flag)
# or deleted (with its thread, or in the admin) they stop quoting anything the post or thread said.


def _post_events(post, course_id: int | None):
    # The post's anchor ends the url of both of its events (the course's and the parent author's).
    events = Event.objects.filter(kind=Event.Kind.DISCUSSION_POST, payload__url__endswith=f"#post-{post.pk}")
    return events.filter(course_id=course_id) if course_id is not None else events


def _course_id_of(post) -> int | None:
    from courses.models import Thread

    return Thread.objects.filter(pk=post.thread_id).values_list("course_id", flat=True).first()


REMOVED_SUMMARY = "This post was removed by the instructor."


@receiver(post_save, sender="courses.Post", dispatch_uid="event_discussion_post_changed")
def discussion_post_changed(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if created or raw or (update_fields is not None and not {"body", "is_removed"} & set(update_fields)):
        return
    summary = REMOVED_SUMMARY if instance.is_removed else instance.body
    rewrite(_post_events(instance, instance.thread.course_id), summary=summary)


@receiver(post_delete, sender="courses.Post", dispatch_uid="event_discussion_post_deleted")
def discussion_post_deleted(sender, instance, **kwargs):
    # A thread's posts go before the thread itself, so its row still says which course it was in.
    rewrite(_post_events(instance, _course_id_of(instance)), title="A deleted discussion post", url="", summary="")
