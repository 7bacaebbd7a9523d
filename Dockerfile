# Guanqi image: the same code serves web (gunicorn), the Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
# Build-time only values: collectstatic and compilemessages need settings to load.
RUN DEBUG=0 SECRET_KEY=build-only-placeholder-value-that-is-long-enough-0123456789 \
        DATABASE_URL=postgres://build@localhost/build \
        python manage.py collectstatic --no-input -v0 \
    && DEBUG=1 SECRET_KEY=x DATABASE_URL=postgres://build@localhost/build \
        python manage.py compilemessages -v0 --ignore=.venv

RUN useradd --system --uid 1000 --home /app guanqi && mkdir -p /app/var/media && chown -R guanqi /app/var
USER guanqi

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
