"""The CRM's only settings module: every value comes from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import bootstrap as xstatic_bootstrap

from crm_project import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.get_str("CRM_VAR_DIR") or BASE_DIR / "var")

DEBUG = env.get_bool("DEBUG", False)

SECRET_KEY = env.get_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required when DEBUG is off.")
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "crm_project.accounts",
    "crm_project.core",
    "clients",
    "interactions",
    "reports",
    "crm_project.core.admin_site.CrmAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm_project.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # PUT, PATCH and DELETE outside /api/ are answered 405 (crm_project/core/methods.py).
    "crm_project.core.methods.PageMethodsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The policy in CONTENT_SECURITY_POLICY, relaxed for the few paths in CSP_RELAXED_PATHS.
    "crm_project.core.csp.CrmCSPMiddleware",
    # Last: turns a sign-in refused for a locked-out account or address into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_project.urls"
WSGI_APPLICATION = "crm_project.wsgi.application"

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
                "crm_project.core.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), SQLite under var/ for the embedded demo.
DATABASE_URL = env.get_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
# A read replica for the supervisors' reports (crm_project.core.db): the heavy aggregates then
# leave the primary to the managers' writes. Live counters and everything else read the primary.
DATABASE_REPLICA_URL = env.get_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
    # Tests run against one database: the replica alias reads the test copy of the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # psycopg's connection pool: a gunicorn worker reuses connections instead of opening
        # one per request. CONN_MAX_AGE must stay 0 with a pool.
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.get_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env.get_int("DATABASE_POOL_MAX_SIZE", 10),
            "timeout": env.get_int("DATABASE_POOL_TIMEOUT", 10),
        }
        # The pool checks a connection before lending it: after PostgreSQL restarts, its idle
        # connections are dead, and without the check each would fail one request.
        _database["CONN_HEALTH_CHECKS"] = True
        # Querysets read with .iterator() (form choices, exports) would otherwise DECLARE a
        # server-side cursor WITH HOLD: extra round trips for a few rows, and unusable behind
        # PgBouncer in transaction mode.
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["crm_project.core.db.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: every user-facing string goes through gettext.
LANGUAGE_CODE = env.get_str("LANGUAGE_CODE", "en") or "en"
# Each language is offered under its own name, whatever the interface language is.
# README "Languages" says how to add one: its catalogue in locale/<code>/, then a line here.
ALL_LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("fr", "Français"),
    ("az", "Azərbaycanca"),
    ("hi", "हिन्दी"),
]
LANGUAGES = ALL_LANGUAGES
# Dates, times and decimal commas follow the active language (Django's format modules).
# Thousands are grouped only where a figure is shown (the `money` and `number` filters of
# core_format): grouping every number would also print ids in URLs and forms as "1 234".
USE_THOUSAND_SEPARATOR = False
# Our own locale formats first (Indian digit grouping for Hindi), then Django's.
FORMAT_MODULE_PATH = ["crm_project.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Europe/Moscow") or "UTC"
USE_I18N = True
USE_TZ = True

# Phones typed without a country code ("8 495 123-45-67") are read as numbers of this region.
PHONE_DEFAULT_REGION = env.get_str("PHONE_DEFAULT_REGION", "RU") or "RU"

# Telephony intake (README, "Telephony: calls log themselves"): provider secrets, and the
# time zone of providers that send local times without an offset.
TWILIO_AUTH_TOKEN = env.get_str("TWILIO_AUTH_TOKEN", "") or ""
ZADARMA_API_SECRET = env.get_str("ZADARMA_API_SECRET", "") or ""
TELEPHONY_WEBHOOK_SECRET = env.get_str("TELEPHONY_WEBHOOK_SECRET", "") or ""
TELEPHONY_ZADARMA_TIME_ZONE = env.get_str("TELEPHONY_ZADARMA_TIME_ZONE", "") or TIME_ZONE
TELEPHONY_ASTERISK_TIME_ZONE = env.get_str("TELEPHONY_ASTERISK_TIME_ZONE", "") or TIME_ZONE
TELEPHONY_GENERIC_TIME_ZONE = env.get_str("TELEPHONY_GENERIC_TIME_ZONE", "") or TIME_ZONE
TELEPHONY_ASTERISK_INBOUND_CONTEXTS = env.get_list(
    "TELEPHONY_ASTERISK_INBOUND_CONTEXTS",
    ["from-trunk", "from-pstn", "from-external", "incoming", "inbound"],
)
TELEPHONY_ASTERISK_OUTBOUND_CONTEXTS = env.get_list(
    "TELEPHONY_ASTERISK_OUTBOUND_CONTEXTS", ["from-internal", "outbound", "outgoing"]
)
TELEPHONY_CALLBACK_DELAY_MINUTES = env.get_int("TELEPHONY_CALLBACK_DELAY_MINUTES", 15)
TELEPHONY_PLANNED_CALL_WINDOW_MINUTES = env.get_int("TELEPHONY_PLANNED_CALL_WINDOW_MINUTES", 240)
# The drain logs up to this many pending call events a transaction, and after a batch that was
# not full waits this long for more (interactions/telephony/services/processing.py).
TELEPHONY_DRAIN_BATCH_SIZE = env.get_int("TELEPHONY_DRAIN_BATCH_SIZE", 200)
TELEPHONY_DRAIN_PAUSE_SECONDS = float(env.get_str("TELEPHONY_DRAIN_PAUSE_SECONDS", "") or 0.2)

# Supervisor reports (README, "Reports"): the longest period a report may span, and the address
# the snapshot e-mails link to.
REPORTS_MAX_PERIOD_DAYS = env.get_int("REPORTS_MAX_PERIOD_DAYS", 400)
REPORTS_BASE_URL = env.get_str("REPORTS_BASE_URL", "http://127.0.0.1:8000") or ""

# Primary-contact credit (clients.services.points): points for entering a new client's primary
# contact, and again to the same person when a deal with that client is won.
POINTS_PRIMARY_CONTACT = env.get_int("POINTS_PRIMARY_CONTACT", 10)
POINTS_PRIMARY_CONTACT_DEAL_WON = env.get_int("POINTS_PRIMARY_CONTACT_DEAL_WON", 50)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic_bootstrap.BASE_DIR),
]
# <select> rendered without a template per option (crm_project/core/forms_renderer.py).
FORM_RENDERER = "crm_project.core.forms_renderer.CrmFormRenderer"
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
MEDIA_ROOT = VAR_DIR / "media"

# Redis is the broker and the cache in production; without REDIS_URL the demo runs Celery on
# kombu's filesystem transport under var/, so the task pipeline is real even there.
REDIS_URL = env.get_str("REDIS_URL") or ""
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Redis hands a task a worker took but never acknowledged (the worker was killed) to another
    # worker after this many seconds. It must exceed the longest countdown of a retry (1 h) plus
    # the longest task (12 min), or a task waiting for its retry would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.get_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 7200)
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.get_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env.get_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every minute: re-dispatch telephony events left unprocessed (broker down, a worker died).
    "telephony-sweep": {"task": "interactions.tasks.call_event_sweep_task", "schedule": 60.0},
    # Report snapshots for every team, e-mailed to its supervisors: each night at 01:10 for the
    # day before, on Mondays at 01:20 for the week before, on the 1st at 01:30 for last month.
    "reports-daily-snapshots": {
        "task": "reports.tasks.report_snapshots_build_task",
        "schedule": crontab(hour=1, minute=10),
        "args": ("daily",),
    },
    "reports-weekly-snapshots": {
        "task": "reports.tasks.report_snapshots_build_task",
        "schedule": crontab(hour=1, minute=20, day_of_week="mon"),
        "args": ("weekly",),
    },
    "reports-monthly-snapshots": {
        "task": "reports.tasks.report_snapshots_build_task",
        "schedule": crontab(hour=1, minute=30, day_of_month="1"),
        "args": ("monthly",),
    },
    # Every hour at :40 from 02:40 (after the nightly runs): build the snapshots of the last day,
    # week and month still missing, left by a broker or database outage.
    "reports-snapshots-catch-up": {
        "task": "reports.tasks.report_snapshots_catch_up_task",
        "schedule": crontab(hour="2-23", minute=40),
    },
    # Every five minutes: send deal reminders and transfer notices whose task was never enqueued
    # (the broker was down when they were saved).
    "notices-resend": {"task": "clients.tasks.notices_resend_task", "schedule": 300.0},
    # Every minute: resume e-mail campaigns a stopped worker left half-sent.
    "mailings-resume": {"task": "clients.tasks.campaigns_resume_task", "schedule": 60.0},
    # Every day at 08:00 (CELERY_TIMEZONE): e-mail each supervisor the deals that became overdue.
    "deals-overdue-digest": {
        "task": "clients.tasks.deals_overdue_digest_task",
        "schedule": crontab(hour=8, minute=0),
    },
}

# E-mail: SMTP in production; the demo writes messages to files under var/mail.
EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mailings: campaign messages per minute, the address unsubscribe links point to, and the salt
# that keeps unsubscribe tokens from being usable as any other signed value.
MAILING_SEND_RATE_PER_MINUTE = env.get_int("MAILING_SEND_RATE_PER_MINUTE", 60)
MAILING_BASE_URL = env.get_str("MAILING_BASE_URL", "") or REPORTS_BASE_URL
MAILING_UNSUBSCRIBE_SALT = (
    env.get_str("MAILING_UNSUBSCRIBE_SALT", "clients.mailings.unsubscribe")
    or "clients.mailings.unsubscribe"
)

# Security: secure by default, relaxed only by DEBUG or explicit env values.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.get_bool("TRUST_X_FORWARDED_PROTO", False) else None
)
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.get_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.get_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.get_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): the CRM's own pages run only the app's own static files,
# no inline script, style or event handler anywhere (behaviour hangs on data-* attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Pages we do not render ourselves get the same policy plus 'unsafe-inline' for what they need
# (crm_project.core.csp): the Django admin and the operators' admin (/admin/, /operator/) put
# style attributes in their widgets' markup (select2 autocompletes, the calendar and clock), and
# drf-spectacular's Swagger UI (/api/docs/) ships an inline <style> and an inline start-up script.
# Both are staff tools on our own origin, still confined to our own scripts' origin.
CSP_RELAXED_PATHS: dict[str, dict[str, list[str]]] = {
    "/admin/": {"style-src": ["'unsafe-inline'"]},
    "/operator/": {"style-src": ["'unsafe-inline'"]},
    "/api/docs/": {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]},
}

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one account, or
# from one address, both are refused (HTTP 429, registration/locked_out.html) until
# AXES_COOLOFF_TIME has passed since the lockout; a successful sign-in clears the account's
# count. An administrator lifts a lockout at once: `manage.py axes_reset_username <name>`.
AXES_VERBOSE = False  # no banner on every start-up and management command
AXES_ENABLED = env.get_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 15))
# A list of separate parameters: the account and the address are each counted on their own.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Failures during a lockout do not extend it: an attacker cannot keep the real user out for good.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "crm_project.accounts.views.locked_out"
# The address as the audit trail records it (REMOTE_ADDR; the proxy passes the client's on).
AXES_CLIENT_IP_CALLABLE = "crm_project.core.audit.request_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "crm_project.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "crm_project.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "crm_project.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {},
}
# django-filter: an empty choice in a filter reads "Any", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Any")

SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": (
        "The corporate client base, the interaction journal and the plans.\n\n"
        "**Authentication**: a session (the CRM's own login; unsafe methods need the X-CSRFToken "
        "header matching the csrftoken cookie) or a token (`Authorization: Token <key>`, for "
        "integrations).\n\n"
        "**Paging**: lists are cursor-paged (`cursor`, `page_size` up to 200); follow "
        "`next`/`previous`. There is no total count.\n\n"
        "**Personal data**: contact persons' names, phone numbers and e-mail addresses of clients "
        "the user may not see in full come masked (`+7 *** ***-45-67`, `i*****@example.com`); "
        "`has_personal_data_access` says which.\n\n"
        '**Errors** have one shape: `{"error": {"code": "validation_error", "message": '
        '"The request has invalid fields.", "fields": {"name": ["…"]}}}`. `code` is stable '
        "(validation_error, duplicate, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, method_not_allowed, conflict, throttled); `message` is "
        "translated; `fields` (400 only) lists messages per field, nested like the request body. "
        "A duplicate phone or e-mail (code `duplicate`) adds `existing_client: {id, url}`. "
        "401: not signed in; 403: the role may not do this; 404: not found or not visible; "
        "409: someone else changed the record first, nothing was saved."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "ENUM_NAME_OVERRIDES": {
        "ClientKindEnum": "clients.models.base.Client.Kind",
        "PhoneKindEnum": "clients.models.base.Phone.Kind",
        "InteractionKindEnum": "interactions.models.Kind",
        "ClientStatusEnum": "clients.models.base.Client.Status",
        "CorrectionStatusEnum": "clients.models.privacy.CorrectionRequest.Status",
        "CampaignStatusEnum": "clients.models.mailings.Campaign.Status",
        "CampaignRecipientStatusEnum": "clients.models.mailings.CampaignRecipient.Status",
    },
    # Swagger UI's assets come from the sidecar package and are served by the app, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
}
