"""Settings for the LMS, one file, read from the environment.

Every variable has a safe default for local use; the README lists them all. Production sets
SECRET_KEY, DEBUG=0, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the mail settings. A value the
helpers below cannot read stops the start with ImproperlyConfigured naming the variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _env_parsed(name: str, default, parse, expected: str):
    """Unset means the default; otherwise `parse` reads the value, or the start stops naming the
    variable and what it should be (a typo never silently means a default or off)."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return parse(value)
    except (KeyError, ValueError):
        raise ImproperlyConfigured(f"{name}={value!r} is not {expected}.") from None


_SWITCHES = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no or on/off, in any case, spaces around allowed."""
    return _env_parsed(
        name, default, lambda value: _SWITCHES[value.strip().lower()], "a switch: use 1/0, true/false, yes/no or on/off"
    )


def env_int(name: str, default: int) -> int:
    return _env_parsed(name, default, int, "a whole number")


def env_float(name: str, default: float) -> float:
    return _env_parsed(name, default, float, "a number")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SITE_NAME = env("SITE_NAME", "Lumen LMS")
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (flagged by check --deploy)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "accounts",
    "courses",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that reads the database: a 503 page while it cannot be reached.
    "lms_site.database_down.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.sessions.LastSeenMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "accounts.audit.AuditMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # after the two above: it reads and tells
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms_site.csp.ContentSecurityPolicyMiddleware",
    "accounts.privacy.middleware.PolicyConsentMiddleware",
    # After authentication: it turns a lock-out flagged during authentication into the lock-out page.
    "axes.middleware.AxesMiddleware",
    # Innermost: it sees the 400 of a too-large upload whether the CSRF check or the view parsed it.
    "lms_site.uploads.UploadTooLargeMiddleware",
]

ROOT_URLCONF = "lms_site.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "lms_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms_site.context_processors.site",
            ],
            # {% when %} (every moment a page shows) is in every template without a {% load %}.
            "builtins": ["accounts.templatetags.when"],
        },
    },
]

# Database: SQLite (WAL, IMMEDIATE transactions, busy timeout) unless DATABASE_URL says otherwise.
# DB_CONN_MAX_AGE keeps a connection per thread: the sockets' database thread and each of the HTTP
# turns (lms_site/http_slots.py); one kept is checked before a request reuses it, so a database
# restarted since answers the next page instead of failing it.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
# A PostgreSQL streaming replica for reports (lms_site/databases.py): the "replica" alias, read by
# analytics, the completion report and exports while it answers and lags less than
# DATABASE_REPLICA_MAX_LAG_SECONDS, else they read the primary. Writes and the real-time path
# (replay, heartbeat gap filling, unread counts) always use the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG_SECONDS = env_float("DATABASE_REPLICA_MAX_LAG_SECONDS", 30.0)
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    if _replica["ENGINE"] != "django.db.backends.postgresql" or DATABASES["default"]["ENGINE"] != _replica["ENGINE"]:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL={DATABASE_REPLICA_URL!r}: a replica is a PostgreSQL streaming replica of a "
            "PostgreSQL DATABASE_URL."
        )
    # A replica that is down is noticed within seconds, not after the system's TCP timeout, and a
    # kept connection to it is checked before a request reuses it.
    _replica["OPTIONS"] = {**_replica.get("OPTIONS", {}), "connect_timeout": 2}
    _replica["CONN_HEALTH_CHECKS"] = True
    # Under test the alias reads the test database itself: there is no second one to create.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["lms_site.databases.PrimaryRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "courses:catalog"

# django-axes first: it refuses a locked-out account or address before the password is checked, on
# the log-in page, the admin's log-in and the API's token endpoint alike (all call authenticate()).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# One failure counter per account and one per address (either reaching the limit locks), kept in
# the database so every daphne process shares them. They expire LOGIN_COOLOFF_MINUTES after the
# last failure; an admin unlocks sooner in the admin (Axes: access attempts) or with `axes_reset`.
# Counters are not reset by a successful log-in: otherwise logging into one's own account would
# wipe the address counter and allow guessing at other accounts without end.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
_cool_off_minutes = env_int("LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _cool_off_minutes < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off_minutes)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts while locked are refused unchecked and not counted, so "try again in N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "lms_site.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Attempts are recorded; successful log-ins are not (sessions already say who is logged in).
AXES_DISABLE_ACCESS_LOG = True
# Second factor (docs/architecture.md, "Multi-factor authentication"): TOTP apps name the account
# after the site; passkeys belong to the host the browser sees unless WEBAUTHN_RP_ID pins it (a
# parent domain shared by several hosts). A half-done log-in (password given, code not yet) lasts
# this many seconds.
OTP_TOTP_ISSUER = SITE_NAME
WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", "")
MFA_PENDING_SECONDS = env_int("MFA_PENDING_SECONDS", 300)

# The first hashes new passwords; the others still verify (and upgrade) what they made. A server
# under the test suite is given the suite's fast one (conftest.py), so that its log-ins do not
# re-hash every test user's password at full cost.
PASSWORD_HASHERS = env_list("PASSWORD_HASHERS", ",".join(global_settings.PASSWORD_HASHERS))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates and times as the {% when %} tag shows them, in the viewer's zone with the zone named
# (lms_site/formats/en/formats.py; accounts.middleware.TimeZoneMiddleware activates the zone).
FORMAT_MODULE_PATH = ["lms_site.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# WhiteNoise serves static files under daphne; in DEBUG straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 25)
# A separate, cookie-less origin for user files (https://files.example-usercontent.edu): when set,
# file views redirect there with a signed link and only that host serves them (courses/files.py).
USER_FILES_ORIGIN = env("USER_FILES_ORIGIN", "").rstrip("/")
if USER_FILES_ORIGIN and not USER_FILES_ORIGIN.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"USER_FILES_ORIGIN={USER_FILES_ORIGIN!r} is not an origin like https://files.example.edu."
    )
# Behind nginx (`make cluster`, docs/deploy.md) a file view checks who may read and then hands the
# sending to nginx: django-sendfile2's nginx backend answers with X-Accel-Redirect to the internal
# /media/ location of deploy/nginx/lms.conf, so byte ranges and large downloads never hold a daphne
# process. Off (`make run`, no nginx), Django streams the file itself (courses/ranged.py).
SEND_FILES_WITH_NGINX = env_bool("SEND_FILES_WITH_NGINX", False)
SENDFILE_BACKEND = "django_sendfile.backends.nginx"
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = "/media"
# Files no URL ever serves: data exports (accounts/privacy), streamed to their owner by a view.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(BASE_DIR / "private")))

# Background work: Django's tasks framework on the database (django-tasks-db). Requests enqueue after
# commit; `manage.py db_worker` (started by `make run` beside daphne) runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Privacy (accounts/privacy): how long an export's link works, how long before a requested erasure
# is carried out (the user may cancel until then), and how often a session re-checks the policies.
PRIVACY_EXPORT_DAYS = env_int("PRIVACY_EXPORT_DAYS", 7)
PRIVACY_ERASURE_GRACE_DAYS = env_int("PRIVACY_ERASURE_GRACE_DAYS", 14)
PRIVACY_POLICY_RECHECK_SECONDS = env_int("PRIVACY_POLICY_RECHECK_SECONDS", 60)
if PRIVACY_EXPORT_DAYS < 1 or PRIVACY_ERASURE_GRACE_DAYS < 0 or PRIVACY_POLICY_RECHECK_SECONDS < 0:
    raise ImproperlyConfigured(
        "PRIVACY_EXPORT_DAYS must be 1 or more; PRIVACY_ERASURE_GRACE_DAYS and "
        "PRIVACY_POLICY_RECHECK_SECONDS 0 or more."
    )

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file over MAX_UPLOAD_MB stops the parsing and gets a 413 (lms_site/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "lms_site.uploads.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Mail: the console unless an SMTP host is configured (Django 6.1 mailers).
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "lms@localhost")
# Where links in mail and push point (the worker has no request to build them from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Payments (courses/payments_gateway.py): Stripe's keys. Without the secret and publishable keys paid
# courses cannot be bought (the page says so); without the webhook secret every webhook is refused.
# STRIPE_API_BASE points the library at another server (localstripe in tests); STRIPE_JS_URL is
# where the pay page loads Stripe.js from. STRIPE_PLAN_ID: the all-access plan (a monthly Stripe plan or price id).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")
STRIPE_JS_URL = env(
    "STRIPE_JS_URL", f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/"
)
STRIPE_PLAN_ID = env("STRIPE_PLAN_ID")
# Seconds a call to Stripe may wait for its answer (each of up to three tries). The library's own is
# 80: a page waiting on Stripe holds one of its process' few turns (lms_site/http_slots.py).
STRIPE_TIMEOUT_SECONDS = env_float("STRIPE_TIMEOUT_SECONDS", 10.0)

# Delivery by mail and Web Push (notifications/delivery): several events for one person within
# MAIL_COALESCE_SECONDS become one mail; a failed delivery is retried with exponential backoff and
# jitter from DELIVERY_RETRY_BASE_SECONDS up to DELIVERY_RETRY_MAX_SECONDS, DELIVERY_MAX_ATTEMPTS
# times, then it is dead (visible and retryable in the admin); a claim older than
# DELIVERY_CLAIM_TIMEOUT_SECONDS belongs to a dead worker and is sent again. The worker's
# scheduler ticks every DELIVERY_TICK_SECONDS; `lms_health` calls a worker silent for
# WORKER_STALE_SECONDS dead.
MAIL_COALESCE_SECONDS = env_int("MAIL_COALESCE_SECONDS", 600)
DELIVERY_RETRY_BASE_SECONDS = env_int("DELIVERY_RETRY_BASE_SECONDS", 30)
DELIVERY_RETRY_MAX_SECONDS = env_int("DELIVERY_RETRY_MAX_SECONDS", 6 * 60 * 60)
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_CLAIM_TIMEOUT_SECONDS = env_int("DELIVERY_CLAIM_TIMEOUT_SECONDS", 120)
DELIVERY_TICK_SECONDS = float(env("DELIVERY_TICK_SECONDS", "10"))
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 60)
# Web Push: `manage.py generate_vapid_keys` prints a pair. Without a private key push is off.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:" + DEFAULT_FROM_EMAIL)
# Browsers' push services are https; a plain-http endpoint is accepted only on these hosts (a local
# push service under test). Empty in production.
PUSH_HTTP_HOSTS = env_list("PUSH_HTTP_HOSTS", "")
# Seconds a link that confirms a new email address stays valid (accounts/email_change.py).
EMAIL_CHANGE_MAX_AGE = env_int("EMAIL_CHANGE_MAX_AGE", 24 * 60 * 60)

# Channels: Redis when REDIS_URL (one server) or REDIS_SENTINELS (a primary watched by Redis Sentinel,
# found by its name REDIS_SENTINEL_MASTER) is set, the in-process layer (one process only) otherwise.
# The layer connects through channels-redis, everything else on Redis (the socket cap, health checks)
# through lms_site/redis_clients.py.
REDIS_URL = env("REDIS_URL", "")
CHANNEL_PREFIX = env("CHANNEL_PREFIX", "lms")


def _addresses(value: str) -> list[tuple[str, int]]:
    """host:port,host:port,... (an IPv6 host in brackets: [::1]:26379)."""
    addresses = []
    for item in value.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(item)
        addresses.append((host.strip("[]"), int(port)))
    return addresses


REDIS_SENTINELS = _env_parsed("REDIS_SENTINELS", [], _addresses, "a list like sentinel-1:26379,sentinel-2:26379")
REDIS_SENTINEL_MASTER = env("REDIS_SENTINEL_MASTER", "mymaster")
# Passwords in Sentinel mode: of the primary and its replicas (their `requirepass`), and of the
# Sentinels themselves (theirs), when they have one. One server's password goes in REDIS_URL.
REDIS_PASSWORD = env("REDIS_PASSWORD", "")
REDIS_SENTINEL_PASSWORD = env("REDIS_SENTINEL_PASSWORD", "")
if REDIS_URL and REDIS_SENTINELS:
    raise ImproperlyConfigured("Set REDIS_URL (one Redis server) or REDIS_SENTINELS (Redis Sentinel), not both.")
if (REDIS_PASSWORD or REDIS_SENTINEL_PASSWORD) and not REDIS_SENTINELS:
    raise ImproperlyConfigured(
        "REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD are for Redis Sentinel (REDIS_SENTINELS); "
        "one server's password goes in REDIS_URL (redis://:password@host:6379/0)."
    )
# Seconds to wait for a Sentinel or a Redis server to accept a connection.
REDIS_CONNECT_TIMEOUT = 2.0


def redis_channel_layer(
    url: str, prefix: str, *, sentinels=(), master_name: str = "mymaster", password="", sentinel_password=""
) -> dict:
    """The pub/sub Redis layer: measured faster than the core layer for fan-out (see
    docs/architecture.md). redis-py's 5 s read timeout and bounded pool are lifted on purpose.
    With `sentinels`, channels-redis asks them for the primary `master_name` on every new
    connection, so after a failover it reconnects to the promoted replica by itself."""
    host = {
        "socket_timeout": None,
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 200),
    }
    if sentinels:
        timeouts = {"socket_timeout": REDIS_CONNECT_TIMEOUT, "socket_connect_timeout": REDIS_CONNECT_TIMEOUT}
        of_sentinels = timeouts | {"password": sentinel_password or None}  # None: no AUTH
        host |= {"master_name": master_name, "sentinels": list(sentinels), "sentinel_kwargs": of_sentinels}
        host["password"] = password or None
    else:
        host["address"] = url
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [host], "prefix": prefix},
    }


if REDIS_URL or REDIS_SENTINELS:
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(
            REDIS_URL,
            CHANNEL_PREFIX,
            sentinels=REDIS_SENTINELS,
            master_name=REDIS_SENTINEL_MASTER,
            password=REDIS_PASSWORD,
            sentinel_password=REDIS_SENTINEL_PASSWORD,
        )
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

ACTIVITY_HEARTBEAT_SECONDS = env_float("ACTIVITY_HEARTBEAT_SECONDS", 25.0)
ACTIVITY_REPLAY_LIMIT = env_int("ACTIVITY_REPLAY_LIMIT", 500)
# Open activity sockets per user, across every process (counted in Redis): the next one gets 4429.
ACTIVITY_SOCKETS_PER_USER = env_int("ACTIVITY_SOCKETS_PER_USER", 10)
# Admission control of one daphne process (notifications/admission.py): open activity sockets, and
# sockets still being set up at once (a reconnect storm); the next is closed with 4013, and the
# browser waits longer before it tries again.
ACTIVITY_SOCKETS_PER_PROCESS = env_int("ACTIVITY_SOCKETS_PER_PROCESS", 15000)
ACTIVITY_OPENING_PER_PROCESS = env_int("ACTIVITY_OPENING_PER_PROCESS", 2000)
# HTTP requests one daphne process runs at once (lms_site/http_slots.py); the others wait their turn.
HTTP_REQUESTS_PER_PROCESS = env_int("HTTP_REQUESTS_PER_PROCESS", 4)
FEED_PAGE_SIZE = 20
# Analytics (courses/selectors/analytics.py): weeks shown, and days without activity that put a student at risk.
ANALYTICS_WEEKS = env_int("ANALYTICS_WEEKS", 12)
ANALYTICS_INACTIVE_DAYS = env_int("ANALYTICS_INACTIVE_DAYS", 14)
# Discussions: at most this many posts per user in the window, then a clear "slow down" message.
DISCUSSION_POSTS_PER_WINDOW = env_int("DISCUSSION_POSTS_PER_WINDOW", 5)
DISCUSSION_RATE_WINDOW_SECONDS = env_int("DISCUSSION_RATE_WINDOW_SECONDS", 60)

REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",  # a session must have passed its second factor
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "lms_site.api_errors.ApiAutoSchema",
    # JSON in and out; errors too (lms_site/api_errors.py). Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE: 413.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "lms_site.api_errors.api_exception_handler",
    # How many proxies in front of daphne wrote X-Forwarded-For; 0 ignores the header (see
    # lms_site/addresses.py). Unset, DRF would trust whatever header a client sends.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", "60/min"),
        "user": env("THROTTLE_USER", "600/min"),
        "auth": env("THROTTLE_AUTH", "10/min"),
        "signup": env("THROTTLE_SIGNUP", "10/hour"),
    },
}
# An API token works this long after it was issued (then 401; ask auth/token again).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 7)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be at least 1.")
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl: Swagger UI would otherwise send the schema to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Security: strict by default; production turns on HTTPS-only cookies and HSTS.
# Content Security Policy (Django's middleware, lms_site/csp.py): scripts only from this site's static
# path and the API docs' start-up script (not 'self': an uploaded .js must never load as a script),
# styles from this site, no inline script anywhere (Swagger UI gets its start-up script from a URL).
# Inline styles are allowed for Swagger UI, which sets them from its bundle. Frames only for the
# allow-listed video hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [
        STATIC_URL if "://" in STATIC_URL else "{origin}/" + STATIC_URL.lstrip("/"),
        "{origin}/api/v1/docs/",
        # The admin's translated strings for its date and time widgets: a view of ours, not a user file.
        "{origin}/admin/jsi18n/",
    ],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Images of the files origin: a submitted image previewed on the grading page (courses/admin/grading.py).
    "img-src": [CSP.SELF, "data:", *([USER_FILES_ORIGIN] if USER_FILES_ORIGIN else [])],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF, *([USER_FILES_ORIGIN] if USER_FILES_ORIGIN else [])],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Supervisors and load balancers probe each process over plain HTTP on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
