"""Admin registration for the coordinators app, split by concern."""

from . import admin_core, admin_requests  # noqa: F401
