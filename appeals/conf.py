"""Tunable numbers of the appeals app (settings.GUANQI with defaults; tested in tests/appeals/test_conf.py)."""

from __future__ import annotations

from django.conf import settings

# Working days to decide an appeal, by type (our reading: shorter for the integrity channel and for
# the abnormal list, whose 90-day clock keeps running while the appeal is open).
DEFAULT_DEADLINE_WORKING_DAYS = {
    "credit_decision": 15,
    "abnormal_list": 10,
    "penalty": 20,
    "other_decision": 20,
    "coordinator_conduct": 10,
}


def _guanqi() -> dict:
    return getattr(settings, "GUANQI", {})


def deadline_working_days(appeal_type: str) -> int:
    configured = _guanqi().get("APPEAL_DEADLINE_WORKING_DAYS", {})
    return int(configured.get(appeal_type, DEFAULT_DEADLINE_WORKING_DAYS[appeal_type]))


def attachment_max_bytes() -> int:
    return int(_guanqi().get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_extensions() -> list[str]:
    return [
        ext.lower() for ext in _guanqi().get("ATTACHMENT_EXTENSIONS", ["pdf", "png", "jpg", "jpeg", "txt"])
    ]


def attachments_per_appeal() -> int:
    return int(_guanqi().get("APPEAL_MAX_ATTACHMENTS", 5))
