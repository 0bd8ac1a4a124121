"""Saved models become events. One job only: write the Event row in the same transaction and
schedule its publish after commit. No business rules live here. Saves that change what a user's
open sockets may do (membership, log-in) send control messages the same way."""

from functools import partial

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from courses.models import Announcement, Course, Invitation, Resource, Subscription
from courses.selectors import analytics

from . import control, live_analytics, sessions, topics
from .delivery.tasks import send_invitation
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
        "about": ("resource", instance.pk),
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
        extra=({"urgent": True} if instance.is_urgent else {})
        | ({"acknowledge": instance.pk} if instance.requires_acknowledgement else {}),
        about=("announcement", instance.pk),
    )


@receiver(post_save, sender="courses.Reminder", dispatch_uid="event_reminder")
def reminded(sender, instance, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    announcement = instance.announcement
    record(
        kind=Event.Kind.ANNOUNCEMENT,
        topic=topics.user_topic(instance.user_id),
        title=f"Reminder: {announcement.title}",
        url=announcement.get_absolute_url(),
        summary=announcement.body,
        course=announcement.course,
        extra={"acknowledge": announcement.pk} | ({"urgent": True} if announcement.is_urgent else {}),
    )


@receiver(post_save, sender="courses.Acknowledgement", dispatch_uid="event_acknowledged")
def acknowledged(sender, instance, created: bool, raw: bool = False, **kwargs):
    # Quiet: the instructor's open pages update the count; nobody is notified.
    if not created or raw or instance.announcement.course_id is None:
        return
    course = instance.announcement.course
    record(
        kind=Event.Kind.CONTENT_CHANGED,
        topic=topics.user_topic(course.instructor_id),
        title=instance.announcement.title,
        course=course,
        extra={"object": "acknowledgements", "id": instance.announcement_id},
    )


@receiver(post_save, sender=Subscription, dispatch_uid="event_subscription")
def subscribed(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    course, student = instance.course, instance.student
    common = {"kind": Event.Kind.SUBSCRIPTION, "course": course, "actor": student, "url": course.get_absolute_url()}
    from_waitlist = instance.source == Subscription.Source.WAITLIST
    record(
        topic=topics.user_topic(course.instructor_id),
        title=f"{student.display_name()} joined {course.code}" + (" from the waiting list" if from_waitlist else ""),
        group_for_id=course.instructor_id,
        **common,
    )
    if from_waitlist:
        # The seat came to them while they waited: news, told at once (its own preference kind,
        # notifications/delivery/preferences.py) and not their own doing (no actor).
        record(
            topic=topics.user_topic(student.pk),
            title=f"A seat opened: you are enrolled in {course.code}",
            summary=course.title,
            extra={"waitlist": True},
            **(common | {"actor": None}),
        )
    else:
        record(
            topic=topics.user_topic(student.pk), title=f"Subscribed to {course.code}", summary=course.title, **common
        )
    control.membership_changed([student.pk])
    site_analytics_changed(course, ["enrolments", "activity"])


@receiver(post_delete, sender=Subscription, dispatch_uid="membership_left")
def unsubscribed(sender, instance: Subscription, origin=None, **kwargs):
    control.membership_changed([instance.student_id])
    if isinstance(origin, Subscription) or getattr(origin, "model", None) is Subscription:
        site_analytics_changed(instance.course, ["enrolments", "activity"])


def _seats_changed(course: Course) -> None:
    # Quiet, on the catalog topic, so every open page of the course follows, members or not
    # (notifications/live_seats.py); a draft's seats are nobody's news.
    if course.capacity is not None and course.is_published:
        record(
            kind=Event.Kind.CONTENT_CHANGED,
            topic=topics.ALL_COURSES,
            title=course.code,
            course=course,
            about=("seats", course.pk),
        )


@receiver(post_save, sender=Subscription, dispatch_uid="seats_taken")
def seat_taken(sender, instance: Subscription, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        _seats_changed(instance.course)


@receiver(post_delete, sender=Subscription, dispatch_uid="seat_freed")
def seat_freed(sender, instance: Subscription, origin=None, **kwargs):
    # Only for subscriptions deleted as such (unsubscribe, the admin): deleted with their course or
    # their student, the course may be going too, and an event must not name it.
    if isinstance(origin, Subscription) or getattr(origin, "model", None) is Subscription:
        _seats_changed(instance.course)


@receiver(post_save, sender=Invitation, dispatch_uid="invitation_mail")
def invited(sender, instance: Invitation, created: bool, raw: bool = False, **kwargs):
    # Mail is the worker's: the request only enqueues, after commit.
    if created and not raw:
        transaction.on_commit(partial(send_invitation.enqueue, instance.pk), robust=True)


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
        subscribers = list(Subscription.objects.filter(course=instance).values_list("student_id", flat=True))
        followers += subscribers
        if not instance.is_published:
            # Its subscribers' open dashboards drop its card (notifications/live.py). On their own topics:
            # they are no longer members of the course's. Republishing shows it again at reload.
            for student_id in subscribers:
                record(
                    kind=Event.Kind.CONTENT_REMOVED,
                    topic=topics.user_topic(student_id),
                    title=instance.code,
                    course=instance,
                    about=("course", instance.pk),
                )
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
    if dict(zip(SESSION_FIELDS, before, strict=True))["is_active"] != instance.is_active:
        # Only an active account holds a seat (Course.seats_taken): the open pages recount.
        for course in Course.objects.filter(subscriptions__student=instance, capacity__isnull=False):
            _seats_changed(course)


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
        about=("lesson", instance.pk),
        quiet_for_id=course.instructor_id,  # they wrote and released it: not news to them
    )


@receiver(post_save, sender="courses.Attempt", dispatch_uid="event_quiz_graded")
def quiz_graded(sender, instance, raw: bool = False, **kwargs):
    # Graded on submission; graded again when its score changes afterwards (a regrade after a
    # question was fixed, or the instructor's override with its reason).
    if raw or instance.submitted_at is None:
        return
    submitted = _just_set(instance, "submitted_at")
    before = (instance.saved_value("score"), instance.saved_value("max_score"))
    rescored = (instance.score, instance.max_score) != before
    if not submitted and not rescored:
        return
    lesson = instance.quiz.lesson
    course = lesson.module.course
    if submitted:
        summary = "Time ran out: the answers were not counted." if instance.expired else "Your quiz is graded."
    elif instance.overridden_at is not None and "override_reason" in (kwargs.get("update_fields") or ()):
        summary = f"Your score was changed by the instructor: {instance.override_reason}"
    else:
        summary = "Your quiz was regraded after a question was corrected."
    record(
        kind=Event.Kind.GRADE_POSTED,
        topic=topics.user_topic(instance.student_id),
        title=f"{lesson.title}: {instance.score}/{instance.max_score}",
        url=reverse("courses:attempt", args=[course.code, instance.pk]),
        summary=summary,
        course=course,
        extra={"attempt_id": instance.pk},  # for its live parts (notifications/live_grades.py)
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
            url=reverse("admin:courses_course_grade", args=[course.pk, instance.pk]),  # the grading page
            summary="Late" if instance.is_late else "",
            course=course,
            actor=instance.student,
            group_for_id=course.instructor_id,
        )
        # The course's dashboard follows this event itself (live_analytics.SUBMITTED); the site's:
        site_analytics_changed(course, live_analytics.SUBMITTED)
    if (instance.points is None) != (instance.saved_value("points") is None) and not created:
        analytics_changed(course, ["assignments"])  # graded (or the grade taken back): the backlog
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
            extra={"submission_id": instance.pk},  # for its live parts (notifications/live_grades.py)
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
    analytics_changed(course, ["discussions", "activity", "at_risk"])


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


# Edits and deletions of course content students see: quiet events (Event.QUIET_KINDS) on the
# course's topic, so open pages follow (their live parts: notifications/live.py) and the feed items that
# quote the old text are rewritten and follow too (rendering.feed_titles). Only when something
# shown changed (saved_value): saving an unchanged form writes nothing. A row deleted with its
# course (or a lesson with its module) says nothing: what goes with it speaks for it.


def _deleted_with(origin, *containers) -> bool:
    """This row is deleted because one of these containers is (Django's post_delete `origin`)."""
    if origin is None:
        return False
    model = getattr(origin, "model", None) or type(origin)  # a queryset's delete, or an instance's
    return issubclass(model, containers)


def _quiet(kind: str, instance, *, course, quoted_by=(), topic: str | None = None):
    """A quiet event about `instance` (payload `object`: its model's name, `id`: its pk)."""
    record(
        kind=kind,
        topic=topic or topics.course_topic(course.code),
        title=instance.title,
        course=course,
        about=(instance._meta.model_name, instance.pk),
        quoted_by=list(quoted_by),
    )


def _quoting(kind: str, url_end: str, course_id: int | None):
    return Event.objects.filter(kind=kind, course_id=course_id, payload__url__endswith=url_end)


@receiver(post_save, sender=Resource, dispatch_uid="event_resource_changed")
def resource_changed(sender, instance: Resource, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    if instance.title == instance.saved_value("title") and instance.kind == instance.saved_kind:
        return
    course = instance.course
    quoting = _quoting(Event.Kind.NEW_RESOURCE, f"#resource-{instance.pk}", course.pk)
    rewritten = rewrite(quoting, title=instance.title, summary=f"New {instance.kind} in {course.code}")
    _quiet(Event.Kind.CONTENT_CHANGED, instance, course=course, quoted_by=rewritten)


@receiver(post_delete, sender=Resource, dispatch_uid="event_resource_removed")
def resource_removed(sender, instance: Resource, origin=None, **kwargs):
    if _deleted_with(origin, Course):
        return
    course = instance.course
    rewritten = rewrite(_quoting(Event.Kind.NEW_RESOURCE, f"#resource-{instance.pk}", course.pk), url="")
    _quiet(Event.Kind.CONTENT_REMOVED, instance, course=course, quoted_by=rewritten)


def _announcement_topic(announcement) -> str:
    return topics.course_topic(announcement.course.code) if announcement.course_id else topics.SYSTEM_EVENTS


@receiver(post_save, sender=Announcement, dispatch_uid="event_announcement_changed")
def announcement_changed(sender, instance: Announcement, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    if (instance.title, instance.body) == (instance.saved_value("title"), instance.saved_value("body")):
        return
    quoting = _quoting(Event.Kind.ANNOUNCEMENT, f"#announcement-{instance.pk}", instance.course_id)
    rewritten = rewrite(quoting, title=instance.title, summary=instance.body)
    _quiet(
        Event.Kind.CONTENT_CHANGED,
        instance,
        course=instance.course,
        quoted_by=rewritten,
        topic=_announcement_topic(instance),
    )


@receiver(post_delete, sender=Announcement, dispatch_uid="event_announcement_removed")
def announcement_removed(sender, instance: Announcement, origin=None, **kwargs):
    if _deleted_with(origin, Course):
        return
    quoting = _quoting(Event.Kind.ANNOUNCEMENT, f"#announcement-{instance.pk}", instance.course_id)
    rewritten = rewrite(quoting, url="")
    _quiet(
        Event.Kind.CONTENT_REMOVED,
        instance,
        course=instance.course,
        quoted_by=rewritten,
        topic=_announcement_topic(instance),
    )


LESSON_SHOWN = ("title", "body", "kind", "position", "module_id")


@receiver(post_save, sender="courses.Lesson", dispatch_uid="event_lesson_changed")
def lesson_changed(sender, instance, created: bool, raw: bool = False, **kwargs):
    # A draft (or a lesson not released yet) changes nothing students see: no event, so its
    # content is never pushed. Released just now and first: lesson_announced says it (new_lesson).
    if created or raw or _just_set(instance, "announced_at"):
        return
    shown_now, shown_before = instance.is_released(), instance.was_released()
    if not shown_now and not shown_before:
        return
    if shown_now and shown_before and all(getattr(instance, f) == instance.saved_value(f) for f in LESSON_SHOWN):
        return
    course = instance.module.course
    rewritten = []
    if instance.title != instance.saved_value("title"):
        quoting = _quoting(Event.Kind.NEW_LESSON, instance.get_absolute_url(), course.pk)
        rewritten = rewrite(quoting, title=instance.title)
    # Withdrawn (unpublished, or its release moved to later): removed from students' pages.
    kind = Event.Kind.CONTENT_CHANGED if shown_now else Event.Kind.CONTENT_REMOVED
    _quiet(kind, instance, course=course, quoted_by=rewritten)


@receiver(post_delete, sender="courses.Lesson", dispatch_uid="event_lesson_removed")
def lesson_removed(sender, instance, origin=None, **kwargs):
    from courses.models import Module

    if _deleted_with(origin, Course, Module):
        return
    course = Course.objects.filter(modules=instance.module_id).first()
    if course is None:
        return
    rewritten = rewrite(_quoting(Event.Kind.NEW_LESSON, instance.get_absolute_url(), course.pk), url="")
    _quiet(Event.Kind.CONTENT_REMOVED, instance, course=course, quoted_by=rewritten)


@receiver(post_save, sender="courses.Module", dispatch_uid="event_module_changed")
def module_changed(sender, instance, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    if (instance.title, instance.position) == (instance.saved_value("title"), instance.saved_value("position")):
        return
    _quiet(Event.Kind.CONTENT_CHANGED, instance, course=instance.course)


@receiver(post_delete, sender="courses.Module", dispatch_uid="event_module_removed")
def module_removed(sender, instance, origin=None, **kwargs):
    if _deleted_with(origin, Course):
        return
    _quiet(Event.Kind.CONTENT_REMOVED, instance, course=instance.course)


@receiver(post_save, sender="courses.LessonProgress", dispatch_uid="event_lesson_completed")
def lesson_completed(sender, instance, raw: bool = False, **kwargs):
    # The student's own progress bars follow in their open pages (notifications/live.py): a quiet event on
    # their own topic, so its parts may show their progress.
    if raw or not _just_set(instance, "completed_at"):
        return
    lesson = instance.lesson
    course = lesson.module.course
    record(
        kind=Event.Kind.CONTENT_CHANGED,
        topic=topics.user_topic(instance.student_id),
        title=lesson.title,
        course=course,
        about=("progress", lesson.pk),
    )
    sections = ["funnel", "activity", "at_risk"] + (["quizzes"] if lesson.kind == lesson.Kind.QUIZ else [])
    analytics_changed(course, sections)


def analytics_changed(course, sections: list[str]) -> None:
    """The course's open analytics dashboard follows (notifications/live_analytics.py): a quiet event
    on its instructor's own topic, as the figures are theirs, not the students' of the course topic;
    and the site admins' dashboard across courses."""
    record(
        kind=Event.Kind.CONTENT_CHANGED,
        topic=topics.user_topic(course.instructor_id),
        title=course.code,
        course=course,
        about=("analytics", course.pk),
        extra={"sections": sections},
    )
    site_analytics_changed(course, sections)


def site_analytics_changed(course, sections: list[str]) -> None:
    """Site admins' open dashboards read again what these sections of a course's figures change:
    the sections across courses, and the course's own in a course dashboard a site admin opened
    (the parts go to its instructor alone). A quiet event on the staff topic without parts, read
    by static/js/analytics.js: rendered here, the figures across courses would cost every student's
    request that changes them; read by the open pages, they cost one request per page every two
    seconds at most, however busy the campus."""
    record(
        kind=Event.Kind.CONTENT_CHANGED,
        topic=topics.STAFF,
        title=course.code,
        course=course,
        extra={
            "object": "site_analytics",
            "sections": analytics.site_sections_changed_by(sections),
            "course_sections": sections,
        },
    )


# Moderation tells the student it concerns, on their own topic: the author of a post a moderator
# removed or deleted, and the author of a thread locked. Only a course's teachers moderate
# (courses/services/discussions.py); their own posts tell no one.


def _moderated(*, author_id, course_id: int, title: str, url: str, summary: str) -> None:
    from courses.models import Course

    course = Course.objects.filter(pk=course_id).first()
    if author_id is None or course is None or author_id == course.instructor_id:
        return
    record(
        kind=Event.Kind.MODERATION,
        topic=topics.user_topic(author_id),
        title=title,
        url=url,
        summary=summary,
        course=course,
    )


@receiver(post_save, sender="courses.Post", dispatch_uid="event_post_removed")
def post_removed(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if created or raw or not instance.is_removed or "is_removed" not in (update_fields or ()):
        return
    thread = instance.thread
    _moderated(
        author_id=instance.author_id,
        course_id=thread.course_id,
        title=f"Your post in {thread.title} was removed",
        url=thread.get_absolute_url(),
        summary=REMOVED_SUMMARY,
    )


@receiver(post_delete, sender="courses.Post", dispatch_uid="event_post_deleted_told")
def post_deleted_told(sender, instance, **kwargs):
    # Quotes nothing of the post or its thread: a deleted thread leaves none of its text anywhere.
    from courses.models import Thread

    thread = Thread.objects.filter(pk=instance.thread_id).values("course_id", "course__code").first()
    if thread is None:
        return
    _moderated(
        author_id=instance.author_id,
        course_id=thread["course_id"],
        title=f"Your post in {thread['course__code']} was deleted",
        url=reverse("courses:detail", args=[thread["course__code"]]),
        summary="The instructor deleted it.",
    )


@receiver(post_save, sender="courses.Thread", dispatch_uid="event_thread_locked")
def thread_locked(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if created or raw or not instance.is_locked or "is_locked" not in (update_fields or ()):
        return
    _moderated(
        author_id=instance.author_id,
        course_id=instance.course_id,
        title=f"Your thread {instance.title} was locked",
        url=instance.get_absolute_url(),
        summary="The instructor locked it: no new replies.",
    )
