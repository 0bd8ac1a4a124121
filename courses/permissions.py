"""Who may see and change what: the one home of every access rule of the courses app.

Pages, the admin, the API, the file views and the socket's membership (notifications) ask here;
none of them re-decides. Three definitions underlie everything:

- a **site admin** is an active superuser or an active user with the admin role
  (`accounts.User.is_site_admin`);
- a course's **teacher** is its active instructor, or a site admin: sees drafts, edits, grades,
  moderates;
- a course's **member** is its teacher, or an active student subscribed to it while it is
  published: reads its content and receives its events. An unpublished course has no student
  members, on a page, in the API or on the socket.

Rules that need a course object take one already fetched; the queryset forms (`visible_courses`,
`member_courses`, and `member_course_codes` for many users at once) are the same rules as SQL, for
lists and for the socket.
"""

from django.db.models import Q, QuerySet

from .models import AllAccessPass, Course, Subscription, Transaction


def is_active_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_site_admin(user) -> bool:
    return is_active_user(user) and user.is_site_admin


def teaches(user, course: Course) -> bool:
    """The course's instructor or a site admin."""
    return is_active_user(user) and (user.is_site_admin or course.instructor_id == user.pk)


def is_member(user, course: Course) -> bool:
    """May this user read the course's content (lessons, files, threads) and receive its events?"""
    if teaches(user, course):
        return True
    return (
        is_active_user(user)
        and course.is_published
        and Subscription.objects.filter(student=user, course=course).exists()
    )


def has_paid_access(user, course: Course) -> bool:
    """May this user join this course as far as payment goes? A free course: anyone. A paid one:
    whoever holds a settled purchase of it (paid, not refunded) or an active all-access plan. The
    one rule of entitlement: `subscribe` asks it, and refunds and the plan's end ask it again
    before they end access (courses/services/payments.py)."""
    if not course.is_paid:
        return True
    return (
        Transaction.objects.settled_purchases().filter(user=user, course=course).exists()
        or AllAccessPass.objects.filter(user=user, status=AllAccessPass.Status.ACTIVE).exists()
    )


def visible_courses(user) -> QuerySet[Course]:
    """Courses a user may find at all: published ones, plus their own; site admins see all."""
    if is_site_admin(user):
        return Course.objects.all()
    if is_active_user(user):
        return Course.objects.filter(Q(is_published=True) | Q(instructor=user))
    return Course.objects.filter(is_published=True)


def member_courses(user) -> QuerySet[Course]:
    """Courses whose events reach this user: those they teach, and the published ones they are
    subscribed to. A site admin is not a member of every course: their feed follows what they
    teach and subscribe to, like anyone's."""
    if not is_active_user(user):
        return Course.objects.none()
    # IN (subquery) rather than an OR across a join: an index lookup (docs/performance.md).
    mine = Subscription.objects.filter(student=user).values("course_id")
    return Course.objects.filter(Q(pk__in=mine, is_published=True) | Q(instructor=user))


def member_course_codes(users) -> dict[int, set[str]]:
    """member_courses for many users at once, as course codes: user id -> the codes of the courses
    whose events reach them. The same rule in two queries for any number of users, for the sockets
    that open together in a reconnect storm (notifications/connecting.py)."""
    codes: dict[int, set[str]] = {user.pk: set() for user in users}
    active = [user.pk for user in users if is_active_user(user)]
    taught = Course.objects.filter(instructor__in=active).values_list("instructor_id", "code")
    joined = Subscription.objects.filter(student__in=active, course__is_published=True)
    for user_id, code in [*taught, *joined.values_list("student_id", "course__code")]:
        codes[user_id].add(code)
    return codes


def course_members(course: Course):
    """The users who are members of a course (the inverse of member_courses): its active
    instructor and, while it is published, its active subscribed students. Site admins are not
    members of every course."""
    from django.contrib.auth import get_user_model

    students = Q(subscriptions__course=course) if course.is_published else Q(pk__in=[])
    return get_user_model().objects.filter(Q(pk=course.instructor_id) | students, is_active=True).distinct()


# How each course-owned model reaches its course: the attribute of its parent, up to the course.
_PARENT = {
    "Module": "course",
    "Resource": "course",
    "Announcement": "course",
    "Thread": "course",
    "Lesson": "module",
    "Quiz": "lesson",
    "Assignment": "lesson",
    "Question": "quiz",
    "Choice": "question",
    "Attempt": "quiz",
    "Submission": "assignment",
    "Post": "thread",
}


def course_of(obj) -> Course:
    """The course a row of course content belongs to, whatever its depth (a choice of a question
    of a quiz of a lesson of a module of a course)."""
    while not isinstance(obj, Course):
        obj = getattr(obj, _PARENT[type(obj).__name__])
    return obj


def is_course_content(obj) -> bool:
    return isinstance(obj, Course) or type(obj).__name__ in _PARENT


def may_change(user, obj) -> bool:
    """May this user change this course or row of course content? Its course's teacher may; a row
    with no course (a site-wide announcement) is the site admins'."""
    try:
        course = course_of(obj)
    except KeyError:  # the chain ended without a course
        return is_site_admin(user)
    return teaches(user, course)


def may_see_analytics(user, course: Course) -> bool:
    """A course's analytics (dashboard, CSV, live parts) are its teacher's: its instructor or a site admin."""
    return teaches(user, course)


def may_see_site_analytics(user) -> bool:
    """The analytics across courses (and the completion report's page) are the site admins'."""
    return is_site_admin(user)
