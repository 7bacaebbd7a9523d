"""Tunable numbers of coordination requests (STYLE.md rule 13): settings with defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULT_ATTACHMENT_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "doc", "docx", "xls", "xlsx", "txt", "zip"]


def _guanqi(key: str, default):
    return getattr(settings, "GUANQI", {}).get(key, default)


def reopen_window_days() -> int:
    """A resolved request may be reopened this many days after resolution (our reading: 15)."""
    return int(_guanqi("REOPEN_WINDOW_DAYS", 15))


def attachment_max_bytes() -> int:
    return int(_guanqi("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_extensions() -> list[str]:
    return [ext.lower() for ext in _guanqi("ATTACHMENT_EXTENSIONS", DEFAULT_ATTACHMENT_EXTENSIONS)]


def max_attachments_per_upload() -> int:
    return int(_guanqi("REQUEST_MAX_FILES_PER_UPLOAD", 5))


def escalation_batch_size() -> int:
    return int(_guanqi("REQUEST_ESCALATION_BATCH", 500))
