"""Settings for Debate Record, all read from the environment.

Local development needs nothing but ``DEBUG=1`` (the Makefile sets it); production sets
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``. See README.md, "Configuration".
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.catalogues import with_catalogue

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    # A typo such as DEBUG=ture must not quietly mean "off" (or "on"): refuse it.
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes or no; use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}"
    )


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# pytest sets PYTEST_VERSION; the test suite may run without a configured key.
_TESTING = "PYTEST_VERSION" in os.environ
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or _TESTING):
    SECRET_KEY = "django-insecure-local-development-only"
# Without DEBUG there is no fallback key: commands that sign nothing (migrate,
# makemigrations, import_debates) still run, while Django refuses to sign sessions or
# CSRF tokens with an empty key and config/wsgi.py refuses to serve without one.

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with a site that asks staff for a second factor (accounts/).
    "accounts.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "debates",
    "reports",
    "record",
    "backup",
]

MIDDLEWARE = [
    # First, so that every response carries the policy, the health check's included.
    "config.csp_policy.ContentSecurityPolicyMiddleware",
    # Before the HTTPS redirect and host validation: a load balancer's probe gets an answer.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from gunicorn itself (hashed names, compressed, cached for a year).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, except that the admin takes the staff member's language (config/languages.py).
    "config.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
            # The language switcher, hreflang alternates and content marked as English.
            "libraries": {"languages": "config.language_tags"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database, e.g.
# postgres://postgres@127.0.0.1:5432/debates
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several instances (README, "Scaling"). Nothing an instance needs from another lives on
# its own disk or in its memory: sessions, lockouts, two-factor devices and their
# throttling are rows in the primary database.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# A read replica of DATABASE_URL for public pages: config/replica.py routes reads of
# debates and reports there for anonymous GETs outside the admin, and everything else,
# writes and migrations included, to the primary.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = dj_database_url.config(
        env="DATABASE_REPLICA_URL",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests run against the primary's test database: there is no second one to create.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
# For this long after a change to debates or reports commits, public pages read from the
# primary: a replica lagging less than this never shows what the change took away.
REPLICA_FALLBACK_SECONDS = int(os.environ.get("REPLICA_FALLBACK_SECONDS", "30"))

# The cache: Redis when REDIS_URL is set (shared by every instance), else each process's
# memory. Django's own Redis backend: the site needs get, set and delete, nothing that
# django-redis adds. Nothing the public sees is cached; see README, "Scaling".
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "debate-record",
            # A Redis that is down slows a request by a second at most, never hangs it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface is English at /, Dari at /fa/ and Pashto at /ps/ (README, "Languages").
# Django has no Pashto of its own, and calls fa Persian: this site's fa is Dari.
LANG_INFO["ps"] = {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"}
LANG_INFO["fa"] = {**LANG_INFO["fa"], "name": "Dari", "name_local": "دری"}
LANGUAGES_BIDI = [*global_settings.LANGUAGES_BIDI, "ps"]
LANGUAGE_CODE = "en"
INTERFACE_LANGUAGES = [
    ("en", _("English")),
    ("fa", _("Dari")),
    ("ps", _("Pashto")),
]
# The project's own catalogues first; then Django's admin, auth and form strings in the
# languages Django lacks (Pashto) or leaves partly untranslated (Dari), written by hand:
# makemessages never touches locale-django/ (README, "Languages").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-django"]
# A page is never right to left with English words: a language is offered (its URLs, the
# switcher, hreflang, the admin) only once its compiled catalogue is in locale/.
LANGUAGES = with_catalogue(INTERFACE_LANGUAGES, LOCALE_PATHS[:1], default=LANGUAGE_CODE)
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kabul")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes each file under a name with its hash, plus a gzip
    # copy; WhiteNoise serves those with a far-future Cache-Control. With DEBUG the
    # original names are used, so `make run` needs no collectstatic. The test suite renders
    # pages without running collectstatic, so it uses the plain storage.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded record files are read in memory up to this size, then spooled to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Behind a TLS proxy that sets X-Forwarded-Proto (and strips it from clients), a request
# is secure when the proxy says so. Without a proxy any client could send the header, so
# it is trusted only when the operator says there is one.
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    # HSTS for every subdomain, and preloading into browsers (hard to undo), bind hosts
    # this site does not run: the operator opts in, we do not.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
    # check --deploy warns when they are off; off is the decision above, so the two
    # warnings about it (and only those) are silenced while the operator has not opted in.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; config/csp_policy.py). The public site needs no
# script and has no inline style: everything comes from this site's static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The admin runs Django's own static JavaScript, from this site only.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'"],
    }
}

# The largest debate record file one import takes, in bytes (admin upload and command).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1000 * 1000)))

# Backups (`make backup`): where they go, and the gpg key they are encrypted to (a key
# id, fingerprint or e-mail address in the keyring of whoever runs the backup).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_GPG_RECIPIENT = os.environ.get("BACKUP_GPG_RECIPIENT", "").strip()

# History of changes (django-simple-history; debates/history.py). The middleware gives
# each change made in a web request its user; the reason is free text.
INSTALLED_APPS += ["simple_history"]
MIDDLEWARE += ["simple_history.middleware.HistoryRequestMiddleware"]
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Login protection (README, "Login protection"). Only staff log in: the public site has
# no accounts. django-axes locks a username out from one address after
# LOGIN_FAILURE_LIMIT wrong passwords, for LOGIN_LOCKOUT_MINUTES after the last of them.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
]
# Last, so it turns a lockout anywhere in the request into its answer.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# Failed logins and lockouts are rows in the primary database, seen by every instance
# (the cache handler would keep them in each process's memory without Redis).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The address comes from X-Forwarded-For only behind a proxy that sets it (and that
# replaces or appends to what the client sent); otherwise anyone could pick theirs.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_address"
# Readers' and staff's addresses are kept only as long as a lockout needs them: no log
# of every login, no permanent log of failures, none in the log lines. The attempts
# themselves are deleted once older than the lockout (at each login attempt, and by
# `manage.py expire_login_attempts`).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["ip_address"]
# Failures and lockouts (axes) and refused codes (accounts) are warnings: always logged.
LOGGING["loggers"] = {
    "axes": {"level": "WARNING"},
    "accounts": {"level": "WARNING"},
}

# Two-factor login (django-otp): on unless DEBUG. With it on, staff who have not set
# up an authenticator app are sent to do so before the admin lets them in.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Debate Record"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# After the login and two-factor middleware: it asks whether the user is logged in.
if "replica" in DATABASES:
    MIDDLEWARE += ["config.replica.ReplicaMiddleware"]
