"""The analytics rollups' writes (courses/models/analytics.py): `record_activity`, called by every
service that leaves a moment of a student's work; `subscription_changed`, when a subscription begins
or ends (courses/signals.py: every path, the admin's deletes and a course's included); and
`rebuild_analytics`, which computes both again from the source rows in set-based statements (after
bulk inserts: `manage.py rebuild_analytics`)."""

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from ..models import ActiveWeek, SiteActiveWeek, Subscription


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week of `moment`."""
    day = moment.astimezone(timezone.UTC).date()
    return day - timedelta(days=day.weekday())


def record_activity(*, student_id: int, course_id: int, at: datetime | None = None) -> None:
    """The student was active in the course this week: one row per week, written once (inserts
    that ignore the existing row, so concurrent requests need no lock); and, for a subscriber of
    the course, in the site's week, in the same statement as the check. Events: none."""
    week = week_of(at or timezone.now())
    ActiveWeek.objects.bulk_create(
        [ActiveWeek(student_id=student_id, course_id=course_id, week=week)], ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SiteActiveWeek._meta.db_table} (student_id, week) SELECT %s, %s "  # noqa: S608 (our tables)
            f"WHERE EXISTS (SELECT 1 FROM {Subscription._meta.db_table} WHERE student_id = %s AND course_id = %s) "
            "ON CONFLICT DO NOTHING",
            [student_id, week, student_id, course_id],
        )


def subscription_changed(*, student_id: int) -> None:
    """A subscription of the student's began or ended: their weeks across courses become again the
    weeks of their activity in the courses they are subscribed to now (a student who left counts
    nowhere; one who came back counts again). Two queries when nothing changes. Events: none."""
    counted = set(ActiveWeek.objects.filter(student_id=student_id).of_subscribers().values_list("week", flat=True))
    kept = set(SiteActiveWeek.objects.filter(student_id=student_id).values_list("week", flat=True))
    if kept - counted:
        SiteActiveWeek.objects.filter(student_id=student_id, week__in=kept - counted).delete()
    if counted - kept:
        SiteActiveWeek.objects.bulk_create(
            [SiteActiveWeek(student_id=student_id, week=week) for week in sorted(counted - kept)],
            ignore_conflicts=True,
        )


def _week_sql(column: str) -> str:
    """SQL of the Monday (UTC) of a datetime column, per database: stored as UTC on both."""
    if connection.vendor == "postgresql":
        return f"(date_trunc('week', {column} AT TIME ZONE 'UTC'))::date"
    return f"date({column}, '-6 days', 'weekday 1')"


@transaction.atomic
def rebuild_analytics() -> int:
    """Every week of every student's activity again from the source rows (progress, attempts,
    submissions, posts), in one INSERT ... SELECT DISTINCT, then the site's weeks from those, in
    another: no row passes through Python. Returns the number of course weeks. Events: none."""
    from ..selectors.analytics import moments_sql

    moments, params = moments_sql(course=None, since=None, using=connection.alias)
    table = ActiveWeek._meta.db_table
    site_table = SiteActiveWeek._meta.db_table
    site_rows = ActiveWeek.objects.of_subscribers().order_by().values_list("student_id", "week").distinct()
    site_sql, site_params = site_rows.query.get_compiler(using=connection.alias).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {site_table}")  # noqa: S608 (our own tables' names)
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"WITH m (student_id, course_id, at) AS ({moments}) "  # noqa: S608 (SQL compiled by Django)
            f"INSERT INTO {table} (student_id, course_id, week) "
            f"SELECT DISTINCT m.student_id, m.course_id, {_week_sql('m.at')} FROM m WHERE m.student_id IS NOT NULL",
            params,
        )
        cursor.execute(f"INSERT INTO {site_table} (student_id, week) {site_sql}", site_params)  # Django-compiled
    return ActiveWeek.objects.count()
