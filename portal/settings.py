"""Settings for Guanqi, read from the environment (12-factor).

Every value an operator may change comes from an environment variable (see README.md, "Configuring
production"). Development defaults are used only with DEBUG=1; production refuses to start without a
real SECRET_KEY.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_KEY_MARKERS = ("dev-insecure", "change-me", "django-insecure")
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and (len(SECRET_KEY) < 50 or any(m in SECRET_KEY for m in _INSECURE_KEY_MARKERS)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )
# Key rotation (docs/OPERATIONS.md): the previous key(s) stay valid for verifying sessions, password-reset
# links and signed values until they expire; new ones are signed with SECRET_KEY only.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The domain apps, in their layer order (docs/ARCHITECTURE.md): each imports only those above it here.
    "enterprises.apps.EnterprisesConfig",
    "credit.apps.CreditConfig",
    "coordinators.apps.CoordinatorsConfig",
    "coordination.apps.CoordinationConfig",
    "compliance.apps.ComplianceConfig",
    "appeals.apps.AppealsConfig",
    "outreach.apps.OutreachConfig",
    "liaison.apps.LiaisonConfig",
    "supervision.apps.SupervisionConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.security.IdleTimeoutMiddleware",
    "portal.security.SecondFactorMiddleware",
    "portal.db_router.ReplicaMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://guanqi@127.0.0.1:54329/guanqi")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation for the app's queries: the dashboard's and the admin lists' plans cost enough to
# trigger it (jit_above_cost), and compiling took 0.2-4.8 s per query against milliseconds of execution
# (bench/RESULTS.md). DB_JIT=1 restores the server's setting (e.g. for one-off analytical scripts).
if not env.bool("DB_JIT", default=False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Read replicas (portal/db_router.py): zero or more streaming replicas of the primary, as replica1, …
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    DATABASES[f"replica{_number}"] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:63799/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "guanqi",
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions
GUARDIAN_RAISE_403 = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "portal.passwords.StaffMinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "portal.passwords.CharacterVarietyValidator", "OPTIONS": {"min_distinct": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Accounts (portal/security.py) ------------------------------------------------------------------
# Sessions end after 12 hours at most; staff sessions also after STAFF_IDLE_TIMEOUT_MINUTES unused.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
PASSWORD_RESET_TIMEOUT = 3600
# django-axes: wrong passwords are counted per username in the database (every process and server
# sees the same counters); the fifth in a row locks the username for 15 minutes, even with the right
# password. An administrator lifts a lockout in the admin (Access attempts) or with `axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# django-otp: the second factor of customs staff (TOTP, plus one-time backup codes).
OTP_TOTP_ISSUER = "Guanqi"
# Administrators may delete a person's devices (so they enrol again) but never read their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Content-Security-Policy (django-csp): no inline script, style or event handler anywhere -----------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Every uploaded file (portal/uploads.py): no URL, served only through access-checked views.
    "private": {"BACKEND": "portal.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files are private: they live outside STATIC and are served only through views that check
# object permissions (never by URL alone).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="guanqi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for the next worker
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that died is handed to another after this many seconds (longer than any
# one task; the daily jobs run in chunks, portal/chunks.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
if "CELERY_UNACKED_RESTORE_INTERVAL" in env:
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL"),
        "unacked_restore_throttle": 1,
    }
# Queues by kind, so that a slow job never delays a notification: workers take them with -Q
# (scripts/run.sh: all of them; the cluster, scripts/cluster/: notifications and jobs apart).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "portal.send_notification_email*": {"queue": "notifications"},
    "portal.drain_outbox": {"queue": "notifications"},
    "portal.run_job_chunk": {"queue": "jobs"},
    "portal.run_chunked_job": {"queue": "jobs"},
    "credit.*": {"queue": "jobs"},
    "coordination.*": {"queue": "jobs"},
    "coordinators.*": {"queue": "jobs"},
    "compliance.*": {"queue": "jobs"},
    "appeals.*": {"queue": "jobs"},
    "liaison.*": {"queue": "jobs"},
    "outreach.*": {"queue": "jobs"},
}
# Whoever talks to Redis gives up quickly when it is down (the outbox keeps what could not be sent).
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2, "timeout": 2.0}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- REST framework / OpenAPI ---------------------------------------------------------------------
REST_FRAMEWORK = {
    # A token first: a call without credentials is answered 401 with "WWW-Authenticate: Bearer".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.api.authentication.TokenScope",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["portal.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.BoundedCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Guanqi API",
    "DESCRIPTION": "Customs–enterprise coordination portal",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {"ImprovementActionStatusEnum": "compliance.models.ActionStatus"},
}

# --- Security (production) ------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# axes.W006 asks to lock by IP address too: we lock by username on purpose (customs offices and
# enterprises sign in from behind one NAT address, which an IP lockout would shut out together).
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=["axes.W006"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}


# --- Tunables ------------------------------------------------------------------------------------
# Every tunable and its default lives in portal/conf.py; here only what the environment overrides.
def _env_tunables() -> dict:
    casts = {
        "REOPEN_WINDOW_DAYS": env.int,
        "TRAINING_PERIOD_MONTHS": env.int,
        "IMPROVEMENT_ACTION_REMINDER_DAYS": env.int,
        "IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS": env.int,
        "ATTACHMENT_MAX_BYTES": env.int,
        "IMPORT_MAX_ROWS": env.int,
        "JOB_BATCH_SIZE": env.int,
        "JOB_CHUNKS": env.int,
        "REPLICA_MAX_LAG_SECONDS": env.float,
        "REPLICA_CHECK_SECONDS": env.float,
        "REPLICA_PIN_SECONDS": env.int,
        "EXPORT_MAX_ROWS": env.int,
        "PORTAL_URL": env.str,
        "PUBLIC_STATUS_LOOKUPS_PER_MINUTE": env.int,
        "DESK_COUNT_CAP": env.int,
    }
    values: dict = {name: cast(f"GUANQI_{name}") for name, cast in casts.items() if f"GUANQI_{name}" in env}
    if "GUANQI_RECERTIFICATION_REMINDER_DAYS" in env:
        values["RECERTIFICATION_REMINDER_DAYS"] = env.list("GUANQI_RECERTIFICATION_REMINDER_DAYS", cast=int)
    if "GUANQI_ATTACHMENT_EXTENSIONS" in env:
        values["ATTACHMENT_EXTENSIONS"] = env.list("GUANQI_ATTACHMENT_EXTENSIONS")
    return values


GUANQI = _env_tunables()
