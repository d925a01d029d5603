"""Trialportal settings: one module, configured by environment variables.

Fails closed: with nothing set this is production mode, which refuses to start without
DJANGO_SECRET_KEY, DATABASE_URL and DJANGO_ALLOWED_HOSTS. Local development reads a
git-ignored `.env` that `make run` (or `make env`) writes: development mode and a key
generated for that checkout. Real environment variables always win over the file.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path: Path) -> None:
    """Put the file's KEY=VALUE lines into os.environ, without overriding what is set."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        os.environ.setdefault(name.strip(), value.strip().strip("'\""))


read_env_file(Path(os.environ.get("TRIALPORTAL_ENV_FILE", BASE_DIR / ".env")))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def require(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {why} For local development run `make run` (or `make env`), "
            "which writes a .env with development mode and a generated secret key."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)

# Never a known key, not even in development: .env holds one generated per checkout.
SECRET_KEY = require("DJANGO_SECRET_KEY", "It signs sessions and password-reset links.")

if not DEBUG:
    require("DJANGO_ALLOWED_HOSTS", "Production answers only the host names listed there.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Translated model fields (Dutch and English columns side by side); must precede the admin.
    "modeltranslation",
    "trialportal.apps.TrialportalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Full-text search fields and lookups; harmless on SQLite, where search degrades.
    "django.contrib.postgres",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "django_prose_editor",
    "reversion",
    "trialportal.apps.TrialportalConfig",
    "corsheaders",
    "django_tasks_db",
    "trials",
    "follow",
]

MIDDLEWARE = [
    # Probes first: they must answer whatever the Host header, without a redirect to
    # HTTPS, a session or an access-log line.
    "trialportal.health.HealthCheckMiddleware",
    "trialportal.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "trialportal.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, sending people without a language to theirs.
    "trialportal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trialportal.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trialportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trials.context_processors.centre",
            ],
        },
    },
]

WSGI_APPLICATION = "trialportal.wsgi.application"

# Databases ---------------------------------------------------------------------------

# SQLite is the embedded default for development; production names its database.
if DEBUG:
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
else:
    DATABASE_URL = require(
        "DATABASE_URL", "Production needs an explicit database, e.g. postgres://user@host/name."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A connection that died while idle (database restarted) is replaced, so the
        # site recovers by itself after an outage.
        conn_health_checks=True,
    )
}
# Seconds to wait for a connection, and for one statement, before giving up: a database
# that is down or hanging gives a quick "try again" page instead of stuck workers.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 15)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's advice for SQLite behind a web server: writers take the lock when their
    # transaction starts and wait for each other (up to `timeout` seconds) instead of
    # failing with "database is locked"; WAL lets pages be read while someone saves.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": DATABASE_STATEMENT_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Covering indexes (INCLUDE) are for PostgreSQL at scale; SQLite makes the same index
    # without the extra columns, which is all a centre-sized collection needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # 1.1 suits SSDs and a database that fits in memory (as the usual advice has it).
    DATABASE_RANDOM_PAGE_COST = env_float("DATABASE_RANDOM_PAGE_COST", 1.1)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            # JIT compiling pays off for long analytical queries; the site's are short, and
            # at 100,000 trials it spent more time compiling (0.45 s) than running a search.
            # random_page_cost: PostgreSQL's default (4) is for spinning disks; with it the
            # planner read the whole trials table for a common search word, unpacking every
            # search document (1 s at 100,000 trials), instead of the text index (0.1 s).
            # No parallel workers: the web server already runs a request per core, and in a
            # parallel plan each worker built the search's sets of ids again (three times
            # the work of a text search at 100,000 trials).
            "options": (
                f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000} -c jit=off "
                f"-c random_page_cost={DATABASE_RANDOM_PAGE_COST} "
                "-c max_parallel_workers_per_gather=0"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every app server when REDIS_URL is set (scaling out); otherwise
# each process keeps its own in memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "trialportal.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

# Staff accounts ----------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a login while the username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A staff session ends after a working day without a request (sliding: each use
# extends it, see SlidingSessionMiddleware), not Django's two weeks.
TRIALPORTAL_SESSION_IDLE_HOURS = env_int("TRIALPORTAL_SESSION_IDLE_HOURS", 8)
SESSION_COOKIE_AGE = TRIALPORTAL_SESSION_IDLE_HOURS * 60 * 60

# Brute force: after a few wrong passwords for one username from one address, that
# pair is refused for a while; a right password during the lockout is refused too.
AXES_FAILURE_LIMIT = env_int("TRIALPORTAL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRIALPORTAL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_RETRY_AFTER_HEADER = True
AXES_LOCKOUT_CALLABLE = "trialportal.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "trialportal.lockout.client_ip"
# Addresses of the reverse proxies whose X-Forwarded-For is believed (comma-separated
# IPs or networks). Nobody by default: the client is the connection's address.
TRIALPORTAL_TRUSTED_PROXIES = env_list("TRIALPORTAL_TRUSTED_PROXIES")

# Two-factor authentication (TOTP with recovery codes) for publishers and superusers;
# editors may turn it on. Off in development, so a newcomer's createsuperuser account
# opens the admin without a phone.
TRIALPORTAL_REQUIRE_2FA = env_bool("TRIALPORTAL_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("TRIALPORTAL_2FA_ISSUER", "Trialportal")

# Internationalisation ----------------------------------------------------------------

# The language the code and the admin's built-in texts are written in, and what machines get
# when they ask for none (the API, the admin without a preference). People are sent to
# TRIALPORTAL_DEFAULT_LANGUAGE instead (trialportal.middleware.LanguageMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
# Where `/` and the old addresses without a language send a visitor who has not chosen one
# and whose browser asks for none we have: the centre's families speak Dutch first.
TRIALPORTAL_DEFAULT_LANGUAGE = os.environ.get("TRIALPORTAL_DEFAULT_LANGUAGE", "nl")
if TRIALPORTAL_DEFAULT_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"TRIALPORTAL_DEFAULT_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}, "
        f"not {TRIALPORTAL_DEFAULT_LANGUAGE!r}."
    )
# The language a visitor last read the site in, so `/` leads there next time. Only the
# server reads it; it says nothing about who they are.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
FORMAT_MODULE_PATH = ["trialportal.formats"]
# Staff write the families' texts in both languages (trials/translation.py). English is the
# default column; a text missing in the language asked for is shown in the other one, with a
# notice saying so (trials/models/translated.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "nl"), "en": ("nl",), "nl": ("en",)}


def _in_language(verbose_name, language):
    """A text's field for one language, as forms, history and conflicts name it:
    "summary (Dutch)"."""
    return format_lazy("{} ({})", verbose_name, dict(LANGUAGES)[language])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _in_language
USE_TZ = True

# Static files ------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# The centre ----------------------------------------------------------------------------

# The centre whose trials these are. Staff edit its name, contact details and look in the
# admin ("Centre settings"); these two only fill in that row when the database is created.
TRIALPORTAL_CENTRE_NAME = os.environ.get("TRIALPORTAL_CENTRE_NAME", "Princess Máxima Center")
TRIALPORTAL_CENTRE_COUNTRY = os.environ.get("TRIALPORTAL_CENTRE_COUNTRY", "the Netherlands")
TRIALPORTAL_PAGE_SIZE = env_int("TRIALPORTAL_PAGE_SIZE", 20)
# How deep lists may be paged (finder, cancer-type pages, API): past it, narrow the list.
# Deeper pages make the database skip over ever more rows (trials.paging).
TRIALPORTAL_MAX_RESULTS_PAGED = env_int("TRIALPORTAL_MAX_RESULTS_PAGED", 1000)
# Totals are counted exactly up to this many trials; above it (a registry, not a centre)
# PostgreSQL's estimate is shown as "about" (trials.paging).
TRIALPORTAL_EXACT_COUNTS_UP_TO = env_int("TRIALPORTAL_EXACT_COUNTS_UP_TO", 10_000)
# "Best match" weighs every word of every text of every matching trial up to this many
# matches; above it (a common word in a registry) only the names, registry numbers and
# cancer types, which are read from indexes (trials.search.Search.relevance).
TRIALPORTAL_RANK_EVERY_WORD_UP_TO = env_int("TRIALPORTAL_RANK_EVERY_WORD_UP_TO", 2000)
# PostgreSQL's text-search configurations (stemming, stop words) for the finder's search,
# one per language of the texts. Changing one needs a migration that rebuilds the
# search document trigger (see 0017).
TRIALPORTAL_SEARCH_CONFIG = os.environ.get("TRIALPORTAL_SEARCH_CONFIG", "english")
TRIALPORTAL_SEARCH_CONFIGS = {
    "en": TRIALPORTAL_SEARCH_CONFIG,
    "nl": os.environ.get("TRIALPORTAL_SEARCH_CONFIG_NL", "dutch"),
}
# How often staff must re-check a trial page against the protocol.
TRIALPORTAL_REVIEW_INTERVAL_MONTHS = env_int("TRIALPORTAL_REVIEW_INTERVAL_MONTHS", 6)
# Whether the site may fetch records from ClinicalTrials.gov (the admin's import by NCT
# number, import_ctgov --fetch, sync_registries). Off: staff upload the JSON files.
TRIALPORTAL_REGISTRY_FETCH = env_bool("TRIALPORTAL_REGISTRY_FETCH", False)
# benchmarks/load.py only: a hello-world page at /benchmark/hello/, the framework's ceiling
# measured through the same server, settings and middleware as every page. Never in use.
TRIALPORTAL_BENCHMARK_HELLO = env_bool("TRIALPORTAL_BENCHMARK_HELLO", False)

# Browser security --------------------------------------------------------------------

# No inline script or style anywhere. Public pages carry no nonce (they use none, so the
# header is the same for everyone and whole pages can be cached); the admin's own
# templates, and the rich-text editor's import map, get a per-response nonce.
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if DEBUG:
    # Django's own debug pages style themselves inline: report, do not block, locally.
    SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY
else:
    SECURE_CSP = CONTENT_SECURITY_POLICY

# No page needs a camera, a microphone, a location or a payment.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
}

CSRF_FAILURE_VIEW = "trialportal.errors.csrf_failure"

# The public API (/api/) may be read from any web page: GET only, no cookies.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

# Background work ("email me when this changes") runs in a database-backed queue:
# `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email (Django 6.1 mailers): printed to the console in development unless an SMTP server
# is configured; in production always SMTP (a local mail server on port 25 by default).
_email_host = os.environ.get("DJANGO_EMAIL_HOST", "")
if _email_host or not DEBUG:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host or "localhost",
            "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587" if _email_host else "25")),
            "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
            "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", bool(_email_host)),
        },
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "trials@localhost")
# Where the site lives, for links in emails (sent by the worker, outside any request).
TRIALPORTAL_SITE_URL = os.environ.get(
    "TRIALPORTAL_SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")

if not DEBUG:
    # HTTPS is terminated by the proxy in front; gunicorn believes its X-Forwarded-Proto
    # only from TRIALPORTAL_TRUSTED_PROXIES (gunicorn.conf.py), so no proxy header here.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Logging -------------------------------------------------------------------------------

# One JSON object per line on stdout (production), with the request id; readable text
# in development. DJANGO_LOG_FORMAT=json|text chooses.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "trialportal.logs.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "trialportal.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # The access log is ours (trialportal.access); runserver's would repeat it.
        "django.server": {"level": "WARNING"},
        # axes logs every attempt with the username and address; lockouts reach the
        # audit log without them.
        "axes": {"level": "WARNING"},
    },
}
