"""Full-text search: the catalog's courses and one course's lessons, resources and discussions.

The one place that knows the database: SQLite answers from FTS5 tables kept in step by triggers
(migration 0005), ranked with bm25, snippets by snippet(); PostgreSQL from a weighted, GIN-indexed
`search_document` tsvector column that triggers keep (migration 0005) and a GIN expression index on
users' names, ranked with `SearchRank` (ts_rank), snippets by `SearchHeadline` (ts_headline).
Callers never branch on the vendor.

What a user types is never SQL, nor FTS syntax: it is cut into words (letters and digits only, so
`"`, `*`, `AND`, `-`, `NEAR(` are plain words or nothing), each word is quoted, all must match,
and the last one matches as a prefix (a word being typed). The query string is a bound parameter.
Weights: a course's code and title above its instructor's names above its description; an item's
title above its text.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import Course, Lesson, Post, Resource, Thread
from ..permissions import teaches

CONFIG = "english"
MAX_WORDS = 8
#: Highlight markers: private-use characters, turned into <mark> only after the text is escaped.
START, STOP = "\ue000", "\ue001"
CONTENT_RESULTS = 30

_WORD = re.compile(r"[^\W_]+")


def words(query: str) -> list[str]:
    """The words of a query: runs of letters and digits, lower-cased, at most MAX_WORDS."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_WORDS]


# --- PostgreSQL: the weighted documents of migration 0005 -------------------------------------


def _person_vector(prefix: str = ""):
    names = [f"{prefix}first_name", f"{prefix}last_name", f"{prefix}username"]
    return SearchVector(*names, weight="B", config=CONFIG)


def postgres_name_index() -> GinIndex:
    """The index of migration 0005 on users' names, built from the vector the query uses."""
    return GinIndex(_person_vector(), name="user_name_search")


def _document(table: str) -> RawSQL:
    """The row's `search_document` column (a trigger keeps it; Django's models do not know it).
    Used in the outer query of each table, so the table's own name qualifies it."""
    return RawSQL(f'"{table}"."search_document"', [], output_field=SearchVectorField())  # noqa: S611 (our table names)


_ITEMS = {
    # kind: (model, the snippet's field, the title's field)
    "lesson": (Lesson, "body", "title"),
    "resource": (Resource, "body", "title"),
    "thread": (Thread, "title", "title"),
    "post": (Post, "body", "thread__title"),
}


def _ts_query(terms: list[str]) -> SearchQuery:
    # Words are letters and digits only: quoting them makes each one a lexeme, never an operator.
    lexemes = [f"'{term}'" for term in terms[:-1]] + [f"'{terms[-1]}':*"]
    return SearchQuery(" & ".join(lexemes), search_type="raw", config=CONFIG)


def _fts_query(terms: list[str]) -> str:
    return " AND ".join([f'"{term}"' for term in terms[:-1]] + [f'"{terms[-1]}"*'])


# --- the catalog ------------------------------------------------------------------------------


def search_courses(courses: QuerySet[Course], query: str) -> QuerySet[Course]:
    """These courses (already cut to what the user may see) matching the query, best first, each
    with `search_rank` (higher is better). No words: none."""
    terms = words(query)
    if not terms:
        return courses.none()
    if connection.vendor == "postgresql":
        ts_query = _ts_query(terms)
        names = get_user_model().objects.annotate(names=_person_vector()).filter(names=ts_query).values("pk")
        document = _document(Course._meta.db_table)
        return (
            courses.alias(search_document=document)
            .filter(Q(search_document=ts_query) | Q(instructor__in=names))
            .annotate(search_rank=SearchRank(document, ts_query) + SearchRank(_person_vector("instructor__"), ts_query))
            .order_by("-search_rank", "code")
        )
    # A join with the FTS5 table, driven by its MATCH (a correlated bm25 per course would run the
    # full-text query once per row). bm25 is lower for better matches: negated, so that higher is
    # better on both databases. The query string is a bound parameter.
    return courses.extra(
        tables=["courses_course_fts"],
        where=['courses_course_fts.rowid = "courses_course"."id"', "courses_course_fts MATCH %s"],
        params=[_fts_query(terms)],
        select={"search_rank": "-bm25(courses_course_fts, 10.0, 10.0, 4.0, 2.0)"},
    ).order_by("-search_rank", "code")


# --- one course's content ---------------------------------------------------------------------


@dataclass
class Hit:
    kind: str  # lesson, resource, thread, post
    title: str
    url: str
    snippet: SafeString
    rank: float

    @property
    def label(self) -> str:
        return {"thread": "Discussion"}.get(self.kind, self.kind.capitalize())


def highlight(text: str) -> SafeString:
    """The database's snippet made HTML: every character of the stored text is escaped, and only
    the markers the query put around matches become <mark> (balanced, whatever the text holds)."""
    out, open_mark = [], False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece == START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif piece == STOP and open_mark:
            out.append("</mark>")
            open_mark = False
        elif piece not in (START, STOP):
            out.append(escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped just above)


def _visible_lesson_ids(user, course: Course) -> QuerySet:
    # The learning selectors' rule: a teacher sees every lesson, a student released ones.
    lessons = Lesson.objects.of_course(course)
    return (lessons if teaches(user, course) else lessons.released()).values("pk")


def search_course_content(user, course: Course, query: str, limit: int = CONTENT_RESULTS) -> list[Hit]:
    """Lessons (those this user may see), resources, threads and posts (not removed ones) of a
    course fetched through get_member_course, matching the query, best first, at most `limit`,
    each with a highlighted snippet. One query."""
    terms = words(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        rows = _content_rows_postgres(user, course, terms, limit)
    else:
        rows = _content_rows_sqlite(user, course, terms, limit)
    code = course.code
    hits = []
    for kind, pk, thread_id, title, snippet, rank in rows:
        if kind == "lesson":
            url = reverse("courses:lesson", args=[code, pk])
        elif kind == "resource":
            url = reverse("courses:resource", args=[code, pk])
        elif kind == "thread":
            url = reverse("courses:thread", args=[code, pk])
        else:
            url = reverse("courses:thread", args=[code, thread_id]) + f"#post-{pk}"
        hits.append(Hit(kind=kind, title=title or "", url=url, snippet=highlight(snippet), rank=rank))
    return hits


def _content_rows_sqlite(user, course: Course, terms: list[str], limit: int) -> list[tuple]:
    match = f'course : "c{course.pk}" AND {{title body}} : ({_fts_query(terms)})'
    lesson_sql, lesson_params = _visible_lesson_ids(user, course).query.sql_with_params()
    # Only our own SQL is formatted in (the lesson rule's compiled subquery); values are bound.
    sql = f"""
        SELECT f.kind, f.obj_id, f.thread_id, CASE WHEN f.kind = 'post' THEN t.title ELSE f.title END,
               snippet(courses_content_fts, 1, %s, %s, '…', 24),
               -bm25(courses_content_fts, 10.0, 3.0, 0.0) AS search_rank
        FROM courses_content_fts f LEFT JOIN courses_thread t ON f.kind = 'post' AND t.id = f.thread_id
        WHERE courses_content_fts MATCH %s AND (f.kind <> 'lesson' OR f.obj_id IN ({lesson_sql}))
        ORDER BY search_rank DESC, f.rowid LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, match, *lesson_params, limit])
        return cursor.fetchall()


def _content_rows_postgres(user, course: Course, terms: list[str], limit: int) -> list[tuple]:
    ts_query = _ts_query(terms)
    sources = {
        "lesson": Lesson.objects.filter(pk__in=_visible_lesson_ids(user, course)),
        "resource": Resource.objects.filter(course=course),
        "thread": Thread.objects.filter(course=course),
        "post": Post.objects.filter(thread__course=course, is_removed=False),
    }
    parts = []
    for kind, queryset in sources.items():
        model, text, title = _ITEMS[kind]
        document = _document(model._meta.db_table)
        parts.append(
            queryset.alias(search_document=document)
            .filter(search_document=ts_query)
            .annotate(
                hit_kind=Value(kind, output_field=CharField()),
                hit_id=F("pk"),
                hit_thread=F("thread_id") if kind == "post" else Cast(Value(None), BigIntegerField()),
                hit_title=F(title),
                hit_snippet=SearchHeadline(
                    text,
                    ts_query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=10,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
                search_rank=SearchRank(document, ts_query),
            )
            .order_by()
            .values_list("hit_kind", "hit_id", "hit_thread", "hit_title", "hit_snippet", "search_rank")
        )
    union = parts[0].union(*parts[1:], all=True).order_by("-search_rank", "hit_kind", "hit_id")
    return list(union[:limit])
