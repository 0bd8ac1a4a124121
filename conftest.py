"""Shared fixtures: the people of every test, and the real servers some tests need.

People: alice and bob teach (each their own course), carol is a student subscribed to alice's
CS101 (carol_in_cs101), dave is a student subscribed to nothing (the outsider) unless a test asks
for dave_in_cs101, root is a site admin; `people` has them all by name, with "anonymous". The staff
(alice, bob, root) have an authenticator app, as the site requires, and `client.force_login`
proves it. They are defined here and nowhere else. Test helpers live in lms_site/testing/; tests never import this file.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make are
# still plain synchronous calls. Servers under test never get this variable (see DaphneServer).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hashing strength is not under test: the production algorithm (PBKDF2) with few iterations. The
# test process uses it (fast_password_hashing) and so does every server the tests start, which
# inherit this environment: a daphne on the default hashers would verify these hashes too, but
# then re-hash each one at full cost (0.6 s of CPU here) and save it on every first log-in.
FAST_PASSWORD_HASHERS = "lms_site.testing.servers.FastPBKDF2PasswordHasher"
os.environ["PASSWORD_HASHERS"] = FAST_PASSWORD_HASHERS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_PATH = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.hookimpl(tryfirst=True)  # before pytest-django's, which then puts them in Django's order
def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` run in the PostgreSQL run of `make test` only: deselected (never
    skipped, never counted) on SQLite. Every test that uses the `browser` fixture carries the
    `browser` marker, which `make test` runs on SQLite only.

    pytest-django then sorts them as Django does: tests in a transaction first, then transactional
    ones (whose flush leaves the database empty until the next one's setup). Within each, tests
    marked `long` go first: with the tests spread over processes (pytest-xdist, `--dist load`, which
    hands each process tests in this order), one of them runs it while the others take the rest,
    instead of it running alone at the end.

    Transactional tests restore the database as migrations left it, rows and ids alike.

    After a plain flush, post_migrate recreates content types and permissions under new ids, while
    a daphne started earlier in the session still caches the old ones (its next admin save then
    fails on the log entry's foreign key). Serialized rollback skips that and reloads the original
    rows with their original ids, so every process agrees on them for the whole session."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        postgres_only = [item for item in items if item.get_closest_marker("postgresql")]
        if postgres_only:
            config.hook.pytest_deselected(items=postgres_only)
            items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: the rest keep their order
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)  # every test that drives Chromium, marked or not
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,)))
        if transactional or {"transactional_db", "daphne"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """One test database per test run, named after the pytest process, so that runs side by side
    do not trample each other. On SQLite it is a file, not Django's in-memory default: the daphne
    processes and workers the tests start open the same database (lms_site.testing.servers.database_url)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = str(settings.BASE_DIR / f".test-db-{os.getpid()}.sqlite3")
    else:
        name = f"test_{database['NAME']}_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = name


@pytest.fixture(scope="session", autouse=True)
def serialized_contents_for_every_context(django_db_setup):
    """Django keeps the serialized database on the connection object, and connections are
    context-local. Playwright's sync API switches contexts, so a test running after the browser
    started would see a fresh connection object without it, and its flush would re-run
    post_migrate (new content type ids). Putting the string on the class makes it visible to
    every connection object of this backend.

    The attribute is private, but it is the one Django's serialized_rollback reads (in
    TransactionTestCase._fixture_setup and _fixture_teardown) and there is no public way to set it:
    serialize_db_to_string()/deserialize_db_from_string() from a fixture would still leave the
    teardown flush running post_migrate, which is what recreates content types under new ids.
    The reload itself is load_serialized's."""
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
            type(connection.creation).deserialize_db_from_string = load_serialized


@pytest.fixture(scope="session", autouse=True)
def test_database_dropped_at_the_end(django_db_setup, django_db_blocker):
    """Django drops the test database after the run, which PostgreSQL refuses while another session
    uses it: a server the run has just stopped, before PostgreSQL notices, or a thread of this
    process. Those sessions are ended first, so that no run leaves its database behind."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def load_serialized(creation, data: str) -> None:
    """Django's deserialize_db_from_string, run before each transactional test, with one INSERT per
    table: Django saves the rows migrating left (316: content types, permissions, a group) one at a
    time, two queries each, 0.3 s on PostgreSQL. As there: one transaction, constraints checked at
    its end, no signals (those rows are saved raw)."""
    from django.core import serializers
    from django.db import transaction

    connection = creation.connection
    objects = list(serializers.deserialize("json", data, using=connection.alias))
    by_model: dict = {}
    for deserialized in objects:
        by_model.setdefault(type(deserialized.object), []).append(deserialized)
    with transaction.atomic(using=connection.alias):
        with connection.constraint_checks_disabled():
            for model, rows in by_model.items():
                # The first transactional test finds them still there: as save() would, replace them.
                fields = [field.name for field in model._meta.concrete_fields if not field.primary_key]
                model._base_manager.using(connection.alias).bulk_create(
                    [row.object for row in rows],
                    update_conflicts=bool(fields),
                    ignore_conflicts=not fields,
                    unique_fields=[model._meta.pk.name] if fields else None,
                    update_fields=fields or None,
                )
                for row in rows:
                    for name, values in (row.m2m_data or {}).items():
                        getattr(row.object, name).set(values)
        connection.check_constraints(table_names=[model._meta.db_table for model in by_model])


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test (throttle counts live there): each test starts from nothing."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The test process hashes as its servers do (FAST_PASSWORD_HASHERS): its settings were read
    before this file set the environment."""
    settings.PASSWORD_HASHERS = [FAST_PASSWORD_HASHERS]


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """Every test session talks to its own real Redis: the test process publishes through it."""
    from channels.layers import channel_layers
    from django.conf import settings

    from lms_site.settings import redis_channel_layer
    from lms_site.testing.servers import RedisServer

    server = RedisServer().start()
    settings.REDIS_URL = server.url
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(server.url, settings.CHANNEL_PREFIX)}
    channel_layers.backends.clear()
    yield server
    server.stop()


def _make_user(django_user_model, username, role="student", **extra):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.edu", password="pw-" + username * 2, role=role, **extra
    )
    if role == "instructor":
        from accounts.services import make_instructor

        make_instructor(user)
    if user.requires_second_factor:
        from lms_site.testing.mfa import enrol_totp

        enrol_totp(user)  # as the site requires of staff before the admin
    return user


@pytest.fixture
def alice(django_user_model):
    return _make_user(django_user_model, "alice", "instructor", first_name="Alice", last_name="Archer")


@pytest.fixture
def bob(django_user_model):
    return _make_user(django_user_model, "bob", "instructor", first_name="Bob", last_name="Baker")


@pytest.fixture
def carol(django_user_model):
    return _make_user(django_user_model, "carol", first_name="Carol", last_name="Chen")


@pytest.fixture
def dave(django_user_model):
    return _make_user(django_user_model, "dave", first_name="Dave", last_name="Diaz")


@pytest.fixture
def root(django_user_model):
    from lms_site.testing.mfa import enrol_totp

    user = django_user_model.objects.create_superuser(
        username="root", email="root@example.edu", password="pw-rootroot", role="admin"
    )
    enrol_totp(user)
    return user


@pytest.fixture
def client():
    """Django's test client, whose force_login is a whole log-in: the second factor is proven for
    a user who has one (lms_site.testing.mfa.VerifiedClient)."""
    from lms_site.testing.mfa import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def people(alice, bob, carol, dave, root):
    """Everyone by name, and "anonymous" (None), for tests that go through them as a table."""
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "root": root, "anonymous": None}


@pytest.fixture
def cs101(alice):
    from courses.models import Course

    return Course.objects.create(code="CS101", title="Introduction to Programming", instructor=alice, is_published=True)


@pytest.fixture
def ma201(bob):
    from courses.models import Course

    return Course.objects.create(code="MA201", title="Linear Algebra", instructor=bob, is_published=True)


@pytest.fixture
def draft(alice):
    from courses.models import Course

    return Course.objects.create(code="CS999", title="Unreleased Seminar", instructor=alice, is_published=False)


@pytest.fixture
def carol_in_cs101(carol, cs101):
    from courses.models import Subscription

    return Subscription.objects.create(student=carol, course=cs101)


@pytest.fixture
def dave_in_cs101(dave, cs101):
    from courses.models import Subscription

    return Subscription.objects.create(student=dave, course=cs101)


@pytest.fixture(scope="session")
def daphne(django_db_setup, django_db_blocker, redis_server):
    """A real daphne serving the test database through the test Redis. Tests that use it must
    commit their data: mark them with `transactional_db`."""
    from django.db import connection

    from lms_site.testing.servers import DaphneServer, database_url

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    server = DaphneServer(database_url=url, redis_url=redis_server.url).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Missing Chromium fails, never skips."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def axe():
    """Run axe-core on a Playwright page; returns the violations (empty is good)."""
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing: run `make test`, which installs axe-core from npm.")

    source = AXE_PATH.read_text()

    def run(page) -> list[dict]:
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline
        # script) stays on for the page itself, and a <script> tag would be refused by it.
        page.evaluate(source)
        return page.evaluate("async () => (await axe.run()).violations")

    return run


@pytest.fixture
def logged_in_page(browser, daphne):
    from lms_site.testing.browser import login_page

    pages = []

    def open_as(user, password=None):
        page = login_page(browser, daphne, user, password)
        pages.append(page)
        return page

    yield open_as
    for page in pages:
        page.context.close()


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """A real `manage.py db_worker` running the tasks this test enqueues, against the test database.
    Uploaded files (MEDIA_ROOT) and private files (PRIVATE_ROOT) go to this test's own folders, the
    same for the test process and the worker."""
    from django.db import connection

    from lms_site.testing.servers import WorkerServer, database_url

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    server = WorkerServer(
        database_url=database_url(connection.settings_dict),
        extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT), "PRIVATE_ROOT": str(settings.PRIVATE_ROOT)},
    ).start()
    yield server
    server.stop()
