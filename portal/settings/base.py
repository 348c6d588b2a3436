"""Settings shared by every environment, read from the environment with django-environ.

With nothing set the portal runs on a SQLite file inside the project and Celery runs tasks
in-process (eager), so a fresh machine needs no server. ``DATABASE_URL=postgres://…`` and
``CELERY_BROKER_URL=redis://…`` switch to PostgreSQL and a real broker with worker processes.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal.keys import derive_ledger_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
# The key of the ledger chain's links (SPEC §3, docs/security.md "The ledger key"): a secret
# kept outside the database. Production must set LEDGER_KEY (portal.settings.production
# refuses to start without a strong one); elsewhere a key derived from SECRET_KEY stands in
# and the system check subsidies.W001 says so.
LEDGER_KEY = env("LEDGER_KEY", default="")
LEDGER_KEY_DERIVED = not LEDGER_KEY
if LEDGER_KEY_DERIVED:
    LEDGER_KEY = derive_ledger_key(SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "csp",
    "portal",
    "branches",
    "cadres",
    "training",
    "subsidies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte or an over-long path or query string is a 400 before anything runs (issue 9)
    "portal.params.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # the language chosen with the switch, else Chinese; never the browser's (issue 10)
    "portal.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.security.AuditActorMiddleware",  # names the request's user in audit entries
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # the Content-Security-Policy header below (issue 9)
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# --- Content-Security-Policy (django-csp; issue 9 item 6) -------------------------------------
# Pages load scripts, styles and images from the portal only: no inline <script>, no on*
# attributes, no style="" (behaviour lives in static/portal/*.js, looks in portal.css). The
# Swagger page relaxes style-src for its own inline <style> (portal/urls.py). No framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "portal.User"
# django-axes first: it refuses a locked-out username+address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login throttling (django-axes) -------------------------------------------------------------
# 5 failed logins of one username from one address lock that pair out for 30 minutes; a
# success clears the count. The lock-out page is the login page with a message (HTTP 429).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the portal append to X-Forwarded-For (0: none, the
# address is REMOTE_ADDR). Never trust the header without a proxy that sets it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Public disclosure pages: how long browsers and proxies may keep one (seconds).
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=600)

# --- Audit trail (django-auditlog; the audited models are listed in portal/audit.py) ------------
AUDITLOG_LOGENTRY_MODEL = "portal.AuditEntry"
# auditlog's own migrations create its (here unused) log table with a foreign key to users,
# which PostgreSQL's TRUNCATE of the users (flush, transactional tests) then refuses: the
# swapped-in portal.AuditEntry is created by the portal's migrations instead.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_MASK_CALLABLE = "portal.audit.mask_value"
# A foreign key is logged as the related record's text (东村), not its id.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the switch's choice is remembered (issue 10)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (import files, evidence) live outside the static root and are never served directly.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Files with more data rows than this are imported by a Celery task with a progress bar.
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=2000)
# Training is kept from this year on, or from a district's first training policy if earlier
# (issue 9): an entry, course or attendance dated before it is refused.
TRAINING_FIRST_YEAR = env.int("TRAINING_FIRST_YEAR", default=2000)
# Training evidence (PDF, JPEG, PNG) is stored under MEDIA_ROOT/evidence/ and served by a view.
TRAINING_EVIDENCE_MAX_BYTES = env.int("TRAINING_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
# Allowance scans (PDF, JPEG, PNG) are stored under MEDIA_ROOT/allowance/, served by a view.
ALLOWANCE_SCAN_MAX_BYTES = env.int("ALLOWANCE_SCAN_MAX_BYTES", default=5 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
if not CELERY_RESULT_BACKEND and CELERY_BROKER_URL.startswith("redis"):
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
if not CELERY_RESULT_BACKEND:
    CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BEAT_SCHEDULE = {
    "payroll-draft-runs": {
        "task": "subsidies.tasks.create_draft_runs_task",
        "schedule": crontab(minute=5, hour=0, day_of_month=1),
    },
    "health-check-due-list": {
        "task": "cadres.tasks.health_check_due_task",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    # R-TRN-1: the task itself does nothing before the policy's start date (1 October).
    "training-reminders": {
        "task": "training.tasks.training_reminders_task",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
}

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's own, naming the user as the audit actor once authenticated (issue 9 item 3)
        "portal.api.authentication.AuditedSessionAuthentication",
        "portal.api.authentication.AuditedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.ScopedModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Village cadre portal API",
    "DESCRIPTION": "Registry, training and remuneration of village Party cadres.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its Swagger page are for the portal's users, not the public (issue 9).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "status": name each choice set after its class.
    "ENUM_NAME_OVERRIDES": {
        "TrainingKindEnum": "training.choices.TrainingKind",
        "LineKindEnum": "subsidies.choices.LineKind",
        "BranchKindEnum": "branches.choices.BranchKind",
        "TownshipKindEnum": "branches.choices.TownshipKind",
        "RunStatusEnum": "subsidies.choices.RunStatus",
        "AwardStatusEnum": "subsidies.choices.AwardStatus",
        "EntryStatusEnum": "training.choices.EntryStatus",
        "ImportStatusEnum": "portal.choices.ImportStatus",
        "ApplicationStatusEnum": "subsidies.allowance.choices.ApplicationStatus",
        "GrantStatusEnum": "subsidies.allowance.choices.GrantStatus",
        "ReportBodyEnum": "subsidies.allowance.choices.ReportBody",
        "ReviewerKindEnum": "portal.choices.ReviewerKind",
        "EndReasonEnum": "cadres.choices.EndReason",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PORTAL_NAME = _("Village cadre portal")
