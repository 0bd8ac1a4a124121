"""Course and site analytics: the figures of the instructor's and the site admin's dashboards, of
their CSV exports, of their live parts (notifications/live_analytics.py) and of
`manage.py course_report`. One function per figure; all read from `reports_db()` and aggregate in
SQL, so a figure costs one or two queries whatever the size of the data, and returns a `Figure`
(its rows are what a chart draws, its table shows, its CSV holds and the command prints).

Who may see them is the callers' question (`permissions.may_see_analytics`,
`may_see_site_analytics`): every function here takes a course already allowed, or nothing (the site).

Definitions (the page's "How these are counted" repeats them):
- students: the course's current subscribers; a student who left counts nowhere.
- active in a week: the student viewed or completed a lesson, started or submitted a quiz attempt,
  submitted an assignment or posted in the course's discussions that week (UTC weeks from Monday).
  A lesson's views are kept as first and last view only, so an older week's views of a lesson
  viewed again later are not seen: the figure counts at least these students.
- the funnel: per released lesson, in course order, the students who completed it; a lesson added
  after students finished shows only those who completed it since.
- quiz scores: each student's best submitted attempt at each quiz, as a percentage, in tens.
- hardest questions: the share of answers in submitted attempts that were right, lowest first.
- assignments: per released assignment, submissions on time and late; missing: students without a
  submission once the due date has passed (before it, "not yet").
- grading backlog: submissions without points, by how long they have waited.
- at risk: students whose last activity (or subscription) is older than `ANALYTICS_INACTIVE_DAYS`
  days, or who have not completed a quiz or assignment whose due date has passed.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from lms_site.databases import reports_db

from ..markup import markdown_to_text
from ..models import (
    ActiveWeek,
    Assignment,
    Attempt,
    Course,
    Lesson,
    LessonProgress,
    Post,
    SiteActiveWeek,
    Submission,
    Subscription,
    Thread,
)
from ..models.learning import Answer
from ..permissions import may_see_analytics
from .learning import completion_report, count_of

#: The sections of a course's dashboard and their headings, each one live part (notifications/live_analytics.py).
SECTION_TITLES = {
    "enrolments": "Enrolments",
    "activity": "Activity",
    "funnel": "Lesson completion",
    "quizzes": "Quizzes",
    "assignments": "Assignments",
    "discussions": "Discussions",
    "at_risk": "Students at risk",
}
COURSE_SECTIONS = tuple(SECTION_TITLES)
#: The figures (their keys, also their CSV's names) of each section.
FIGURE_SECTIONS = {
    "enrolments": ("enrolments",),
    "activity": ("activity",),
    "funnel": ("funnel",),
    "quizzes": ("quiz_scores", "hardest"),
    "assignments": ("assignments", "backlog"),
    "discussions": ("discussions", "unanswered"),
    "at_risk": ("at_risk",),
}
SCORE_BUCKETS = 10
HARDEST_SHOWN = 5
UNANSWERED_SHOWN = 10
BACKLOG_AGES = ((0, 1, "under a day"), (1, 3, "1 to 3 days"), (3, 7, "3 to 7 days"), (7, None, "a week or more"))
COURSES_RANKED = 10


@dataclass
class Figure:
    """A chart, or a table: `columns` name the cells of each row; a chart draws `rows` as bars of
    column `bar` (the first column is the bar's label), scaled to `scale` (else the largest value).
    `links`: an address per row for its first cell (a student's progress)."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list]
    bar: int | None = 1
    scale: float | None = None
    unit: str = ""
    links: list[str] = field(default_factory=list)
    keys: list = field(default_factory=list)  # a row's own key for the page (the funnel's lesson ids)

    @property
    def is_chart(self) -> bool:
        return self.bar is not None

    def table_rows(self) -> list[tuple]:
        """Each row with its link and key ("" where none)."""
        count = len(self.rows)
        links = self.links or [""] * count
        keys = self.keys or [""] * count
        return list(zip(self.rows, links, keys, strict=True))

    def values(self) -> list:
        return [row[self.bar] for row in self.rows] if self.is_chart else []


def weeks(now: datetime | None = None, count: int | None = None) -> list[tuple[datetime, datetime]]:
    """The last `count` weeks (UTC, from Monday), oldest first, the current one last (up to now)."""
    now = now or timezone.now()
    count = count or settings.ANALYTICS_WEEKS
    today = now.astimezone(timezone.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=back) for back in range(count - 1, -1, -1)]
    return [(start, start + timedelta(weeks=1)) for start in starts]


def _week_label(start: datetime) -> str:
    return f"Week of {start:%-d %b %Y}"


def _per_week(queryset: QuerySet, at: str, spans, counted: str = "pk", distinct: bool = False) -> list[int]:
    """One query: how many rows (or distinct `counted`) fall in each week, by the datetime `at`."""
    aggregates = {
        f"w{index}": Count(counted, distinct=distinct, filter=Q(**{f"{at}__gte": start, f"{at}__lt": end}))
        for index, (start, end) in enumerate(spans)
    }
    window = {f"{at}__gte": spans[0][0], f"{at}__lt": spans[-1][1]}  # only the window's rows are read
    result = queryset.using(reports_db()).filter(**window).aggregate(**aggregates)
    return [result[f"w{index}"] for index in range(len(spans))]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _sql(queryset: QuerySet, using: str | None = None) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(using=using or reports_db()).as_sql()
    return sql, list(params)


def moments_sql(*, course: Course | None, since: datetime | None, using: str | None = None) -> tuple[str, list]:
    """SQL of (student_id, course_id, at): every moment a student did something in a course (the
    module's "active" definition), since `since`, of one course or all. Composed from querysets, so
    table and column names and parameter formats are the database's own; a caller names the columns
    (`WITH m (student_id, course_id, at) AS (...)`). The rollup's rebuild reads it too
    (services/analytics.py)."""
    by_lesson = {"lesson__module__course": course} if course else {}
    in_quiz = {"quiz__lesson__module__course": course} if course else {}
    in_assignment = {"assignment__lesson__module__course": course} if course else {}
    in_thread = {"thread__course": course} if course else {}

    def since_(name: str) -> dict:
        return {f"{name}__gte": since} if since else {f"{name}__isnull": False}

    sources = [
        LessonProgress.objects.filter(**by_lesson, **since_("last_viewed_at")).values_list(
            "student_id", "lesson__module__course_id", "last_viewed_at"
        ),
        LessonProgress.objects.filter(**by_lesson, **since_("completed_at")).values_list(
            "student_id", "lesson__module__course_id", "completed_at"
        ),
        Attempt.objects.filter(**in_quiz, **since_("started_at")).values_list(
            "student_id", "quiz__lesson__module__course_id", "started_at"
        ),
        Submission.objects.filter(**in_assignment, **since_("submitted_at")).values_list(
            "student_id", "assignment__lesson__module__course_id", "submitted_at"
        ),
        Post.objects.filter(**in_thread, **since_("created_at")).values_list(
            "author_id", "thread__course_id", "created_at"
        ),
    ]
    parts, params = [], []
    for source in sources:
        sql, source_params = _sql(source.order_by(), using)
        parts.append(sql)
        params += source_params
    return " UNION ALL ".join(parts), params


def _active_per_week(course: Course | None, spans) -> list[int]:
    """One query on a rollup (models/analytics.py): the course's students active in each week, or
    (no course) the students active in any course of theirs, one row each already."""
    window = {"week__gte": spans[0][0].date(), "week__lte": spans[-1][0].date()}
    if course is None:
        rows = SiteActiveWeek.objects.using(reports_db()).filter(**window)
    else:
        rows = ActiveWeek.objects.using(reports_db()).filter(course=course, **window).of_subscribers()
    counts = dict(rows.order_by().values("week").annotate(n=Count("pk")).values_list("week", "n"))
    return [counts.get(start.date(), 0) for start, _end in spans]


def _fetch(sql: str, params: list) -> list[tuple]:
    with connections[reports_db()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def get_analysed_course(user, pk) -> Course:
    """The course for those who may see its analytics; 404 for everyone else (not confirmed to exist)."""
    course = Course.objects.select_related("instructor").filter(pk=pk).first()
    if course is None or not may_see_analytics(user, course):
        raise Http404("No such course.")
    return course


# The course's figures.


def enrolments(course: Course, spans) -> Figure:
    subscriptions = Subscription.objects.filter(course=course)
    new = _per_week(subscriptions, "subscribed_at", spans)
    before = subscriptions.using(reports_db()).filter(subscribed_at__lt=spans[0][0]).count()
    rows, total = [], before
    for (start, _end), count in zip(spans, new, strict=True):
        total += count
        rows.append([_week_label(start), count, total])
    return Figure(
        "enrolments",
        "Enrolments over time",
        "Students enrolled at the end of each week, with the week's new enrolments (current subscribers).",
        ["Week", "New enrolments", "Enrolled"],
        rows,
        bar=2,
    )


def activity(course: Course, spans) -> Figure:
    counts = _active_per_week(course, spans)
    return Figure(
        "activity",
        "Active students per week",
        "Students who viewed or completed a lesson, took a quiz, submitted an assignment or posted, each week.",
        ["Week", "Active students"],
        [[_week_label(start), count] for (start, _end), count in zip(spans, counts, strict=True)],
    )


def funnel(course: Course, students: int) -> Figure:
    completed = LessonProgress.objects.filter(
        lesson=OuterRef("pk"),
        completed_at__isnull=False,
        student__in=Subscription.objects.filter(course=course).values("student_id"),
    )
    lessons = (
        Lesson.objects.using(reports_db())
        .of_course(course)
        .released()
        .in_order()
        .annotate(completed=count_of(completed, "lesson"))
        .values_list("pk", "title", "completed")
    )
    rows, ids = [], []
    for pk, title, count in lessons:
        rows.append([title, count, _percent(count, students)])
        ids.append(pk)
    return Figure(
        "funnel",
        "Completion funnel by lesson",
        f"Of {students} students, how many completed each lesson, in course order.",
        ["Lesson", "Completed", "Share of students (%)"],
        rows,
        scale=students or None,
        keys=ids,
    )


def quiz_scores(course: Course) -> Figure:
    """One query: the best attempts, bucketed in SQL."""
    percent = ExpressionWrapper(F("score") * 100.0 / F("max_score"), output_field=FloatField())
    best = (
        Attempt.objects.filter(
            quiz__lesson__module__course=course,
            submitted_at__isnull=False,
            max_score__gt=0,
            student__in=Subscription.objects.filter(course=course).values("student_id"),
        )
        .order_by()
        .values("quiz_id", "student_id")
        .annotate(best=Max(percent))
        .values_list("best")
    )
    sql, params = _sql(best)
    # Bucket i holds [10 i, 10 i + 10), the last one also 100.
    columns = ", ".join(
        f"SUM(CASE WHEN b.best >= {10 * i} AND b.best < {10 * i + 10 if i < SCORE_BUCKETS - 1 else 101} "
        "THEN 1 ELSE 0 END)"
        for i in range(SCORE_BUCKETS)
    )
    # SQL Django compiled from a queryset, and bucket bounds of our own; values are parameters.
    counts = _fetch(f"WITH b (best) AS ({sql}) SELECT {columns} FROM b", params)[0]  # noqa: S608
    labels = [f"{10 * i}-{10 * i + 9}%" for i in range(SCORE_BUCKETS - 1)] + ["90-100%"]
    return Figure(
        "quiz_scores",
        "Quiz score distribution",
        "Each student's best submitted attempt at each quiz, by score.",
        ["Score", "Best attempts"],
        [[label, count or 0] for label, count in zip(labels, counts, strict=True)],
    )


def hardest_questions(course: Course) -> Figure:
    answers = (
        Answer.objects.using(reports_db())
        .filter(question__quiz__lesson__module__course=course, attempt__submitted_at__isnull=False)
        .values("question_id", "question__quiz__lesson__title", "question__text")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(is_correct=True)))
        .annotate(share=ExpressionWrapper(F("right") * 1.0 / F("answered"), output_field=FloatField()))
        .order_by("share", "question_id")[:HARDEST_SHOWN]
    )
    rows = [
        [f"{row['question__quiz__lesson__title']}: {_short(row['question__text'])}", row["answered"],
         _percent(row["right"], row["answered"])]
        for row in answers
    ]  # fmt: skip
    return Figure(
        "hardest",
        "Hardest questions",
        f"The {HARDEST_SHOWN} questions answered right least often in submitted attempts.",
        ["Question", "Answers", "Right (%)"],
        rows,
        bar=2,
        scale=100,
        unit="%",
    )


def _short(text: str, length: int = 60) -> str:
    words = markdown_to_text(text)
    return f"{words[: length - 1]}…" if len(words) > length else words


def assignments(course: Course, students: int, now: datetime) -> Figure:
    enrolled = Subscription.objects.filter(course=course).values("student_id")
    rows = (
        Assignment.objects.using(reports_db())
        .filter(lesson__in=Lesson.objects.of_course(course).released(now))
        .order_by("lesson__module__position", "lesson__module_id", "lesson__position", "lesson_id")
        .annotate(
            on_time=Count("submissions", filter=Q(submissions__is_late=False, submissions__student__in=enrolled)),
            late=Count("submissions", filter=Q(submissions__is_late=True, submissions__student__in=enrolled)),
        )
        .values_list("lesson__title", "due_at", "on_time", "late")
    )
    table = []
    for title, due_at, on_time, late in rows:
        waiting = students - on_time - late
        past_due = due_at is not None and due_at < now
        missing = waiting if past_due else 0
        table.append(
            [
                title,
                on_time,
                late,
                missing,
                0 if past_due else waiting,
                _percent(on_time, students),
                _percent(late, students),
                _percent(missing, students),
            ]
        )
    return Figure(
        "assignments",
        "Assignments: on time, late and missing",
        f"Of {students} students, per assignment. Missing: no submission once the due date has passed.",
        ["Assignment", "On time", "Late", "Missing", "Not yet", "On time (%)", "Late (%)", "Missing (%)"],
        table,
        bar=None,
    )


def backlog(courses: QuerySet[Course] | None, now: datetime) -> Figure:
    """One query: the ungraded submissions of these courses (None: all) by how long they have waited."""
    waiting = Submission.objects.filter(points__isnull=True)
    if courses is not None:  # None: every course, without the join to them
        waiting = waiting.filter(assignment__lesson__module__course__in=courses)
    aggregates = {"oldest": Min("submitted_at")}
    for index, (low, high, _label) in enumerate(BACKLOG_AGES):
        span = Q(submitted_at__lte=now - timedelta(days=low))
        if high is not None:
            span &= Q(submitted_at__gt=now - timedelta(days=high))
        aggregates[f"a{index}"] = Count("pk", filter=span)
    result = waiting.using(reports_db()).aggregate(**aggregates)
    rows = [[label, result[f"a{index}"]] for index, (_low, _high, label) in enumerate(BACKLOG_AGES)]
    total = sum(row[1] for row in rows)
    oldest = result["oldest"]
    age = f" The oldest has waited {(now - oldest).days} days." if oldest else ""
    return Figure(
        "backlog",
        "Grading backlog",
        f"{total} submissions wait for a grade, by how long they have waited.{age}",
        ["Waiting", "Submissions"],
        rows,
    )


def discussions(course: Course | None, spans) -> Figure:
    threads = Thread.objects.filter(course=course) if course else Thread.objects.all()
    posts = Post.objects.filter(thread__course=course) if course else Post.objects.all()
    new_threads = _per_week(threads, "created_at", spans)
    new_posts = _per_week(posts, "created_at", spans)
    return Figure(
        "discussions",
        "Discussions per week",
        "New threads and posts (a thread's first post included) each week.",
        ["Week", "Posts", "Threads"],
        [
            [_week_label(start), post_count, thread_count]
            for (start, _end), post_count, thread_count in zip(spans, new_posts, new_threads, strict=True)
        ],
    )


def unanswered(course: Course) -> Figure:
    threads = (
        Thread.objects.using(reports_db())
        .filter(course=course)
        .exclude(pk__in=Post.objects.filter(parent__isnull=False).values("thread_id"))
        .order_by("created_at", "pk")
    )
    shown = list(threads.values_list("pk", "title", "created_at")[:UNANSWERED_SHOWN])
    count = threads.count()
    rows = [[title, created_at] for _pk, title, created_at in shown]
    return Figure(
        "unanswered",
        "Unanswered threads",
        f"{count} threads have no reply yet; the oldest {len(rows)} are listed.",
        ["Thread", "Started"],
        rows,
        bar=None,
        links=[reverse("admin:courses_course_thread", args=[course.pk, pk]) for pk, *_ in shown],
    )


def _due_lessons(course: Course, now: datetime) -> QuerySet[Lesson]:
    """The course's released quizzes and assignments whose due date has passed."""
    return (
        Lesson.objects.of_course(course).released(now).filter(Q(quiz__due_at__lt=now) | Q(assignment__due_at__lt=now))
    )


def at_risk(course: Course, now: datetime, inactive_days: int | None = None) -> Figure:
    """Two queries: each student's last moment, and their overdue work."""
    inactive_days = inactive_days if inactive_days is not None else settings.ANALYTICS_INACTIVE_DAYS
    moments, params = moments_sql(course=course, since=None)
    last_sql = (
        f"WITH m (student_id, course_id, at) AS ({moments}) SELECT student_id, MAX(at) FROM m GROUP BY student_id"  # noqa: S608
    )
    last = dict(_fetch(last_sql, params))
    due = _due_lessons(course, now)
    done = LessonProgress.objects.filter(
        student=OuterRef("student_id"), completed_at__isnull=False, lesson__in=due.values("pk")
    )
    due_count = due.using(reports_db()).count()
    subscriptions = (
        Subscription.objects.using(reports_db())
        .filter(course=course)
        .select_related("student")
        .annotate(done=count_of(done, "student"))
        .order_by("student__username")
    )
    cutoff = now - timedelta(days=inactive_days)
    rows, links = [], []
    for subscription in subscriptions:
        last_at = _aware(last.get(subscription.student_id))
        seen = max(filter(None, [last_at, subscription.subscribed_at]))
        behind = due_count - subscription.done
        if seen >= cutoff and behind <= 0:
            continue
        reasons = []
        if seen < cutoff:
            reasons.append(f"no activity for {(now - seen).days} days")
        if behind > 0:
            reasons.append(f"{behind} overdue")
        student = subscription.student
        rows.append([student.display_name(), seen, behind, "; ".join(reasons)])
        links.append(reverse("admin:courses_course_analytics_student", args=[course.pk, student.pk]))
    order = sorted(range(len(rows)), key=lambda i: rows[i][1])
    return Figure(
        "at_risk",
        "Students at risk",
        f"No activity for {inactive_days} days, or quizzes and assignments past their due date not completed.",
        ["Student", "Last activity", "Overdue", "Why"],
        [rows[i] for i in order],
        bar=None,
        links=[links[i] for i in order],
    )


def _aware(value):
    """A moment read by raw SQL: SQLite returns text, PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.UTC)


def student_count(course: Course) -> int:
    return Subscription.objects.using(reports_db()).filter(course=course).count()


def course_figures(
    course: Course, sections=COURSE_SECTIONS, now: datetime | None = None, students: int | None = None
) -> dict[str, list[Figure]]:
    """The figures of a course's dashboard by section (or of some sections: a live part), in a
    number of queries that depends on the sections only. `students`: the count, if the caller has it."""
    now = now or timezone.now()
    spans = weeks(now)
    wanted = set(sections)
    if students is None:
        students = student_count(course) if wanted & {"funnel", "assignments"} else 0
    builders = {
        "enrolments": lambda: [enrolments(course, spans)],
        "activity": lambda: [activity(course, spans)],
        "funnel": lambda: [funnel(course, students)],
        "quizzes": lambda: [quiz_scores(course), hardest_questions(course)],
        "assignments": lambda: [
            assignments(course, students, now),
            backlog(Course.objects.filter(pk=course.pk), now),
        ],
        "discussions": lambda: [discussions(course, spans), unanswered(course)],
        "at_risk": lambda: [at_risk(course, now)],
    }
    return {section: builders[section]() for section in COURSE_SECTIONS if section in wanted}


def course_sections(course: Course, sections=COURSE_SECTIONS, students: int | None = None) -> list[dict]:
    """The dashboard's sections as its page and its live parts render them: key, heading, figures."""
    found = course_figures(course, sections, students=students)
    return [{"key": key, "title": SECTION_TITLES[key], "figures": figures} for key, figures in found.items()]


def student_lessons(course: Course, student) -> list[dict]:
    """One student's progress in a course, lesson by lesson (the at-risk list's links): released
    lessons in order, with first and last view and completion."""
    progress = LessonProgress.objects.filter(lesson=OuterRef("pk"), student=student)
    return list(
        Lesson.objects.using(reports_db())
        .of_course(course)
        .released()
        .in_order()
        .annotate(
            first_viewed=Subquery(progress.values("first_viewed_at")[:1]),
            last_viewed=Subquery(progress.values("last_viewed_at")[:1]),
            completed=Subquery(progress.values("completed_at")[:1]),
        )
        .values("pk", "title", "kind", "first_viewed", "last_viewed", "completed")
    )


def get_course_student(course: Course, student_id: int):
    """A current subscriber of the course; None for anyone else."""
    subscription = (
        Subscription.objects.using(reports_db())
        .filter(course=course, student_id=student_id)
        .select_related("student")
        .first()
    )
    return subscription.student if subscription else None


# The site's figures.


def signups(spans) -> Figure:
    counts = _per_week(get_user_model().objects.all(), "date_joined", spans)
    return Figure(
        "signups",
        "Sign-ups per week",
        "New accounts each week.",
        ["Week", "Sign-ups"],
        [[_week_label(start), count] for (start, _end), count in zip(spans, counts, strict=True)],
    )


def site_enrolments(spans) -> Figure:
    counts = _per_week(Subscription.objects.all(), "subscribed_at", spans)
    return Figure(
        "enrolments",
        "Enrolments per week, all courses",
        "New subscriptions to any course each week (current subscribers).",
        ["Week", "New enrolments"],
        [[_week_label(start), count] for (start, _end), count in zip(spans, counts, strict=True)],
    )


def site_activity(spans) -> Figure:
    counts = _active_per_week(None, spans)
    return Figure(
        "activity",
        "Active students per week, all courses",
        "Students active in any of their courses each week.",
        ["Week", "Active students"],
        [[_week_label(start), count] for (start, _end), count in zip(spans, counts, strict=True)],
    )


def course_activity(now: datetime, weeks_back: int = 4) -> tuple[Figure, Figure]:
    """Two queries: students active in each course over the last `weeks_back` weeks (this one
    included), grouped in one pass over the rollup (a subquery per course was ten times slower on
    the benchmark data), and the published courses; the most and the least active of them. The
    weeks are named (the rollup's are Mondays): SQLite then reads them through the index that
    starts with the week, where a range let it prefer the course's index and read every week
    (42 -> 17 ms on the benchmark data)."""
    mondays = [start.date() for start, _end in weeks(now, weeks_back)]
    active = dict(
        ActiveWeek.objects.using(reports_db())
        .filter(week__in=mondays)
        .of_subscribers()
        .order_by()
        .values("course")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("course", "n")
    )
    rows = [
        (pk, code, title, active.get(pk, 0))
        for pk, code, title in Course.objects.using(reports_db())
        .filter(is_published=True)
        .values_list("pk", "code", "title")
    ]
    ranked = sorted(rows, key=lambda row: (-row[3], row[1]))
    least = sorted(rows, key=lambda row: (row[3], row[1]))[:COURSES_RANKED]

    def figure(key, title, chosen):
        return Figure(
            key,
            title,
            f"Published courses by students active in them over the last {weeks_back} weeks.",
            ["Course", "Active students"],
            [[f"{code}: {title}", count] for _pk, code, title, count in chosen],
            links=[reverse("admin:courses_course_analytics", args=[pk]) for pk, *_ in chosen],
        )

    return (
        figure("most_active", "Most active courses", ranked[:COURSES_RANKED]),
        figure("least_active", "Least active courses", least),
    )


#: The sections of the dashboard across courses and their headings; each one is read again when an
#: event says it changed (site admins' open pages: static/js/analytics.js, notifications/signals.py).
SITE_SECTION_TITLES = {"people": "People", "courses": "Courses", "work": "Discussions and grading"}
SITE_SECTIONS = tuple(SITE_SECTION_TITLES)
#: The sections across courses that a change of a course's sections changes.
_SITE_SECTIONS_OF = {
    "enrolments": ("people",),
    "activity": ("people", "courses"),
    "discussions": ("work",),
    "assignments": ("work",),
}


def site_sections_changed_by(course_sections) -> list[str]:
    """The sections of the dashboard across courses that change with these sections of a course's."""
    return sorted({site for section in course_sections for site in _SITE_SECTIONS_OF.get(section, ())})


def site_sections(sections=SITE_SECTIONS, now: datetime | None = None) -> list[dict]:
    """The dashboard across courses by section (or some sections: what changed), as its page
    renders them: key, heading, figures; in a number of queries that depends on the sections only."""
    now = now or timezone.now()
    spans = weeks(now)
    builders = {
        "people": lambda: [signups(spans), site_enrolments(spans), site_activity(spans)],
        "courses": lambda: list(course_activity(now)),
        "work": lambda: [discussions(None, spans), backlog(None, now)],
    }
    return [
        {"key": key, "title": SITE_SECTION_TITLES[key], "figures": builders[key]()}
        for key in SITE_SECTIONS
        if key in sections
    ]


def site_figures(now: datetime | None = None) -> list[Figure]:
    """Every figure across courses (their CSV, the tests)."""
    return [figure for section in site_sections(now=now) for figure in section["figures"]]


def completion_figure(user) -> Figure:
    """The completion report (selectors.completion_report, the API's too) as a table."""
    rows, links = [], []
    for course in completion_report(user):
        rows.append(
            [
                f"{course.code}: {course.title}",
                course.instructor.display_name() if course.instructor else "",
                "yes" if course.is_published else "no",
                course.subscribers,
                course.completed,
                _percent(course.completed, course.subscribers),
            ]
        )
        links.append(reverse("admin:courses_course_analytics", args=[course.pk]))
    return Figure(
        "completion",
        "Course completion",
        "Per course: its current subscribers and how many of them completed it.",
        ["Course", "Instructor", "Published", "Subscribers", "Completed", "Completion (%)"],
        rows,
        bar=None,
        links=links,
    )
