"""Tunable numbers of the enterprises app (settings.GUANQI, with defaults)."""

from django.conf import settings

DEFAULTS = {
    # Largest enterprise import file, in rows: one all-or-nothing transaction per file.
    "IMPORT_MAX_ROWS": 20_000,
}


def get(name: str):
    return getattr(settings, "GUANQI", {}).get(name, DEFAULTS[name])


def import_max_rows() -> int:
    return int(get("IMPORT_MAX_ROWS"))
