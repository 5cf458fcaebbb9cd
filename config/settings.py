"""整治通 settings, read from the environment.

With nothing set the app runs on an embedded default: a SQLite file and a Celery
broker on the file system, so `make run` needs no server. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis; DJANGO_ENV=production turns on the
deployment hardening that `manage.py check --deploy` asks for.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from .env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
TESTING = env_bool("DJANGO_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
else:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-9f2c1e")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "django_htmx",
    "orgs",
    "campaigns",
    "ledgers",
    "complaints",
    "scoring",
    "config.apps.SecurityConfig",  # security log receivers and start-up checks (config/security.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.AuditUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "config.middleware.PrivateNoStoreMiddleware",
    "config.middleware.RefusalLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "orgs.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    # Health checks: a persistent connection cut by a PostgreSQL restart is replaced at the next
    # request instead of failing it.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the web process read while the worker writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" is each process's own memory (Django's default); "shared" is a table in the database, so
# what one gunicorn worker computed (the ledger's status counts) the others read, and it does not depend
# on Redis being up. Its table is made by ledgers migration 0005 (and by createcachetable in tests).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zzt_shared_cache"},
}

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "config.password_validation.ContextWordsValidator"},
]
# ASVS 6.2.11: words a password must not contain; region names and their pinyin come from the database.
PASSWORD_CONTEXT_WORDS = env_list(
    "PASSWORD_CONTEXT_WORDS",
    ["wuye", "12345", "zhengzhitong", "zhengzhi", "zzt", "wygl", "password", "admin"],
)
if TESTING:
    # Tests create a user per role per test; the production hashers would dominate the run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client's address behind a reverse proxy (config/client_address.py, README 部署): the proxies'
# networks, e.g. "127.0.0.1,10.0.0.0/8", or how many proxies stand in front of the app. Neither set:
# X-Forwarded-For is ignored, since any client can write it.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Guessing spread over many addresses (config/login_throttle.py): per account, a growing cool-down the
# owner's own addresses are exempt from; per address, a cap over all usernames.
LOGIN_ACCOUNT_FREE_FAILURES = env_int("LOGIN_ACCOUNT_FREE_FAILURES", 10)
LOGIN_ACCOUNT_MAX_COOLDOWN = timedelta(minutes=env_int("LOGIN_ACCOUNT_MAX_COOLDOWN_MINUTES", 15))
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ASVS 7.3: enforced by config.middleware.SessionTimeoutMiddleware (seconds).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", SESSION_COOKIE_AGE)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Locale -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# An empty choice in a filter means "any": 全部, not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = "全部"

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries come from npm (package.json + lock) at set-up time.
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the static root and is served only by scoped views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never routed: files go through views that check scope
# `manage.py backup` writes its archives here unless told otherwise (README: 备份与恢复).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_IMPORT_BYTES = env_int("MAX_IMPORT_BYTES", 200 * 1024 * 1024)
# 随手拍 abuse controls, counted in the database so every worker process sees the same figures.
RESIDENT_REPORTS_PER_IP_HOUR = env_int("RESIDENT_REPORTS_PER_IP_HOUR", 5)
RESIDENT_REPORTS_PER_PHONE_DAY = env_int("RESIDENT_REPORTS_PER_PHONE_DAY", 3)
RESIDENT_LOOKUPS_PER_IP_HOUR = env_int("RESIDENT_LOOKUPS_PER_IP_HOUR", 20)
RESIDENT_PHOTO_MAX_BYTES = env_int("RESIDENT_PHOTO_MAX_BYTES", 8 * 1024 * 1024)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ErrorDocumentingSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "整治通 API",
    "DESCRIPTION": "物业领域突出问题专项整治：组织、项目、台账、诉求、考核。所有数据按角色限定范围。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the PyPI sidecar package: no CDN, and CSP-clean with the split view.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a `kind`; name each enum after its model so the schema (and check --deploy) is clean.
    "ENUM_NAME_OVERRIDES": {"EvidenceKindEnum": "ledgers.models.Evidence.Kind"},
}

# --- Celery -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A page that queues work must not hang when Redis is gone: fail fast, the outbox keeps it.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        # A task whose worker was killed outright (not a pool child: that is requeued at once) is
        # delivered again after this long; longer than the longest task, or it would run twice.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
else:
    # A broker on the file system: the embedded default needs no server, and the
    # worker and beat started by `make run` really run the scheduled jobs.
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("out", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        # Exchange bindings; kombu's default is ./control, i.e. wherever the process was started.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks are written to be run again (orgs/taskpolicy.py): acknowledged when done, requeued when a
# worker dies, so a killed worker loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Publishing from a request: a couple of quick tries, then orgs.outbox keeps the message for the relay.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# The worker waits for the broker at start and after losing it, however long it is gone.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Scheduled jobs; each expires so that missed runs do not pile up. The daily, monthly and quarterly
# ones claim their slot in the database (orgs.taskpolicy.once_per_slot), so a second beat is harmless.
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["orgs-daily-digest"] = {
    "task": "orgs.tasks.send_daily_digest",
    "schedule": crontab(hour=7, minute=30),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["orgs-remove-abandoned-uploads"] = {
    "task": "orgs.tasks.remove_abandoned_uploads",
    "schedule": crontab(hour=3, minute=15),
    "options": {"expires": 6 * 3600},
}
# Issue 18: a complaint upload whose preview nobody confirmed within a day leaves the disk.
CELERY_BEAT_SCHEDULE["complaints-remove-abandoned-previews"] = {
    "task": "complaints.tasks.remove_abandoned_previews",
    "schedule": crontab(hour=3, minute=25),
    "options": {"expires": 6 * 3600},
}
# Seed 000: "每季度开展量化考核" — the quarter just ended, on the 1st of Jan/Apr/Jul/Oct.
CELERY_BEAT_SCHEDULE["scoring-last-quarter"] = {
    "task": "scoring.tasks.compute_last_quarter",
    "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=3, minute=0),
    "options": {"expires": 20 * 3600},
}
# Seed 000: "每月通报投诉量位居…前 50 名的项目" — the month just ended, on the 1st.
CELERY_BEAT_SCHEDULE["complaints-previous-month"] = {
    "task": "complaints.tasks.compute_previous_month",
    "schedule": crontab(day_of_month=1, hour=2, minute=0),
    "options": {"expires": 20 * 3600},
}
# Work that requests asked for while the broker was down (orgs.outbox): sent once it is back.
CELERY_BEAT_SCHEDULE["orgs-relay-outbox"] = {
    "task": "orgs.tasks.relay_outbox",
    "schedule": 30.0,
    "options": {"expires": 25},
}
# Daily overdue scan and 3-day deadline reminders, before the 7:30 digest e-mails them.
CELERY_BEAT_SCHEDULE["ledgers-daily-reminders"] = {
    "task": "ledgers.tasks.daily_reminders",
    "schedule": crontab(hour=7, minute=0),
    "options": {"expires": 12 * 3600},
}
# Seed 004: "各镇(街道)于每月20日前…报送" — townships not yet reported hear of it 3 days before the due day.
CELERY_BEAT_SCHEDULE["ledgers-report-due"] = {
    "task": "ledgers.tasks.monthly_report_reminders",
    "schedule": crontab(hour=7, minute=5),
    "options": {"expires": 12 * 3600},
}

# --- Email --------------------------------------------------------------------
# Django 6.1 mailers: the console in development, SMTP in production (EMAIL_* from the environment).
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_CONSOLE = "django.core.mail.backends.console.EmailBackend"
_mail_backend = env_str("EMAIL_BACKEND", _SMTP if PRODUCTION else _CONSOLE)
_mail_options = (
    {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
    if _mail_backend == _SMTP
    else {}
)
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zhengzhitong@localhost")
# Absolute links in e-mails (the daily digest) start with this.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

# --- Security -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Inline style attributes (progress bars, chart sizes) are allowed; scripts are not.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Logins, login failures, lock-outs, 403s and scope 404s (config/security.py); no secrets.
        "security": {"level": "INFO"},
    },
}
