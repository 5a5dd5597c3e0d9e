# Callback: one image for the web server (gunicorn), the Celery worker and Celery beat.
#
#   docker build -t callback .
#   docker run -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... callback
#
# See docker-compose.yml for the full stack (Postgres, Redis, Mailpit, worker, beat).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=tracker.settings_production

WORKDIR /app

# Dependencies first, so this layer is reused until pyproject.toml or the lock changes.
# This is `pip install -c requirements.lock .` without the project itself: the runtime
# dependencies listed in pyproject.toml, every version pinned by requirements.lock.
# The code runs from /app and is not installed into site-packages.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.in \
    && pip install -c requirements.lock -r /tmp/requirements.in \
    && rm /tmp/requirements.in

# The application. Copied path by path so that .venv, .env, db.sqlite3 and .git never
# reach the image.
COPY manage.py LICENSE ./
COPY tracker ./tracker
COPY recruiters ./recruiters
COPY templates ./templates
COPY static ./static

# Static files are collected (hashed and compressed for WhiteNoise) at build time. The
# production settings require SECRET_KEY and FIELD_ENCRYPTION_KEYS: this step alone gets
# throwaway values, which are not kept in the image. Supply the real ones at run time.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret \
    FIELD_ENCRYPTION_KEYS=collectstatic-build-only-not-a-key \
    python manage.py collectstatic --noinput

# Run as an unprivileged user. /app/var is the only writable directory (Celery beat's
# schedule file lives there).
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home callback \
    && mkdir -p /app/var \
    && chown callback:callback /app/var
USER callback

EXPOSE 8000

# tracker/gunicorn.py: two workers per core and one more, or WEB_CONCURRENCY.
CMD ["gunicorn", "tracker.wsgi", "--config", "python:tracker.gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
