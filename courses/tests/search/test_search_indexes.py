"""The searches are answered from the full-text indexes of migration 0005, on either database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from courses import selectors

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: ask whether the index can serve
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_catalog_search_uses_the_full_text_indexes(cs101, ma201):
    text = plan(selectors.catalog_courses(AnonymousUser(), "programming"))
    if connection.vendor == "postgresql":
        # the course's trigger-kept document (not recomputed per row) and the names' GIN index
        assert "courses_course.search_document" in text and "user_name_search" in text
    else:
        assert "courses_course_fts VIRTUAL TABLE" in text
