"""Admin registration for the enterprises app, split by concern."""

from . import admin_core, admin_outreach  # noqa: F401
