"""Full-text search indexes (courses/selectors/search.py reads them).

SQLite: two FTS5 tables kept in step by triggers, whatever writes the rows (services, the admin,
bulk inserts, loaddata): `courses_course_fts` (rowid = the course's id: code, title, instructor's
names, description) and `courses_content_fts` (lessons, resources, threads and posts; rowid = id * 4
+ kind, so a row is found by its rowid; `course` holds the token c<course id>).

PostgreSQL: a weighted `search_document` tsvector column on courses, lessons, resources, threads
and posts, kept in step by a BEFORE trigger, with a GIN index; the instructors' names a GIN
expression index built from the selector's own `SearchVector` (so the planner matches it).

Each half runs only on its own database; the other is a no-op.
"""

from django.db import migrations

FTS_TABLES = """
CREATE VIRTUAL TABLE courses_course_fts USING fts5(
    code, title, instructor, description, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '1 2 3'
);

CREATE VIRTUAL TABLE courses_content_fts USING fts5(
    title, body, course, kind UNINDEXED, obj_id UNINDEXED, thread_id UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2', prefix = '1 2 3'
);
"""

INSTRUCTOR = "(SELECT first_name || ' ' || last_name || ' ' || username FROM accounts_user WHERE id = {}.instructor_id)"

# kind numbers in the content rowid: lesson 0, resource 1, thread 2, post 3
SQLITE_TRIGGERS = f"""
CREATE TRIGGER courses_course_fts_ai AFTER INSERT ON courses_course BEGIN
    INSERT INTO courses_course_fts (rowid, code, title, instructor, description)
    VALUES (new.id, new.code, new.title, {INSTRUCTOR.format("new")}, new.description);
END;

CREATE TRIGGER courses_course_fts_au AFTER UPDATE OF code, title, description, instructor_id ON courses_course BEGIN
    DELETE FROM courses_course_fts WHERE rowid = old.id;
    INSERT INTO courses_course_fts (rowid, code, title, instructor, description)
    VALUES (new.id, new.code, new.title, {INSTRUCTOR.format("new")}, new.description);
END;

CREATE TRIGGER courses_course_fts_ad AFTER DELETE ON courses_course BEGIN
    DELETE FROM courses_course_fts WHERE rowid = old.id;
END;

CREATE TRIGGER courses_course_fts_user_au AFTER UPDATE OF first_name, last_name, username ON accounts_user BEGIN
    UPDATE courses_course_fts SET instructor = new.first_name || ' ' || new.last_name || ' ' || new.username
    WHERE rowid IN (SELECT id FROM courses_course WHERE instructor_id = new.id);
END;

CREATE TRIGGER courses_lesson_fts_ai AFTER INSERT ON courses_lesson BEGIN
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4, new.title, new.body, 'c' || (SELECT course_id FROM courses_module WHERE id = new.module_id),
            'lesson', new.id, NULL);
END;

CREATE TRIGGER courses_lesson_fts_au AFTER UPDATE OF title, body, module_id ON courses_lesson BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4;
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4, new.title, new.body, 'c' || (SELECT course_id FROM courses_module WHERE id = new.module_id),
            'lesson', new.id, NULL);
END;

CREATE TRIGGER courses_lesson_fts_ad AFTER DELETE ON courses_lesson BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4;
END;

CREATE TRIGGER courses_resource_fts_ai AFTER INSERT ON courses_resource BEGIN
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4 + 1, new.title, new.body, 'c' || new.course_id, 'resource', new.id, NULL);
END;

CREATE TRIGGER courses_resource_fts_au AFTER UPDATE OF title, body, course_id ON courses_resource BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 1;
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4 + 1, new.title, new.body, 'c' || new.course_id, 'resource', new.id, NULL);
END;

CREATE TRIGGER courses_resource_fts_ad AFTER DELETE ON courses_resource BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 1;
END;

CREATE TRIGGER courses_thread_fts_ai AFTER INSERT ON courses_thread BEGIN
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4 + 2, new.title, '', 'c' || new.course_id, 'thread', new.id, new.id);
END;

CREATE TRIGGER courses_thread_fts_au AFTER UPDATE OF title, course_id ON courses_thread BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 2;
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4 + 2, new.title, '', 'c' || new.course_id, 'thread', new.id, new.id);
END;

CREATE TRIGGER courses_thread_fts_ad AFTER DELETE ON courses_thread BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 2;
END;

CREATE TRIGGER courses_post_fts_ai AFTER INSERT ON courses_post WHEN NOT new.is_removed BEGIN
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    VALUES (new.id * 4 + 3, '', new.body, 'c' || (SELECT course_id FROM courses_thread WHERE id = new.thread_id),
            'post', new.id, new.thread_id);
END;

CREATE TRIGGER courses_post_fts_au AFTER UPDATE OF body, is_removed, thread_id ON courses_post BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 3;
    INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    SELECT new.id * 4 + 3, '', new.body, 'c' || (SELECT course_id FROM courses_thread WHERE id = new.thread_id),
           'post', new.id, new.thread_id
    WHERE NOT new.is_removed;
END;

CREATE TRIGGER courses_post_fts_ad AFTER DELETE ON courses_post BEGIN
    DELETE FROM courses_content_fts WHERE rowid = old.id * 4 + 3;
END;
"""

# The rows that exist already (an upgraded database).
SQLITE_FILL = f"""
INSERT INTO courses_course_fts (rowid, code, title, instructor, description)
    SELECT c.id, c.code, c.title, {INSTRUCTOR.format("c")}, c.description FROM courses_course c;

INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    SELECT l.id * 4, l.title, l.body, 'c' || m.course_id, 'lesson', l.id, NULL
    FROM courses_lesson l JOIN courses_module m ON m.id = l.module_id;

INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    SELECT id * 4 + 1, title, body, 'c' || course_id, 'resource', id, NULL FROM courses_resource;

INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    SELECT id * 4 + 2, title, '', 'c' || course_id, 'thread', id, id FROM courses_thread;

INSERT INTO courses_content_fts (rowid, title, body, course, kind, obj_id, thread_id)
    SELECT p.id * 4 + 3, '', p.body, 'c' || t.course_id, 'post', p.id, p.thread_id
    FROM courses_post p JOIN courses_thread t ON t.id = p.thread_id WHERE NOT p.is_removed;
"""

TRIGGERS = [
    f"courses_{table}_fts_{when}" for table in ("course", "lesson", "resource", "thread", "post") for when in ("ai", "au", "ad")
] + ["courses_course_fts_user_au"]
SQLITE_DROP_TRIGGERS = "".join(f"DROP TRIGGER IF EXISTS {name};\n\n" for name in TRIGGERS)

SQLITE_DROP = """
DROP TABLE IF EXISTS courses_course_fts;

DROP TABLE IF EXISTS courses_content_fts;
"""


def _statements(script: str) -> list[str]:
    # Statements are separated by a blank line (trigger bodies hold semicolons, which Django's
    # sqlparse-based splitting of RunSQL would cut).
    return [statement.strip() for statement in script.split(";\n\n") if statement.strip()]


def sqlite_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _statements(FTS_TABLES + SQLITE_TRIGGERS + SQLITE_FILL):
        schema_editor.execute(statement, params=None)


def sqlite_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _statements(SQLITE_DROP_TRIGGERS + SQLITE_DROP):
        schema_editor.execute(statement, params=None)


# PostgreSQL: a plain tsvector column per table, set by a BEFORE trigger from the row's own
# columns (not a generated column: those forbid later type changes of the columns they read), with
# a GIN index. The instructor's names are a GIN expression index on the user table.
POSTGRES_DOCUMENTS = {
    "courses_course": (
        "code, title, description",
        "setweight(to_tsvector('english', coalesce(NEW.code, '') || ' ' || coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C')",
    ),
    "courses_lesson": (
        "title, body",
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B')",
    ),
    "courses_resource": (
        "title, body",
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B')",
    ),
    "courses_thread": ("title", "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"),
    "courses_post": ("body", "setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B')"),
}


def postgres_forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from courses.selectors.search import postgres_name_index

    for table, (columns, document) in POSTGRES_DOCUMENTS.items():
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_document tsvector")
        schema_editor.execute(
            f"CREATE FUNCTION {table}_search_document() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN NEW.search_document := {document}; RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_document BEFORE INSERT OR UPDATE OF {columns} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {table}_search_document()"
        )
        first = columns.split(",")[0]
        schema_editor.execute(f"UPDATE {table} SET {first} = {first}")  # the rows that exist already
        schema_editor.execute(f"CREATE INDEX {table}_search ON {table} USING gin (search_document)")
    schema_editor.add_index(apps.get_model("accounts", "User"), postgres_name_index())


def postgres_backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from courses.selectors.search import postgres_name_index

    schema_editor.remove_index(apps.get_model("accounts", "User"), postgres_name_index())
    for table in POSTGRES_DOCUMENTS:
        schema_editor.execute(f"DROP TRIGGER {table}_search_document ON {table}")
        schema_editor.execute(f"DROP FUNCTION {table}_search_document()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0007_calendar_feed"),
    ]

    operations = [
        migrations.RunPython(sqlite_forwards, sqlite_backwards, elidable=False),
        migrations.RunPython(postgres_forwards, postgres_backwards, elidable=False),
    ]
