"""Production settings: everything in `tracker.settings`, hardened for HTTPS.

`DJANGO_SETTINGS_MODULE=tracker.settings_production manage.py check --deploy` reports
nothing when SECRET_KEY is a long random value and ALLOWED_HOSTS names the site.
"""

from django.core.exceptions import ImproperlyConfigured

from tracker.settings import *  # noqa: F403
from tracker.settings import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# Never the key derived from SECRET_KEY here: changing that secret would lose the notes.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS: the Fernet keys of the encrypted notes, newest first "
        "(docs/encryption.md says how to make one, and to keep it apart from the backups)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
