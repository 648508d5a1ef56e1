"""All configuration comes from the environment, with safe development defaults.

Unset REDIS_URL means Celery runs tasks eagerly in-process and caches live in
local memory; unset DATABASE_URL means a SQLite file; unset EMAIL_URL prints
mail to the console. Production sets all three (see docker-compose.yml).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-development-only-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "django_htmx",
    "csp",
    "workshop",
    "submissions",
    "reviews",
]

ORCID_CLIENT_ID = env.str("ORCID_CLIENT_ID", default="")
ORCID_SECRET = env.str("ORCID_SECRET", default="")
if ORCID_CLIENT_ID and ORCID_SECRET:
    INSTALLED_APPS.append("allauth.socialaccount.providers.orcid")

MIDDLEWARE = [
    "workshop.ops.health.HealthCheckMiddleware",
    "workshop.ops.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "workshop.ops.storage_errors.StorageUnavailableMiddleware",
    "workshop.ops.database_busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "workshop.urls"
WSGI_APPLICATION = "workshop.wsgi.application"

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
                "csp.context_processors.nonce",
                "workshop.context_processors.workshop",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so a Celery worker in another process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
    # One writer at a time: a second one waits up to SQLITE_TIMEOUT seconds for the lock, taken when its
    # transaction begins (a deferred one that read first is refused at once, "database is locked").
    DATABASES["default"]["OPTIONS"] = {"timeout": env.float("SQLITE_TIMEOUT", default=20.0),
                                       "transaction_mode": "IMMEDIATE",
                                       **DATABASES["default"].get("OPTIONS", {})}
else:
    # Each web thread and worker keeps its connection between requests: a new PostgreSQL connection
    # per request (the default) cost both sides CPU on every request (bench/deadline.py). Checked
    # before reuse, so a connection the server dropped is replaced rather than failing a request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workshop.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below (JSON in production)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "workshop.tasks.outbox_sweep", "schedule": 300.0},
    "jobs-sweep": {"task": "workshop.tasks.jobs_sweep", "schedule": 60.0},
    # Both are idempotent (a review is reminded once a day; the response mail goes once).
    "review-reminders": {"task": "reviews.tasks.reminders_task", "schedule": 3600.0},
    "response-open-mail": {"task": "reviews.tasks.response_open_task", "schedule": 600.0},
}

# Mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MLSec Workshop <noreply@localhost>")
# The public address; every link in a mail starts with it (`check --deploy` insists in production).
SITE_URL_SET = "SITE_URL" in env.ENVIRON
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=300)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
# A job whose worker has committed no batch for this long is handed to a worker again (workshop/jobs.py).
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=120)
# Items a job does in one transaction (pairs applied, papers released): bounded work per commit.
JOB_BATCH = env.int("JOB_BATCH", default=500)

# Accounts (django-allauth)
SITE_ID = 1
ACCOUNT_ADAPTER = "workshop.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "workshop.forms.SignupForm"
ACCOUNT_FORMS = {"login": "workshop.account_forms.LoginForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
SOCIALACCOUNT_PROVIDERS = {}
if ORCID_CLIENT_ID and ORCID_SECRET:
    SOCIALACCOUNT_PROVIDERS["orcid"] = {
        "APPS": [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_SECRET}],
        "BASE_DOMAIN": env.str("ORCID_BASE_DOMAIN", default="orcid.org"),
        "MEMBER_API": False,
    }

# Files
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"  # uploads are only served through policy-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Several web and worker nodes share uploads through an S3-compatible store, chosen by
# AWS_STORAGE_BUCKET_NAME (keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, as boto3 reads them).
# Objects stay private: files are only ever streamed through the policy-checked views.
S3_BUCKET = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if S3_BUCKET:
    from botocore.config import Config as S3ClientConfig

    STORAGES["default"] = {
        "BACKEND": "workshop.storage.S3Storage",  # django-storages, cheaper per upload
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # A store that does not answer fails the request in seconds, not minutes.
            "client_config": S3ClientConfig(
                s3={"addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="auto")},
                connect_timeout=env.int("AWS_S3_CONNECT_TIMEOUT", default=5), read_timeout=30,
                retries={"mode": "standard", "max_attempts": env.int("AWS_S3_MAX_ATTEMPTS", default=3)},
            ),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_expire": 60,
            "object_parameters": {"ContentDisposition": "attachment"},
        },
    }

FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Security: strict by default in production (DEBUG off).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF, "https://orcid.org", "https://sandbox.orcid.org"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# JSON lines (one object per line, with the request or task id) in production; text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "workshop.ops.request_log.RequestIdFilter"},
                "secrets": {"()": "workshop.ops.log_masking.SecretMaskFilter"}},
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id", "secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Their INFO is a line per rendering step: noise in a worker's log.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pikepdf")},
        # Django's own handlers (console in DEBUG, the dev server's) print URLs unmasked: only ours, which mask.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
