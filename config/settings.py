"""Doorstep settings: every value comes from the environment, with safe development defaults.

See `.env.example` for the full list. In production set DEBUG=false, SECRET_KEY, DATABASE_URL,
ALLOWED_HOSTS, BASE_URL and the EMAIL_* values.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import secrets
import sys
from pathlib import Path

import dj_database_url

from config.database import statement_options

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """KEY=value lines from `.env` (see .env.example); the real environment wins. Tests ignore
    it so a developer's .env never changes what the suite checks."""
    if "pytest" in sys.modules or not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            value = value.strip().strip("'\"")
            if value:  # an empty line in .env means "use the default"
                os.environ.setdefault(key.strip(), value)


_load_dotenv(BASE_DIR / ".env")
VAR_DIR = Path(os.environ.get("DOORSTEP_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# Under pytest the settings adapt (in-memory SQLite, tasks run inline, fast hashing). pytest-django
# imports settings before any conftest runs, so "is pytest loaded" is the reliable signal.
TESTING = env_bool("DOORSTEP_TESTING", "pytest" in sys.modules)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    # Development only: generate once and keep it, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
# Every link in an email or SMS is built from BASE_URL, never from the request's Host header.
BASE_URL = os.environ.get("BASE_URL", "http://localhost:8000").rstrip("/")
# The help site may have its own host (docs/help-site.md): e.g. https://help.example.com. Empty:
# the help site is served at BASE_URL/h/<company-slug>/ only.
HELP_BASE_URL = os.environ.get("HELP_BASE_URL", "").rstrip("/")
# The help site's own session cookie (doorstep/helpdesk/identity.py): never the staff one.
HELP_SESSION_COOKIE_NAME = "doorstep_help_session"
if HELP_BASE_URL:
    _help_host = HELP_BASE_URL.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if ALLOWED_HOSTS != ["*"] and _help_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS = [*ALLOWED_HOSTS, _help_host]
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [BASE_URL, *([HELP_BASE_URL] if HELP_BASE_URL else [])]
)

INSTALLED_APPS = [
    "doorstep.backoffice.apps.DoorstepAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "doorstep.core",
    "doorstep.tenancy",
    "doorstep.integrations",
    "doorstep.customers",
    "doorstep.adoption",
    "doorstep.jobs",
    "doorstep.billing",
    "doorstep.payments",
    "doorstep.access",
    "doorstep.portal",
    "doorstep.documents",
    "doorstep.notifications",
    "doorstep.servicerequests",
    "doorstep.messaging",
    "doorstep.support",
    "doorstep.imports",
    "doorstep.helpdesk",
    "doorstep.backoffice",
    "doorstep.office",
    "doorstep.api",
    "doorstep.demo",
    "doorstep.benchmarks",
]

MIDDLEWARE = [
    # First: the request id, the one log line and the metrics of every request, whatever
    # answers it (doorstep/core/request_log.py).
    "doorstep.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gives the help site its own session cookie (doorstep/helpdesk/identity.py); must come
    # right before SessionMiddleware.
    "doorstep.helpdesk.identity.HelpSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "doorstep.core.middleware.RefuseUnstorableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "doorstep.backoffice.staff_sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "doorstep.core.middleware.DomainErrorMiddleware",
    # Last, so it sees a portal view's exception first: branded portal error pages.
    "doorstep.portal.error_pages.PortalErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
    {
        # Plain text (email subjects and text parts, texts): the same templates without HTML
        # escaping, or "O'Brien & Sons" reaches an inbox as "O&#x27;Brien &amp; Sons".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'doorstep.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share one SQLite file: WAL + IMMEDIATE transactions avoid
    # "database is locked" and serialise writers (which also keeps numbering race-free).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A persistent connection killed by a failover or a pooler restart is noticed and
    # replaced before the next request or worker loop uses it.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL with row-level security (docs/deploy.md, docs/adr/0003): DATABASE_URL names the app
# role; DATABASE_MAINTENANCE_URL the maintenance role (BYPASSRLS), used only inside
# tenancy.rls.maintenance_scope() by the cross-tenant jobs. Behind PgBouncer in transaction mode
# set DATABASE_POOLER=transaction (no server-side cursors: they outlive a transaction).
DATABASE_MAINTENANCE_URL = os.environ.get("DATABASE_MAINTENANCE_URL", "")
if DATABASE_MAINTENANCE_URL:
    DATABASES["maintenance"] = dj_database_url.parse(DATABASE_MAINTENANCE_URL, conn_max_age=60)
    DATABASES["maintenance"]["CONN_HEALTH_CHECKS"] = True
# The gates open one transaction per request/task with the tenant set (tenancy/rls.py). On by
# default once a maintenance role is configured (the app then connects as the app role, which
# sees nothing without it); off, requests keep autocommit and the connection must bypass RLS.
DOORSTEP_TENANT_TRANSACTIONS = env_bool(
    "DOORSTEP_TENANT_TRANSACTIONS", bool(DATABASE_MAINTENANCE_URL)
)
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
if DATABASE_POOLER == "transaction":
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
if TESTING:
    DATABASES = {"default": dj_database_url.parse(TEST_DATABASE_URL or "sqlite://:memory:")}
# PostgreSQL prepared statements (config/database.py, docs/deploy.md): empty = on for a direct
# connection, off behind a transaction pooler (PgBouncer before 1.21 cannot carry them). Tests
# on PostgreSQL get the same rule, so the suite runs the way production does.
DATABASE_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "")
for _alias in DATABASES.values():
    _alias.setdefault("OPTIONS", {}).update(
        statement_options(
            engine=_alias["ENGINE"],
            setting=DATABASE_PREPARED_STATEMENTS,
            pooler=DATABASE_POOLER,
            psycopg3=importlib.util.find_spec("psycopg") is not None,
        )
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            # Tests run tasks inline at enqueue (after commit) so a test sees their effect.
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# A claimed (running) task whose worker died is put back in the queue after this long; tasks
# are idempotent and must finish well within it. After TASK_MAX_CLAIMS claims it is failed.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 900)
TASK_MAX_CLAIMS = env_int("TASK_MAX_CLAIMS", 5)
# `manage.py worker` claims up to this many ready tasks at once (core/task_batches.py); 1 claims
# one at a time, as django-tasks-db's db_worker does. `--claim-batch` overrides it.
WORKER_CLAIM_BATCH = env_int("WORKER_CLAIM_BATCH", 10)
# A verified webhook is handled inside its request (docs/adr/0004); false: one queued task per
# event, as before (what `manage.py bench_webhooks --compare` measures against).
WEBHOOKS_HANDLE_IN_REQUEST = env_bool("WEBHOOKS_HANDLE_IN_REQUEST", True)

# --- Auth, sessions, security ----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/office/sign-in/"
SESSION_COOKIE_NAME = "doorstep_staff"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Portal sessions are separate from staff sessions (own cookie, own table): see doorstep.access.
# Staff sessions end after this long without a request, and when the user's roles change.
STAFF_SESSION_IDLE_HOURS = env_int("STAFF_SESSION_IDLE_HOURS", 8)
# How many proxies (load balancer, CDN) stand in front of the web processes and append to
# X-Forwarded-For. 0: the client is REMOTE_ADDR. Rate limits and the audit use the address
# that many hops from the right of X-Forwarded-For (doorstep.access.portal_sessions.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

PORTAL_SESSION_COOKIE = "doorstep_portal"
PORTAL_SESSION_IDLE_MINUTES = env_int("PORTAL_SESSION_IDLE_MINUTES", 30)
PORTAL_SESSION_ABSOLUTE_HOURS = env_int("PORTAL_SESSION_ABSOLUTE_HOURS", 12)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: never served by URL, only through authorised views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_URL = "/nonexistent-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Replies by email to help tickets (docs/help-site.md): each company's reply address is
# help-<slug>@HELP_REPLY_DOMAIN; a ticket's emails carry help-<slug>+<token>@HELP_REPLY_DOMAIN.
HELP_REPLY_DOMAIN = os.environ.get("HELP_REPLY_DOMAIN", "reply.localhost")
HELP_INBOUND_HOST = os.environ.get("HELP_INBOUND_HOST", "127.0.0.1")
HELP_INBOUND_PORT = env_int("HELP_INBOUND_PORT", 2525)
HELP_INBOUND_MAX_BYTES = env_int("HELP_INBOUND_MAX_BYTES", 25 * 1024 * 1024)
# DKIM: outgoing mail is signed when a private key is configured (docs/help-site.md).
DKIM_PRIVATE_KEY_PATH = os.environ.get("DKIM_PRIVATE_KEY_PATH", "")
DKIM_SELECTOR = os.environ.get("DKIM_SELECTOR", "doorstep")
DKIM_DOMAIN = os.environ.get("DKIM_DOMAIN", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Doorstep <no-reply@doorstep.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    # Django's SMTP backend, DKIM-signing when DKIM_PRIVATE_KEY_PATH is set.
    EMAIL_BACKEND = "doorstep.notifications.dkim_backend.EmailBackend"
else:
    # Development: print to the console and keep a readable copy under var/mail/.
    EMAIL_BACKEND = "doorstep.notifications.dev_mail.ConsoleAndFolderBackend"
EMAIL_FOLDER = VAR_DIR / "mail"

# Outbox delivery (docs/notifications.md): NOTIFICATION_MAX_ATTEMPTS fast retries starting at
# NOTIFICATION_BACKOFF_SECONDS and doubling (about an hour), then one try every
# NOTIFICATION_SLOW_RETRY_SECONDS until NOTIFICATION_RETRY_HOURS after queueing; only then failed.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)
NOTIFICATION_BACKOFF_SECONDS = env_int("NOTIFICATION_BACKOFF_SECONDS", 30)
NOTIFICATION_SLOW_RETRY_SECONDS = env_int("NOTIFICATION_SLOW_RETRY_SECONDS", 3600)
NOTIFICATION_RETRY_HOURS = env_int("NOTIFICATION_RETRY_HOURS", 72)
# A message is "sending" for at most this long; past it a crashed attempt is tried again.
# Keep it well above EMAIL_TIMEOUT (each SMTP step may take that long).
NOTIFICATION_SEND_LEASE_SECONDS = env_int("NOTIFICATION_SEND_LEASE_SECONDS", 300)

# --- Outgoing webhooks (docs/api.md "Webhooks") ----------------------------------------------
# http:// URLs and loopback receivers are for development and tests only: production endpoints
# are HTTPS on public addresses (doorstep/integrations/webhooks/ssrf.py).
DOORSTEP_WEBHOOKS_ALLOW_HTTP = env_bool("DOORSTEP_WEBHOOKS_ALLOW_HTTP", DEBUG)
DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK = env_bool("DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK", DEBUG)
DOORSTEP_WEBHOOKS_TIMEOUT_SECONDS = env_int("DOORSTEP_WEBHOOKS_TIMEOUT_SECONDS", 15)
# A delivery is "sending" for at most this long; past it a crashed attempt is tried again.
DOORSTEP_WEBHOOKS_SEND_LEASE_SECONDS = env_int("DOORSTEP_WEBHOOKS_SEND_LEASE_SECONDS", 120)
# An endpoint failing (no 2xx) for this long is switched off and the owners are emailed.
DOORSTEP_WEBHOOKS_DISABLE_AFTER_HOURS = env_int("DOORSTEP_WEBHOOKS_DISABLE_AFTER_HOURS", 120)

# --- Payments -------------------------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # e.g. localstripe in tests
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
PLATFORM_FEE_BASIS_POINTS = env_int("PLATFORM_FEE_BASIS_POINTS", 0)

# --- Plans ----------------------------------------------------------------------------------
# The plan of a company the operator gave none (doorstep/tenancy/plans.py). "everything", the
# default, is what a self-hoster wants; an operator selling plans sets e.g. "starter".
DOORSTEP_DEFAULT_PLAN = os.environ.get("DOORSTEP_DEFAULT_PLAN", "everything")


def _installation_id() -> str:
    """Names this installation inside every idempotency key sent to the payment provider, so
    two installations sharing one Stripe account (staging and production, two regions) never
    replay each other's payment #42. It must never change while attempts are in flight."""
    value = os.environ.get("DOORSTEP_INSTALLATION_ID", "").strip()
    if value:
        if not re.fullmatch(r"[A-Za-z0-9_-]{4,40}", value):
            raise RuntimeError(
                "DOORSTEP_INSTALLATION_ID must be 4 to 40 letters, digits, '-' or '_'."
            )
        return value
    if not DEBUG:
        # Stable without a new secret to manage: SECRET_KEY is required, shared by every
        # process of the installation and different between installations.
        return hashlib.sha256(f"doorstep-installation:{SECRET_KEY}".encode()).hexdigest()[:16]
    id_file = VAR_DIR / "installation_id"  # development: generated once, like the secret key
    if not id_file.exists():
        id_file.write_text(secrets.token_hex(8))
    return id_file.read_text().strip()


DOORSTEP_INSTALLATION_ID = _installation_id()

# --- Text messages (Twilio; credentials are per company in CompanySettings) ----------------
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "")  # a local stand-in for api.twilio.com

# --- Logging: never tokens or card data (see doorstep.core.logging) ------------------------
# LOG_FORMAT: "json" (one JSON object a line, for a log shipper; the default with DEBUG off) or
# "plain" (readable, the default for `make run`). `LOG_FORMAT=json make run` shows the JSON.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise RuntimeError('LOG_FORMAT must be "json" or "plain".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "doorstep.core.logging.JsonFormatter"},
    },
    "filters": {
        "no_4xx_traceback": {"()": "doorstep.core.logging.NoTracebackBelow500"},
        "request_id": {"()": "doorstep.core.logging.RequestId"},
        "redact": {"()": "doorstep.core.logging.Redact"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # On the loggers, not the handler: every handler (and pytest's caplog) sees the line
        # without the traceback.
        "django.request": {"filters": ["no_4xx_traceback"]},
        "django.security": {"filters": ["no_4xx_traceback"]},
    },
}

# --- Operations: /healthz, /readyz, /metrics (docs/deploy.md) ---------------------------------
# /readyz answers 503 when the oldest waiting background task has waited longer than this.
READYZ_MAX_QUEUE_LAG_SECONDS = env_int("READYZ_MAX_QUEUE_LAG_SECONDS", 60)
# /metrics answers a request bearing `Authorization: Bearer <METRICS_TOKEN>`, or one from an
# address in METRICS_ALLOWED_IPS (REMOTE_ADDR: the scraper talks to the process directly).
# Neither set: /metrics answers 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [])

# --- Integration API (/api/v1/, doorstep/api, docs/api.md) ---------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # API views name their own authentication, parsers and pagination (doorstep/api/base.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "doorstep.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Doorstep API",
    "DESCRIPTION": "The integration API of Doorstep. Quick start: docs/api.md.",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The interactive reference loads Swagger UI from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "doorstep.customers.models.CustomerKind.choices",
        "InvoiceKindEnum": "doorstep.billing.models.InvoiceKind.choices",
        "DocumentKindEnum": "doorstep.documents.models.DocumentKind.choices",
        "JobStatusEnum": "doorstep.jobs.models.JobStatus.choices",
        "ServiceRequestStatusEnum": "doorstep.servicerequests.models.RequestStatus.choices",
        "InvoiceStatusEnum": "doorstep.billing.models.CustomerStatus.choices",
        "ListObjectEnum": ["list"],
        "WebhookEndpointObjectEnum": ["webhook_endpoint"],
    },
}
# Requests a minute allowed per API key and per company (all its keys together).
API_REQUESTS_PER_MINUTE_PER_KEY = env_int("API_REQUESTS_PER_MINUTE_PER_KEY", 120)
API_REQUESTS_PER_MINUTE_PER_COMPANY = env_int("API_REQUESTS_PER_MINUTE_PER_COMPANY", 600)
