"""Read replicas: the heavy reads that tolerate a few seconds of lag go to a streaming replica.

Configuration (``portal/settings.py``): ``DATABASE_REPLICA_URLS`` (zero or more, comma-separated)
become the database aliases ``replica1``, ``replica2``, … listed in ``settings.DATABASE_REPLICAS``.
With none, nothing changes: every query goes to ``default`` (the primary).

What goes to a replica — only a GET or HEAD of a view that tolerates lag (:func:`tolerates_lag`):
the managers' dashboard and its exports, the knowledge base and its search suggestions, the admin's
change lists, and the API's list endpoints, plus any view named in ``settings.REPLICA_READ_VIEWS``.
Everything else reads and writes the primary, and so do Celery jobs and management commands (the
router only chooses a replica inside a request the middleware marked).

- **Read-your-writes**: any request that may write (POST, PUT, PATCH, DELETE) sets a short-lived cookie
  (``REPLICA_PIN_SECONDS``); while it lives, that browser reads the primary only, so a user never
  misses what they just did. The signed-in user and the session are always read from the primary.
- **Fallback**: each replica is probed at most every ``REPLICA_CHECK_SECONDS`` per process (a small
  query: ``pg_is_in_recovery()``, WAL receive and replay positions, ``pg_last_xact_replay_timestamp()``);
  one that is down or lags more than ``REPLICA_MAX_LAG_SECONDS`` is skipped until the next probe. A
  replica that fails in the middle of a request is marked down and the view is run again on the
  primary (the views routed here only read), so the user sees the page, not an error.
- Inside ``transaction.atomic()`` every read goes to the primary.

The tunables live in ``portal/conf.py``; docs/OPERATIONS.md ("Scaling out") describes the topology.
"""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from fnmatch import fnmatchcase

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from portal.conf import tunable

log = logging.getLogger(__name__)

PIN_COOKIE = "guanqi_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Views that tolerate lag, as "namespace:url_name" patterns (fnmatch); the admin's change lists and the
# API's list actions are recognised without being named.
DEFAULT_REPLICA_READ_VIEWS = (
    "supervision:dashboard",
    "supervision:dashboard_export",
    "supervision:dashboard_coordinator",
    "coordination:knowledge_base",
    "coordination:answer_suggestions",
)

# Models always read from the primary: who is signed in, and the state a request of theirs may change.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "django_celery_beat", "axes", "otp_totp"})
PRIMARY_ONLY_MODELS = frozenset({"portal.user", "portal.apitoken"})

_replica_allowed: ContextVar[bool] = ContextVar("guanqi_replica_allowed", default=False)
_replica_used: ContextVar[str | None] = ContextVar("guanqi_replica_used", default=None)
# alias -> (monotonic time of the probe, usable)
_health: dict[str, tuple[float, bool]] = {}

LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
    END
"""


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def replica_lag(alias: str) -> float | None:
    """Seconds the replica is behind the primary (0 when it has replayed all it received), or None when
    it cannot be reached."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("replica %s unreachable: %s", alias, exc)
        connection.close()
        return None
    return float(lag)


def is_usable(alias: str) -> bool:
    """The probe, cached per process for ``REPLICA_CHECK_SECONDS``."""
    now = time.monotonic()
    checked = _health.get(alias)
    if checked is not None and now - checked[0] < float(tunable("REPLICA_CHECK_SECONDS")):
        return checked[1]
    lag = replica_lag(alias)
    usable = lag is not None and lag <= float(tunable("REPLICA_MAX_LAG_SECONDS"))
    if lag is not None and not usable:
        log.warning("replica %s lags %.1f s: reading the primary", alias, lag)
    _health[alias] = (now, usable)
    return usable


def mark_down(alias: str) -> None:
    _health[alias] = (time.monotonic(), False)
    connections[alias].close()


def forget_health() -> None:
    """Probe every replica again on the next read (tests; an operator's shell after a failover)."""
    _health.clear()


def choose_replica() -> str | None:
    for alias in replica_aliases():
        if is_usable(alias):
            return alias
    return None


class ReplicaRouter:
    """``settings.DATABASE_ROUTERS``: reads of a marked request to a usable replica; the rest to the
    primary. Migrations run on the primary only (a replica receives them by streaming)."""

    def db_for_read(self, model, **hints) -> str:
        if (
            not _replica_allowed.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or model._meta.label_lower in PRIMARY_ONLY_MODELS
        ):
            return "default"
        if connections["default"].in_atomic_block:
            return "default"
        alias = choose_replica()
        if alias is None:
            return "default"
        _replica_used.set(alias)
        return alias

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


def tolerates_lag(request, view_func) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    if match.namespace == "admin" and (match.url_name or "").endswith("_changelist"):
        return True
    if (getattr(view_func, "actions", None) or {}).get(request.method.lower()) == "list":
        return True  # a DRF viewset's list action
    name = f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
    patterns = getattr(settings, "REPLICA_READ_VIEWS", DEFAULT_REPLICA_READ_VIEWS)
    return any(fnmatchcase(name, pattern) for pattern in patterns)


class ReplicaMiddleware:
    """After ``AuthenticationMiddleware``: marks the requests whose reads may go to a replica, pins a
    browser that wrote to the primary, and reruns a view on the primary when its replica failed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.set(False)
            _replica_used.set(None)
        if request.method not in SAFE_METHODS and replica_aliases():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=int(tunable("REPLICA_PIN_SECONDS")),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            not replica_aliases()
            or request.method not in ("GET", "HEAD")
            or request.COOKIES.get(PIN_COOKIE)
            or not tolerates_lag(request, view_func)
        ):
            return None
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - the session and the user are read from the primary
        request.replica_view = (view_func, view_args, view_kwargs)
        _replica_allowed.set(True)
        return None

    def process_exception(self, request, exception):
        retry = getattr(request, "replica_view", None)
        alias = _replica_used.get()
        if retry is None or alias is None or not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("replica %s failed during %s, reading the primary: %s", alias, request.path, exception)
        mark_down(alias)
        _replica_allowed.set(False)
        _replica_used.set(None)
        request.replica_view = None
        view_func, view_args, view_kwargs = retry
        response = view_func(request, *view_args, **view_kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response.render()  # Django renders a template response only before process_exception
        return response
