"""Credit in the admin: ``ratings`` (regimes, ratings, mappings, credit events, the enterprise's credit
history) and ``lists`` (the abnormal list, annual-report candidates, repair applications)."""

from credit.admin import lists, ratings  # noqa: F401
