"""Redrive settings: every value comes from an environment variable with an embedded default.

The defaults run the whole app on one machine with nothing installed (SQLite in WAL mode and a
file-based Celery broker under ``var/``). Production and the test suite use PostgreSQL
(``DATABASE_URL``) and Redis (``CELERY_BROKER_URL``). ``tests/settings.py`` holds the test
overrides.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """django-environ's reader, whose numbers name their variable when they are none (its own
    ``int("two")`` says only "invalid literal for int()", and not which setting)."""

    def int(self, var, default=environ.Env.NOTSET):
        return self._number(super().int, var, default, "a whole number")

    def float(self, var, default=environ.Env.NOTSET):
        return self._number(super().float, var, default, "a number")

    def _number(self, read, var, default, kind):
        try:
            return read(var, default=default)
        except ValueError:
            given = self.ENVIRON.get(var)
            raise ImproperlyConfigured(f"{var} must be {kind}, got {given!r}.") from None


env = Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("REDRIVE_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="redrive-insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "core",
    "orders",
    "integrations",
    "alerts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.api.middleware.ApiUrlLength",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict:
    """Parse DATABASE_URL; give SQLite what it needs for several writing processes.

    The web process, a Celery worker and the sweep write at once under ``make run``: WAL lets
    readers run beside the writer, ``IMMEDIATE`` takes the write lock when a transaction starts
    (so two writers queue instead of failing with "database is locked" on lock upgrade), and the
    busy timeout is how long a writer waits for the lock.
    """
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
    return config


VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": _database(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'redrive.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# The dashboard and the accounts pages (config/dashboard.py, config/accounts.py): a login
# comes back to "/", which leads staff to the admin and everyone else to the dashboard.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
DASHBOARD_DIST = env.str("DASHBOARD_DIST", default=str(BASE_DIR / "dashboard" / "dist"))

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Redrive <redrive@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.permissions.ReadPermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Redrive API",
    "DESCRIPTION": "Orders, deliveries, retries and alerts for provider dashboards and shops.",
    "VERSION": "0.1.0",
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar, pinned), not a
    # CDN: /api/docs/ works offline and does not change under us.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_shared_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStateEnum": "orders.models.Order.State",
        "OrderTypeEnum": "orders.models.Order.Type",
        "OfferingTypeEnum": "orders.models.Offering.Type",
        "ResourceStateEnum": "orders.models.Resource.State",
        "BulkOperationStateEnum": "orders.models.BulkOperation.State",
        "DeliveryStateEnum": "integrations.models.Delivery.State",
        "BreakerStateEnum": "integrations.models.BreakerState",
        "KindEnum": "alerts.models.Kind",
        "ProblemStatusEnum": "alerts.models.Problem.Status",
    },
}

# The file broker ignores the host; naming one keeps kombu from warning that none was given.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # A worker serving several queues takes from them in the order it lists them (first
        # sends before recovery traffic), not in turns (Redis transport).
        "queue_order_strategy": "priority",
    }
# RabbitMQ's URL schemes (kombu's py-amqp transport). There a publish waits for the broker's
# confirmation, so a task handed over after commit is on disk before the sender moves on.
AMQP_SCHEMES = ("amqp", "amqps", "pyamqp")
if CELERY_BROKER_URL.split(":", 1)[0] in AMQP_SCHEMES:
    CELERY_BROKER_TRANSPORT_OPTIONS["confirm_publish"] = True
# Lanes: first sends (and a person's action on one order) and recovery traffic (retries,
# releases, bulk resubmits) travel on queues of their own. A worker started without -Q serves
# every queue listed here, first sends first; production can give each lane its own workers.
REDRIVE_LANE_QUEUES = {"first": "deliveries", "recovery": "recovery"}
CELERY_TASK_DEFAULT_QUEUE = "celery"
# On RabbitMQ the queues are quorum queues (replicated, written to disk: a broker restart loses
# no queued or unacknowledged message; Celery then uses per-consumer prefetch, as they require).
# CELERY_QUEUE_TYPE=classic keeps queues an installation already declared classic (RabbitMQ
# refuses to redeclare a queue with another type). Redis has no queue types.
CELERY_QUEUE_TYPE = env.str("CELERY_QUEUE_TYPE", default="quorum")
if CELERY_QUEUE_TYPE not in ("quorum", "classic"):
    raise ImproperlyConfigured(
        f"CELERY_QUEUE_TYPE must be 'quorum' or 'classic', got {CELERY_QUEUE_TYPE!r}."
    )
_QUORUM = CELERY_QUEUE_TYPE == "quorum" and CELERY_BROKER_URL.split(":", 1)[0] in AMQP_SCHEMES
if _QUORUM:
    CELERY_TASK_DEFAULT_QUEUE_TYPE = "quorum"
# Each queue with its own routing key: with the default one ("celery") for all, a message sent
# to one queue would be copied into every queue bound to it.
CELERY_TASK_QUEUES = [
    Queue(
        name,
        Exchange(name, type="direct"),
        routing_key=name,
        queue_arguments={"x-queue-type": "quorum"} if _QUORUM else None,
    )
    for name in (REDRIVE_LANE_QUEUES["first"], "celery", REDRIVE_LANE_QUEUES["recovery"])
]
# A worker is one process with many threads: each task mostly waits for its sends (on the
# process's event loop) while others claim and record, and one process lets the pacing
# fall back to memory without Redis. More processes or hosts: give the pacing Redis.
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="threads")
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=16)
# Where the integrations' pacing (limits in flight and a second) is shared by every worker:
# the broker's Redis by default; memory:// without one (make run: one worker process sends).
REDRIVE_LIMITS_URL = env.str(
    "REDRIVE_LIMITS_URL",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "memory://",
)
# Worker processes the Procfile starts (`make run`, honcho's concurrency): one a core when the
# pacing is shared (a process's Python runs on one core at a time; at a fast remote its work,
# not the network, bounds it), one when the pacing lives in that one process's memory.
REDRIVE_WORKER_PROCESSES = env.int(
    "REDRIVE_WORKER_PROCESSES",
    default=1 if REDRIVE_LIMITS_URL.startswith("memory://") else (os.cpu_count() or 1),
)
if REDRIVE_WORKER_PROCESSES < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_WORKER_PROCESSES must be 1 or more, got {REDRIVE_WORKER_PROCESSES}."
    )
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "retry-due": {"task": "integrations.tasks.sweep", "schedule": 60.0},
    # A window's end and a due probe must not wait for the next sweep pass.
    "releases-due": {
        "task": "integrations.tasks.releases_due",
        "schedule": env.float("REDRIVE_RELEASE_TICK_SECONDS", default=2.0),
    },
    "problem-updates": {"task": "alerts.tasks.send_problem_updates", "schedule": 60.0},
    "webhooks-due": {"task": "alerts.tasks.send_webhooks", "schedule": 60.0},
    "warn-exhausting": {"task": "integrations.tasks.warn_exhausting", "schedule": 900.0},
    "alert-digests-hourly": {
        "task": "alerts.tasks.send_alert_digests",
        "schedule": crontab(minute=0),
        "kwargs": {"frequency": "hourly"},
    },
    "alert-digests-daily": {
        "task": "alerts.tasks.send_alert_digests",
        "schedule": crontab(minute=0, hour=7),
        "kwargs": {"frequency": "daily"},
    },
    # A bulk operation whose worker was killed resumes after its last committed chunk.
    "resume-bulk-operations": {
        "task": "orders.tasks.resume_bulk_operations",
        "schedule": env.float("REDRIVE_BULK_RESUME_TICK_SECONDS", default=10.0),
    },
    "prune-history": {
        "task": "integrations.tasks.prune_history",
        "schedule": crontab(minute=30, hour=3),
    },
}
CELERY_TIMEZONE = TIME_ZONE
# The worker's metrics signals (core/metrics.py); tasks are in each app's tasks.py.
CELERY_IMPORTS = ["core.metrics"]
# Keep LOGGING (and LOG_FORMAT=json) in the worker and beat instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fix-up closes the database connection around every task unless this is set,
# so each task would start a new PostgreSQL session (a server process, its catalog caches):
# at 700 deliveries/s that was half a core. A worker keeps its connection instead, with
# Django's request-cycle hygiene around each task (config/celery.py): a connection that had
# errors, is past CONN_MAX_AGE or fails its health check is replaced. 0 restores Celery's
# default.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

# A delivery queued this long without being claimed, while its lane's queue on the broker is
# empty, has lost its task message (a broker restart); the sweep hands it out again. One that
# waits behind busy workers is left alone. Too short only adds harmless duplicate tasks.
REDRIVE_QUEUED_GRACE_SECONDS = env.int("REDRIVE_QUEUED_GRACE_SECONDS", default=30)
# A due retry the sweep claimed is the workers' for this long; if none sent it again by then
# (its task was lost), the next sweep claims it again.
REDRIVE_RETRY_CLAIM_SECONDS = env.int("REDRIVE_RETRY_CLAIM_SECONDS", default=120)
if REDRIVE_RETRY_CLAIM_SECONDS < 1 or CELERY_DB_REUSE_MAX < 0:
    raise ImproperlyConfigured(
        "REDRIVE_RETRY_CLAIM_SECONDS must be 1 or more and CELERY_DB_REUSE_MAX 0 or more, got "
        f"{REDRIVE_RETRY_CLAIM_SECONDS} and {CELERY_DB_REUSE_MAX}."
    )
if REDRIVE_QUEUED_GRACE_SECONDS < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_QUEUED_GRACE_SECONDS must be 1 or more, got {REDRIVE_QUEUED_GRACE_SECONDS}."
    )
# Every resubmit is a bulk operation run chunk by chunk (progress, cancel, resume); larger
# than this it runs on a worker, else in the process that asked (0: always on a worker).
REDRIVE_BULK_BACKGROUND_THRESHOLD = env.int("REDRIVE_BULK_BACKGROUND_THRESHOLD", default=0)
# Orders per chunk of a bulk operation: one transaction and one checkpoint each.
REDRIVE_BULK_CHUNK_SIZE = env.int("REDRIVE_BULK_CHUNK_SIZE", default=1000)
# A running bulk operation whose worker sent no heartbeat (one per chunk) for this long is
# resumed by another; a preview's token confirms for this long.
REDRIVE_BULK_STALE_SECONDS = env.float("REDRIVE_BULK_STALE_SECONDS", default=30.0)
REDRIVE_PREVIEW_SECONDS = env.int("REDRIVE_PREVIEW_SECONDS", default=900)
if min(REDRIVE_BULK_CHUNK_SIZE, REDRIVE_BULK_STALE_SECONDS, REDRIVE_PREVIEW_SECONDS) <= 0:
    raise ImproperlyConfigured(
        "REDRIVE_BULK_CHUNK_SIZE, REDRIVE_BULK_STALE_SECONDS and REDRIVE_PREVIEW_SECONDS must be "
        f"above 0, got {REDRIVE_BULK_CHUNK_SIZE}, {REDRIVE_BULK_STALE_SECONDS} and "
        f"{REDRIVE_PREVIEW_SECONDS}."
    )
# Deliveries a worker's task claims together and sends, many in flight at the integration's
# limits. Fewer spread a burst over more tasks and workers; more cost fewer queries each.
REDRIVE_DELIVERIES_PER_TASK = env.int("REDRIVE_DELIVERIES_PER_TASK", default=250)
if REDRIVE_DELIVERIES_PER_TASK < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_DELIVERIES_PER_TASK must be 1 or more, got {REDRIVE_DELIVERIES_PER_TASK}."
    )
# Batches of a large resubmit sent to PostgreSQL at once, each on a connection of its own.
REDRIVE_BULK_WORKERS = env.int("REDRIVE_BULK_WORKERS", default=2)
if REDRIVE_BULK_WORKERS < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_BULK_WORKERS must be 1 or more, got {REDRIVE_BULK_WORKERS}."
    )
# A problem that grows is e-mailed again at most once in this many minutes (its opened and
# resolved mails go at once).
REDRIVE_PROBLEM_UPDATE_MINUTES = env.int("REDRIVE_PROBLEM_UPDATE_MINUTES", default=15)
if REDRIVE_PROBLEM_UPDATE_MINUTES < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_PROBLEM_UPDATE_MINUTES must be 1 or more, got {REDRIVE_PROBLEM_UPDATE_MINUTES}."
    )
# Orders that will be given up within this many hours raise a warning (alert, e-mail, webhook).
REDRIVE_GIVE_UP_WARNING_HOURS = env.int("REDRIVE_GIVE_UP_WARNING_HOURS", default=24)
if REDRIVE_GIVE_UP_WARNING_HOURS < 1:
    raise ImproperlyConfigured(
        f"REDRIVE_GIVE_UP_WARNING_HOURS must be 1 or more, got {REDRIVE_GIVE_UP_WARNING_HOURS}."
    )
REDRIVE_ADMIN_PER_ORDER_LIMIT = env.int("REDRIVE_ADMIN_PER_ORDER_LIMIT", default=200)

RETENTION_DAYS = env.int("RETENTION_DAYS", default=180)
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)
if RETENTION_DAYS < 1 or RETENTION_BATCH_SIZE < 1:
    raise ImproperlyConfigured(
        f"RETENTION_DAYS and RETENTION_BATCH_SIZE must be 1 or more, got {RETENTION_DAYS} "
        f"and {RETENTION_BATCH_SIZE}."
    )

METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PORT = env.int("METRICS_PORT", default=0)
METRICS_ADDR = env.str("METRICS_ADDR", default="127.0.0.1")
METRICS_CACHE_SECONDS = env.float("METRICS_CACHE_SECONDS", default=10.0)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
CELERY_TASK_LOG_LEVEL = env.str("CELERY_TASK_LOG_LEVEL", default="WARNING")
for _name, _level in (("LOG_LEVEL", LOG_LEVEL), ("CELERY_TASK_LOG_LEVEL", CELERY_TASK_LOG_LEVEL)):
    if _level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ImproperlyConfigured(
            f"{_name} must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {_level!r}."
        )
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "core.logging.ReadableFormatter"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Celery's line per task received, succeeded and sent by beat: the release tick alone
        # made three every 2 s. Redrive logs every send itself (integrations.services.logs);
        # CELERY_TASK_LOG_LEVEL=INFO shows Celery's too.
        **{
            name: {"level": CELERY_TASK_LOG_LEVEL}
            for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat")
        },
    },
}
