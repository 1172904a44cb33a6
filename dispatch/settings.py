"""Settings for the first-secretary dispatch system.

Everything that differs between a developer's laptop and a provincial intranet server comes
from the environment:

- ``DJANGO_ENV``: ``development`` (default) or ``production``. Production refuses to start with
  DEBUG on or without its own SECRET_KEY, and turns on the protections ``check --deploy`` asks for.
- ``DATABASE_URL``: defaults to a SQLite file in the checkout; production and CI use PostgreSQL,
  e.g. ``postgres://postgres@127.0.0.1:5432/first_secretary``.
- ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS`` (comma-separated), ``CSRF_TRUSTED_ORIGINS``.
- ``PROVINCE_CODE``: the deployment's own province, by its division code (``14`` or ``140000``,
  Shanxi, by default). The regions and villages of other provinces may be loaded beside it; the
  province's users, its imports and its reports see this province only.
- ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_SECONDS``: production defaults are strict; an intranet
  served behind a TLS-terminating proxy sets ``SECURE_PROXY_SSL_HEADER=1``.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

# Known to everyone who has read this file: good for a laptop, refused in production.
DEFAULT_SECRET_KEY = "django-insecure-development-only-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production mode needs its own SECRET_KEY of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to run with DEBUG on.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "axes",
    "csp",
    # Background jobs (core.jobs): Django's tasks framework (the django-tasks backport until Django
    # 6) with its database backend, whose `db_worker` core's `jobs_worker` command runs.
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    # Our apps, in the order their dependencies point: core <- villages <- dispatch <- secretaries <- tenure <- reports.
    "core",
    "villages",
    "dispatch",
    "secretaries",
    "tenure",
    "reports",
]

MIDDLEWARE = [
    # First, so that its duration covers everything and it logs even a request that failed.
    "core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (the login page does).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view's middleware reads the body (CSRF reads a POST's form): a body over the
    # largest upload is refused from its Content-Length (core/uploads.py).
    "core.uploads.RequestBodyLimitMiddleware",
    # Exposes the request to the audit trail (core.audit): who changed a row, from which address.
    "simple_history.middleware.HistoryRequestMiddleware",
    # An account with a first password (dispatch.passwords) reaches only the password page.
    "dispatch.passwords.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.PrivateResponseMiddleware",
    "core.security.SessionLimitMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with core.security's page.
    "axes.middleware.AxesMiddleware",
]

# Login failures (等保 2.0 登录失败处理, core/security.py): 5 failures of one username from one
# address lock that pair for 30 minutes, on the site's and the admin's login alike; a success
# clears the count. Every login, failed or not, is recorded (admin: 登录记录, 登录失败记录).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # core.admin shows the records with Chinese labels and an unlock action
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_VERBOSE = False
# The proxies (addresses or networks) whose X-Forwarded-For is believed, comma-separated, e.g.
# "127.0.0.1,10.0.0.0/24" for nginx on the same machine or the intranet's load balancer.
TRUSTED_PROXIES = [p for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]

# The audit trail and the personal-data access log are kept this many days (等保 2.0: at least
# 180; core.audit refuses less). `manage.py prune_audit` deletes only what is older.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (等保 2.0 keeps the audit six months).")
# The audit is read, never used to put a row back (nothing here offers a revert).
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "dispatch.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # |unlocalize on every template, for the numbers that are not quantities (settings:
            # USE_THOUSAND_SEPARATOR).
            "builtins": ["django.templatetags.l10n"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "dispatch.wsgi.application"
ASGI_APPLICATION = "dispatch.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=PRODUCTION,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default install serves a county office's users at once on one SQLite file. Every
    # connection (Django opens one per request thread) gets these:
    # - WAL: readers never block the writer, nor the writer the readers.
    # - transaction_mode IMMEDIATE: a transaction takes the write lock when it begins. With
    #   SQLite's default (DEFERRED) a transaction that read first and then writes cannot wait
    #   for a lock held by another writer: SQLite answers "database is locked" at once, which
    #   the users saw as server errors. Started IMMEDIATE, it waits its turn instead.
    # - timeout: how long a transaction waits for the write lock (SQLite's busy timeout).
    # - synchronous=NORMAL: the safe setting in WAL mode (a power cut may lose the last
    #   transactions, never corrupt the file), without a disk flush per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "dispatch.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Django's own texts that say 你 (the password pages, the admin) say 您 here, as our pages do.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Quantities on every page as 9,396 (dispatch/formats says why, and what must stay unformatted).
FORMAT_MODULE_PATH = ["dispatch.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# Files served at the site's root, before the login check: /favicon.ico, which browsers ask
# for on every site whatever the page's <link rel="icon"> says.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# The deployment's own province (core.scope.deployment_province_prefix reads it): one province
# per deployment, the nation's regions allowed beside it.
PROVINCE_CODE = os.environ.get("PROVINCE_CODE", "14").strip()
if not (PROVINCE_CODE.isdigit() and PROVINCE_CODE[2:] in ("", "0000") and len(PROVINCE_CODE) in (2, 6) and PROVINCE_CODE[:2] != "00"):
    raise ImproperlyConfigured(f"PROVINCE_CODE must be a province's division code such as 14 or 140000, not {PROVINCE_CODE!r}")

# Spreadsheet imports. The caps come from the largest real file, the national village list
# (620,573 villages in 10 columns): about 30 MB as .xlsx, about 360 MB of XML unzipped (about
# 600 bytes a row as XlsxWriter writes it), about 30 MB of shared strings when Excel saves it.
# Each cap leaves some headroom above that and refuses what goes far beyond, before parsing:
# - rows: 700,000 per file (the national list + 13 %; villages are merged, not added);
# - columns: 100 (the widest import, the roster, has about 30; a stray cell far right counts);
# - upload: 40 MB (the national .xlsx + a third); the request body: that + 1 MB of form;
# - unzipped: 450 MB (700,000 rows × ~640 bytes); shared strings 64 MB (openpyxl keeps each
#   in memory at ~60 bytes apiece);
# - errors: the first 1,000 are stored and shown (paged), with the total count.
# Previews not confirmed within an hour go.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "40")) * 1024 * 1024
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_MB", "450")) * 1024 * 1024
IMPORT_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS_MB", "64")) * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "700000"))
IMPORT_MAX_COLUMNS = 100
IMPORT_MAX_ERRORS = 1000
IMPORT_PREVIEW_LIFETIME_SECONDS = 60 * 60
# The scan of a city's signed and stamped ledger (PDF, JPEG or PNG) that goes with its submission.
SUBMISSION_SCAN_MAX_BYTES = int(os.environ.get("SUBMISSION_SCAN_MAX_MB", "10")) * 1024 * 1024
# Uploads up to the limit stay in memory: no stray copy in a temp folder.
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
# The largest request body, refused from its Content-Length before anything reads it
# (core.uploads.RequestBodyLimitMiddleware; deploy/nginx.conf's client_max_body_size is the
# same figure): the largest upload and its form. Without a Content-Length, Django reads no body.
REQUEST_MAX_BODY_BYTES = max(IMPORT_MAX_UPLOAD_BYTES, SUBMISSION_SCAN_MAX_BYTES) + 1024 * 1024
# Forms without files: Django's default, stated.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Background jobs (core.jobs): long exports run in a worker process (`manage.py jobs_worker`),
# queued in the database, so that any application server may start one and any may show its
# progress and serve its file (written to the default storage, MEDIA_ROOT).
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend", "QUEUES": ["default"]}}
# An export of more rows than this is queued; fewer are written while the page waits. In Shanxi
# every city's lists stay below it (the largest: 忻州市, 2,878 villages, a 1,660-row ledger: about
# 1.4 s on SQLite at the 1,160 ledger rows/s measured on two cores, less on PostgreSQL) and the
# province's are queued (21,895 villages; a 9,395-row ledger, 8 s on SQLite).
JOBS_DIRECT_MAX_ROWS = int(os.environ.get("JOBS_DIRECT_MAX_ROWS", "3000"))
# How long a finished export's file is kept for its requester to download.
JOBS_FILE_LIFETIME = datetime.timedelta(days=int(os.environ.get("JOBS_KEEP_DAYS", "7")))
# /healthz fails when a job has waited longer than this for a worker.
JOBS_QUEUE_MAX_WAIT = datetime.timedelta(seconds=int(os.environ.get("JOBS_QUEUE_MAX_WAIT_SECONDS", "300")))

# django-import-export (the admin's import/export): the same permissions as the pages.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# Sessions end when the browser closes, after 30 idle minutes, and in any case a working day
# after the login (core.security.SessionLimitMiddleware): office computers are shared (等保 2.0).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "10")) * 60 * 60

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this site,
# no inline script, no plugins, no framing, forms post only here. Style attributes stay allowed
# ('unsafe-inline' for styles only): the admin and a few templates set widths inline, and styles
# cannot run code. The browser tests fail on any violation (tests/e2e/conftest.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Production logs one JSON object per line to standard output (journald or the container keeps
# it), with one line per request from core.requestlog; development logs plain text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.requestlog.JsonFormatter"}, "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    # The request lines are INFO: on in production, off in development unless LOG_LEVEL=INFO.
    "loggers": {"requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")}},
}
