"""Callback settings, read from the environment (12-factor).

With nothing set, Callback runs on its embedded default: a SQLite file, a Celery broker
on the local filesystem and e-mail printed to the console, so a laptop needs nothing
installed but Python. `tracker.settings_production` hardens this for a real deployment.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="callback-insecure-development-key-change-me")
# Fernet keys of the notes and summaries encrypted at rest, newest first (docs/encryption.md).
# Empty: one key derived from SECRET_KEY (recruiters/encryption.py); production requires them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "recruiters",
    "recruiters.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files first: those keep their own caching.
    "csp.middleware.CSPMiddleware",
    "recruiters.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "recruiters.accounts.middleware.SecondStepMiddleware",
    "recruiters.accounts.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "recruiters.middleware.UserTimeZoneMiddleware",
    # Last, as django-axes asks: it turns a locked-out attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# A strict policy: no inline scripts or styles anywhere, and htmx runs without eval
# (templates/base.html configures it). The digest e-mail's preview frame has its own
# (recruiters/digests/views.py). SecurityMiddleware already sends nosniff and
# Referrer-Policy: same-origin; recruiters/security_headers.py adds the rest.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep each process's connection for a minute instead of opening one per request (a TCP and
# authentication round trip each time); checked before a request reuses it, so a restarted
# PostgreSQL costs one reconnect, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The laptop runs a worker beside the web server: take the write lock at BEGIN and
    # wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The rules' correlated subqueries look expensive to the planner, which then JIT-compiles
    # them: that costs more than it saves on queries this size (bench/dashboard.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters bound by the server, and a statement prepared once it has run
    # DATABASE_PREPARE_THRESHOLD times on a connection: a page asks the same ~20 statements
    # on every visit, and planning them again cost as much as running them
    # (docs/performance.md). Behind a pooler in transaction mode (PgBouncer before 1.21),
    # set DATABASE_PREPARE_THRESHOLD to -1: statements are then never prepared.
    prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    DATABASES["default"]["OPTIONS"].update(
        server_side_binding=True,
        prepare_threshold=None if prepare_threshold < 0 else prepare_threshold,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Checks nothing: on every new password, its hook ends digest links and the calendar feed
    # address (recruiters/lifecycle.py); Django itself ends the other sessions.
    {"NAME": "recruiters.lifecycle.RevokeOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

# Sign-in (recruiters/accounts/). Argon2 hashes new passwords; the others still verify
# older hashes, which are re-hashed with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# django-axes' backend first: a locked-out attempt stops there, before any hashing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures count per address *and* client IP, so a stranger cannot lock an owner out from
# everywhere by typing wrong passwords for their address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Attempts during a lockout do not push it back, so the retry time the page gives is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "recruiters.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "recruiters.accounts.throttle.client_ip"
AXES_USERNAME_CALLABLE = "recruiters.accounts.throttle.username"
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the N-th
# address from its right; with 0 (no proxy) it is the connection's own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_DISABLE_ACCESS_LOG = True  # no history of who logged in from where is kept
OTP_TOTP_ISSUER = "Callback"
# Unticked "Keep me signed in": the session ends with the browser, or after this long idle.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_HOURS", default=12) * 60 * 60
SESSION_REMEMBER_DAYS = env.int("SESSION_REMEMBER_DAYS", default=30)
ADMIN_URL = env("ADMIN_URL", default="manage/").strip("/") + "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from static/ without collectstatic; production serves the collected files.
WHITENOISE_USE_FINDERS = True
FORMS_URLFIELD_ASSUME_HTTPS = True

# E-mail: EMAIL_URL such as smtp://user:pass@mail.example.com:587 or smtp+tls://...;
# the default prints messages to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Callback <callback@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: Redis in production; with nothing set, a broker on the local filesystem.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# Reminders and digests (recruiters/tasks.py, recruiters/digests/; docs/digests.md).
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=600)
CELERY_BEAT_SCHEDULE = {
    "sweep": {"task": "recruiters.tasks.sweep", "schedule": SWEEP_INTERVAL_SECONDS},
}
DIGEST_LEASE_SECONDS = env.int("DIGEST_LEASE_SECONDS", default=15 * 60)
DIGEST_CATCH_UP_HOURS = env.int("DIGEST_CATCH_UP_HOURS", default=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO (several lines each); lockouts are WARNINGs.
    "loggers": {"axes": {"level": "WARNING"}},
}
