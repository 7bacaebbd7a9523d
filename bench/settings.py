"""Settings of the benchmark's deployment: production settings (``portal.settings``, DEBUG off, a real
SECRET_KEY from the environment, WhiteNoise with the compressed manifest) plus the bench app (data
generator, the floor view) and a header with the SQL query count of each response."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS, MIDDLEWARE, env

INSTALLED_APPS = [*INSTALLED_APPS, "bench.apps.BenchConfig"]
ROOT_URLCONF = "bench.urls"
# First in the chain: counts every query of the request, middleware included.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# The jobs' Celery messages go to a queue of their own, emptied by the benchmark afterwards.
CELERY_TASK_DEFAULT_QUEUE = env.str("BENCH_CELERY_QUEUE", default="guanqi-bench")
# Digest and notification e-mails are built but not sent (no SMTP server on the bench machine).
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
