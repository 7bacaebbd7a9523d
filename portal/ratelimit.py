"""A fixed-window rate limit on Redis (the cache), for the pages anyone may call without signing in.

``allow(key, limit=…)`` counts one hit for ``key`` in the current window and says whether it is within
the limit. If Redis cannot be reached the hit is allowed and logged: the public pages it protects stay
available (our choice; the limit guards against scraping, not against a single look-up).
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)


def client_address(request) -> str:
    """The caller's address as the web server saw it (a proxy in front must pass the real one on)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(key: str, *, limit: int, window: int = 60) -> bool:
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    try:
        cache.add(bucket, 0, timeout=window + 5)
        hits = cache.incr(bucket)
    except Exception:  # the cache is down: availability first, and say so
        log.warning("rate limit not applied (cache unavailable) for %s", key, exc_info=True)
        return True
    return hits <= limit


def retry_after(window: int = 60) -> int:
    """Seconds until the current window ends."""
    return window - int(time.time() % window)
