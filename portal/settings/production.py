"""Production: PostgreSQL, Redis, real Celery workers, behind a TLS reverse proxy.

Secrets have no default: a missing DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL or
LEDGER_KEY stops the process at start-up, and so does whatever `check --deploy` would warn
about (issue 9): DEBUG, a weak key (as Django's security.W009 judges one: fewer than 50
characters, fewer than 5 distinct characters, or the 'django-insecure' prefix; and the
development key), no ALLOWED_HOSTS, and a weak ledger key.
"""

from django.core.exceptions import ImproperlyConfigured

from portal.keys import ledger_key_problem

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if (
    SECRET_KEY.startswith(("insecure", "django-insecure"))
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be a random string of 50+ characters with 5+ distinct "
        "characters, not a 'django-insecure' or development key (see check --deploy, W009)."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the portal's host names.")

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CACHES = {"default": env.cache("CACHE_URL", default=CELERY_BROKER_URL)}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# The ledger chain's key (SPEC §3): its own secret, never derived here.
LEDGER_KEY = env("LEDGER_KEY")
LEDGER_KEY_DERIVED = False
if problem := ledger_key_problem(LEDGER_KEY, SECRET_KEY):
    raise ImproperlyConfigured(f"LEDGER_KEY {problem} (see docs/security.md).")
