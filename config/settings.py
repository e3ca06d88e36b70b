"""Settings, read from the environment (12-factor).

Every value an operator may change comes from an environment variable (or a
``.env`` file beside ``manage.py``). Unset ``DATABASE_URL`` / ``REDIS_URL``
select the embedded servers of ``config.embedded``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import embedded

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# A checkout is a development machine unless told otherwise; production sets DEBUG=false.
DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off, set SECRET_KEY to a long random value "
            '(for example: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    # Development: one random key per checkout, kept under var/ so sessions survive restarts.
    key_file = embedded.VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        embedded.VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set. With DEBUG off, list the host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Our own apps, lowest layer first (DESIGN.md, layers). The one list: the privacy registry, the
# layer contract in .importlinter and the test paths are checked against it (config/tests/test_layout.py).
PROJECT_APPS = [
    "config",
    "agents",
    "crm",
    "tickets",
    "knowledge",
    "approvals",
    "quality",
    "outbound",
    "integrations",
    "reports",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "agents.middleware.UserTimeZoneMiddleware",
    "config.api.limits.BodySizeLimitMiddleware",
    "integrations.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.DomainErrorMiddleware",
    "config.security.SessionTimeoutMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "agents.middleware.DeniedAccessAuditMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "agents.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "agents:landing"  # each role starts where it works (agents.navigation.LANDING)
LOGOUT_REDIRECT_URL = "login"

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
                "agents.context_processors.navigation",
                "crm.context_processors.call_bar",
            ],
        },
    },
]

# --- Database and Redis -----------------------------------------------------

DATABASE_URL = env.str("DATABASE_URL", default="") or embedded.postgres_url()
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "config.postgresql"  # Django's, with prepared statements made safe (below)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# A stuck statement must not hold a web worker forever; jobs set their own limits.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c statement_timeout=30000")
# A server that does not answer fails the request within seconds (a stopped one at once): 503, not a hang.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
# Parameters travel apart from the statement (server-side binding), and a statement a connection has run
# five times is prepared: PostgreSQL keeps its plan instead of planning it again on every run. A web worker
# runs the same few hundred statements all day, and planning them was over a third of the database's work
# per ticket opened. What binding apart changes, and how the backend puts it back: config/postgresql/base.py.
# A transaction-mode pooler that cannot keep prepared statements (PgBouncer before 1.21, or without
# max_prepared_statements) needs DATABASE_PREPARED_STATEMENTS=false.
if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
# What a 503 asks clients to wait before retrying, in seconds.
RETRY_AFTER_SECONDS = env.int("RETRY_AFTER_SECONDS", default=5)
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_switchboard")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="") or embedded.redis_url()
# Logical databases: 0 broker, 1 cache. Tests move both (see conftest.py).
CELERY_BROKER_URL = embedded.celery_broker_url(embedded.redis_url_with_db(REDIS_URL, 0))
CACHES = {
    "default": {
        "BACKEND": "config.cache.TolerantRedisCache",
        "LOCATION": embedded.redis_url_with_db(REDIS_URL, 1),
        "KEY_PREFIX": "switchboard",
        # A Redis that does not answer costs a request at most this long (then the cache degrades).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}

# --- Push to the browser (Django Channels over Redis) -------------------------

ASGI_APPLICATION = "config.asgi.application"
# The push server's address as the browser sees it. Empty: the page's own host on PUSH_PORT
# (what `make run` starts); behind a proxy set e.g. wss://support.example.com/ws/push/.
PUSH_URL = env.str("SWITCHBOARD_PUSH_URL", default="")
PUSH_PORT = env.int("SWITCHBOARD_PUSH_PORT", default=8001)


def channel_layers(url: str, prefix: str) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The push server's receive is a blocking pop of up to 5 s: reads must wait longer than that
                # (redis-py's default 5 s read timeout races it). Senders bound their own wait (config.push).
                "hosts": [{"address": url, "socket_connect_timeout": 0.5, "socket_timeout": 15}],
                "prefix": prefix,
                "capacity": 200,
                "expiry": 30,
            },
        }
    }


CHANNEL_LAYERS = channel_layers(embedded.redis_url_with_db(REDIS_URL, 2), "switchboard")

# --- Celery -------------------------------------------------------------------

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that is not acknowledged within this time is handed to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    # A web process that cannot reach the broker gives up at once (the outbox row stays for the dispatcher).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
# Enqueueing never holds a request: one quick try, then the outbox row waits for the dispatcher.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"
WORKER_HEARTBEAT_INTERVAL = env.float("WORKER_HEARTBEAT_INTERVAL", default=10.0)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
# Each app adds its periodic work below, in a block of its own.
# How often periodic jobs look for due work (seconds); the jobs themselves claim rows with row locks.
FOLLOW_UP_DISPATCH_SECONDS = env.float("FOLLOW_UP_DISPATCH_SECONDS", default=15)
# How often the outbox dispatcher sends webhook deliveries that are due (lost nudges, retries).
WEBHOOK_DISPATCH_SECONDS = env.float("WEBHOOK_DISPATCH_SECONDS", default=10.0)
# An available agent (or one on a break) with no open tab for this long goes offline.
AGENT_IDLE_MINUTES = env.int("AGENT_IDLE_MINUTES", default=15)
SLA_CHECK_SECONDS = env.float("SLA_CHECK_SECONDS", default=60)
# How often the metric rollups catch up with new calls and agent states (the dashboard lags at most this).
METRICS_ROLLUP_SECONDS = env.float("METRICS_ROLLUP_SECONDS", default=60)
# Surveys owed after their delay, and retries after an SMTP failure, go out this often.
SURVEY_DISPATCH_SECONDS = env.float("SURVEY_DISPATCH_SECONDS", default=30.0)
SLA_WARNING_MINUTES = env.int("SLA_WARNING_MINUTES", default=15)
ERASURE_GRACE_DAYS = env.int("ERASURE_GRACE_DAYS", default=7)
EXPORT_AVAILABLE_DAYS = env.int("EXPORT_AVAILABLE_DAYS", default=7)
KNOWLEDGE_REVIEW_DAYS = env.int("KNOWLEDGE_REVIEW_DAYS", default=180)
APPROVAL_REMIND_AFTER_MINUTES = env.int("APPROVAL_REMIND_AFTER_MINUTES", default=30)
APPROVAL_ESCALATE_AFTER_MINUTES = env.int("APPROVAL_ESCALATE_AFTER_MINUTES", default=120)
APPROVAL_EXPIRE_AFTER_MINUTES = env.int("APPROVAL_EXPIRE_AFTER_MINUTES", default=60 * 24 * 3)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "config.tasks.heartbeat", "schedule": WORKER_HEARTBEAT_INTERVAL},
    "follow-ups-due": {"task": "tickets.follow_ups_deliver_due", "schedule": FOLLOW_UP_DISPATCH_SECONDS},
    "agent-states-idle": {"task": "agents.agent_states_sweep_idle", "schedule": 60.0},
    "sla-check": {"task": "tickets.sla_check", "schedule": SLA_CHECK_SECONDS},
    "sla-recompute": {"task": "tickets.sla_recompute", "schedule": 300.0},
    "approvals-age": {"task": "approvals.approvals_age", "schedule": 60.0},
    "knowledge-review-due": {"task": "knowledge.articles_review_due_remind", "schedule": 3600.0},
    "idempotency-purge": {"task": "integrations.idempotency_records_purge", "schedule": 3600.0},
    "notification-emails-dispatch": {"task": "agents.notification_emails_dispatch", "schedule": 60.0},
    "webhooks-dispatch": {"task": "integrations.webhook_deliveries_dispatch", "schedule": WEBHOOK_DISPATCH_SECONDS},
    "data-requests-due": {"task": "crm.data_requests_process_due", "schedule": 300.0},
    "metrics-rollup": {"task": "reports.metrics_rollup", "schedule": METRICS_ROLLUP_SECONDS},
    "surveys-dispatch": {"task": "quality.surveys_dispatch", "schedule": SURVEY_DISPATCH_SECONDS},
    # Daily for the last full week: idempotent, so a missed night is caught up the next.
    "qa-sample": {"task": "quality.qa_sample", "schedule": crontab(hour=2, minute=41)},
    # Nightly, off-peak: retention deletes in small batches but still reads a lot.
    "retention": {"task": "crm.retention_run", "schedule": crontab(hour=3, minute=17)},
}

# --- Auth -------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "agents.backends.PasswordBackend",
    "agents.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18n and time ------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(embedded.VAR_DIR / "media"))
MEDIA_URL = "media/"

# --- Email ------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Switchboard <switchboard@localhost>")
# Where links in emails (surveys) point: the address customers reach this server at.
SITE_URL = env.str(
    "SITE_URL",
    default=f"http://{env.str('SWITCHBOARD_HOST', default='127.0.0.1')}:{env.str('SWITCHBOARD_PORT', default='8000')}",
)
# Email notifications are optional: the in-app notification is always there.
EMAIL_NOTIFICATIONS = env.bool("EMAIL_NOTIFICATIONS", default=bool(env.str("EMAIL_URL", default="")))

# --- Security -----------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preload is on so `check --deploy` is clean; a site that cannot serve HTTPS on every
    # subdomain for a year sets SECURE_HSTS_PRELOAD=false before going live.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions end after 30 idle minutes and 12 hours in all (a shift), whatever the activity.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# Trust X-Forwarded-For for the audit log's client address only behind a known proxy.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)

# --- REST API -----------------------------------------------------------------

API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Webhook URLs on private, loopback or link-local addresses are refused unless an admin allows it
# per subscription, or this is set (development, tests).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# Ports a webhook URL may use (receivers an admin allowed on the private network may use any).
WEBHOOK_ALLOWED_PORTS = env.list("WEBHOOK_ALLOWED_PORTS", cast=int, default=[80, 443, 8080, 8443])
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=8)
# One delivery is tried this many times (backoff up to an hour between tries), then given up.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE", default="1200/minute"), "anon": "60/minute"},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Switchboard API",
    "DESCRIPTION": (
        "REST API of Switchboard, the agent-support CRM for call centers.\n\n"
        "Authenticate with `Authorization: Bearer <token>`. Every error is JSON "
        '`{"code", "message", "details"}` (schema `Error`): 400 invalid input (details per field), '
        "401 bad or missing token, 403 not allowed, 404 unknown or outside your programs, 409 conflict "
        "(e.g. already decided, forbidden status change), 412 stale `If-Match`, 413 body too large, "
        "422 rule refused or `Idempotency-Key` reused with another body, 429 too many requests "
        "(see `Retry-After`). POST accepts `Idempotency-Key`; lists are paginated (`page`, `page_size` <= 100) "
        "and filter on `updated_at__gte` for incremental sync. Guide: docs/api.md."
    ),
    "APPEND_COMPONENTS": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {"type": "string", "example": "invalid"},
                    "message": {"type": "string", "example": "Invalid input: phones."},
                    "details": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
            }
        }
    },
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Several resources have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "FollowUpStatusEnum": "tickets.models.FollowUp.Status",
        "ApprovalStatusEnum": "approvals.models.STATUS_CHOICES",
        "ArticleStatusEnum": "knowledge.models.Article.Status",
        "TicketChannelEnum": "tickets.models.Channel",
        "SurveyChannelEnum": "quality.models.SurveyChannel",
        "SurveyAnswerChannelEnum": "quality.models.POSTED_CHANNELS",
        "CampaignOutcomeEnum": "outbound.models.Outcome",
        "AgentStateStateEnum": "agents.models.AgentState",
        "ScriptStepKindEnum": "knowledge.models.StepKind",
        "ArticleKindEnum": "knowledge.models.Article.Kind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Card numbers and CVVs never reach a log line, whoever logs them.
    "filters": {
        "redact": {"()": "config.redaction.RedactingFilter"},
        # config/logs.py: a 403/404 is one line without a traceback; the heartbeat's lines only at DEBUG.
        "expected_refusals": {"()": "config.logs.ExpectedRefusals"},
        "routine": {"()": "config.logs.RoutineAtDebug"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact", "routine"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # runserver's request log: through the redaction filter like every other line.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["expected_refusals"]},
        # pgserver announces every process exit at INFO; only its problems matter.
        "pgserver": {"level": "WARNING"},
    },
}

# --- Product ----------------------------------------------------------------

SITE_NAME = "Switchboard"
# Modules whose ``seed(*, scale, stdout)`` the seed_demo command runs, in this order.
DEMO_SEEDERS = [
    "agents.demo",
    "crm.demo",
    "tickets.demo",
    "approvals.demo",
    "knowledge.demo",
    "reports.demo",
    "quality.demo",
    "quality.qa_demo",
    "outbound.demo",
]
