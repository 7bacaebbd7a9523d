"""Guanqi project package: settings, root URLs, the Celery app, users and the customs organisation."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
