"""Admin registration for the credit app, split by concern."""

from . import admin_core, admin_jobs  # noqa: F401
